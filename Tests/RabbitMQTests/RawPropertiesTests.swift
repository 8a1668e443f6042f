import CRabbitMQ
import Testing

@testable import RabbitMQ

/// Properties of a consumed delivery as the broker layer reads them from librabbitmq's struct.
@Suite struct RawPropertiesTests {
    func properties(messageID octets: [UInt8]) -> AMQPProperties {
        var raw = amqp_basic_properties_t()
        raw._flags = UInt32(AMQP_BASIC_MESSAGE_ID_FLAG)
        return octets.withUnsafeBytes { buffer in
            raw.message_id = amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
            return rawProperties(raw)
        }
    }

    /// A `message_id` whose octets are not UTF-8 (Latin-1 from some producer) is not read as an id — repaired, two
    /// different ids could read the same, and the id is the request's dedup key; its octets are kept in a header.
    @Test func aMessageIDThatIsNotUTF8ReadsAsAbsentAndIsKeptInAHeader() {
        let latin1 = properties(messageID: Array("ord-".utf8) + [0xE9])
        #expect(latin1.messageID == nil)
        #expect(latin1.headers[invalidMessageIDHeader] == .bytes(Array("ord-".utf8) + [0xE9]))
        let other = properties(messageID: Array("ord-".utf8) + [0xE8])
        #expect(other.headers[invalidMessageIDHeader] != latin1.headers[invalidMessageIDHeader])
        let valid = properties(messageID: Array("ord-é".utf8))
        #expect(valid.messageID == "ord-é" && valid.headers.isEmpty)
    }
}

extension BrokerTests {
    /// The same through a real broker: a producer writing message_id octets that are not UTF-8 (our publisher cannot:
    /// its ids are Strings, so the C API publishes here), the consumer reading them.
    @Suite(.timeLimit(.minutes(1))) struct RawMessageID {
        @Test func aNonUTF8MessageIDFromTheBrokerReadsAsAbsentWithItsOctetsInAHeader() async throws {
            let queue = TestBroker.uniqueName("raw-message-id")
            let configuration = try TestBroker.configuration()
            let consumer = try await TestBroker.consumer(queue: queue)
            defer { Task { await consumer.close() } }
            let octets = Array("ord-".utf8) + [0xE9]
            try publishWithTheCLibrary(configuration, queue: queue, messageID: octets, body: Array("b".utf8))
            var deliveries = consumer.deliveries.makeAsyncIterator()
            let delivery = try #require(await deliveries.next())
            #expect(delivery.body == Array("b".utf8))
            #expect(delivery.properties.messageID == nil)
            #expect(delivery.properties.headers[invalidMessageIDHeader] == .bytes(octets))
            try consumer.ack(delivery)
        }

        /// One persistent publish to the default exchange with librabbitmq alone: connect, log in, open channel 1,
        /// publish, close.
        func publishWithTheCLibrary(
            _ configuration: AMQPConfiguration, queue: String, messageID: [UInt8], body: [UInt8]
        ) throws {
            struct Failed: Error, CustomStringConvertible { var description: String }
            guard let state = amqp_new_connection() else { throw Failed(description: "amqp_new_connection") }
            defer { amqp_destroy_connection(state) }
            guard let socket = amqp_tcp_socket_new(state) else { throw Failed(description: "amqp_tcp_socket_new") }
            guard amqp_socket_open(socket, configuration.host, Int32(configuration.port)) == 0 else {
                throw Failed(description: "cannot connect to \(configuration.host):\(configuration.port)")
            }
            let login = crmq_login_plain(
                state, configuration.virtualHost, 0, 131_072, 0, configuration.user, configuration.password)
            guard login.reply_type == AMQP_RESPONSE_NORMAL else { throw Failed(description: "login refused") }
            amqp_channel_open(state, 1)
            guard amqp_get_rpc_reply(state).reply_type == AMQP_RESPONSE_NORMAL else {
                throw Failed(description: "channel.open refused")
            }
            var properties = amqp_basic_properties_t()
            properties._flags = UInt32(AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG)
            properties.delivery_mode = 2
            let status = messageID.withUnsafeBytes { id in
                body.withUnsafeBytes { content in
                    properties.message_id = amqp_bytes_t(len: id.count, bytes: UnsafeMutableRawPointer(mutating: id.baseAddress))
                    return amqp_basic_publish(
                        state, 1, amqp_empty_bytes, amqp_cstring_bytes(queue), 0, 0, &properties,
                        amqp_bytes_t(len: content.count, bytes: UnsafeMutableRawPointer(mutating: content.baseAddress)))
                }
            }
            guard status == 0 else { throw Failed(description: "amqp_basic_publish: \(status)") }
            _ = amqp_channel_close(state, 1, AMQP_REPLY_SUCCESS)
            _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        }
    }
}
