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
