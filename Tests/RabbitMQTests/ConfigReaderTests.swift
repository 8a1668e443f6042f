import Configuration
import Testing

@testable import RabbitMQ

@Suite struct AMQPConfigReaderTests {
    static let url: ConfigValue = "amqps://bridge:p4ssw0rd@broker.example:5671/prod"

    func reader(_ values: [AbsoluteConfigKey: ConfigValue]) -> ConfigReader {
        ConfigReader(provider: InMemoryProvider(values: values)).scoped(to: "amqp")
    }

    /// The error message for `values`, or nil when they are accepted; no secret may appear in it.
    func failure(_ values: [AbsoluteConfigKey: ConfigValue]) -> String? {
        do throws(AMQPError) {
            _ = try AMQPConfiguration(configReader: reader(values))
            return nil
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(!"\(error) \(error.message)".contains("p4ssw0rd"))
            #expect(!"\(error) \(error.message)".contains("k3yp4ss"))
            return error.message
        }
    }

    @Test func defaults() throws {
        let read = try AMQPConfiguration(configReader: reader(["amqp.url": "amqp://broker.example"]))
        let plain = AMQPConfiguration()
        #expect(read.host == "broker.example" && read.port == 5672 && read.tls == nil)
        #expect(read.heartbeat == plain.heartbeat && read.connectionName == nil)
        #expect(read.frameMax == plain.frameMax && read.connectTimeout == plain.connectTimeout)

        let secure = try AMQPConfiguration(configReader: reader(["amqp.url": Self.url]))
        #expect(secure.user == "bridge" && secure.password == "p4ssw0rd" && secure.virtualHost == "prod")
        #expect(secure.tls?.verifyPeer == true && secure.tls?.verifyHostname == true)
        #expect(secure.tls?.caFile == nil && secure.tls?.keyPassword == nil)
    }

    @Test func everyKeyIsRead() throws {
        let read = try AMQPConfiguration(configReader: reader([
            "amqp.url": .init(.string("amqps://bridge:p4ssw0rd@broker.example/"), isSecret: true),
            "amqp.heartbeat": 15, "amqp.connection_name": "smpp-bridge-1",
            "amqp.tls.ca_file": "/etc/ca.pem", "amqp.tls.cert_file": "/etc/c.pem", "amqp.tls.key_file": "/etc/c.key",
            "amqp.tls.key_password": "k3yp4ss", "amqp.tls.verify_peer": false, "amqp.tls.verify_hostname": "false",
        ]))
        #expect(read.heartbeat == .seconds(15) && read.connectionName == "smpp-bridge-1" && read.port == 5671)
        #expect(read.tls?.caFile == "/etc/ca.pem" && read.tls?.certificateFile == "/etc/c.pem")
        #expect(read.tls?.keyFile == "/etc/c.key" && read.tls?.keyPassword == "k3yp4ss")
        #expect(read.tls?.verifyPeer == false && read.tls?.verifyHostname == false)
    }

    @Test func heartbeatAsTextOrIntegralNumber() throws {
        #expect(try AMQPConfiguration(configReader: reader(["amqp.url": Self.url, "amqp.heartbeat": "5"]))
            .heartbeat == .seconds(5))
        #expect(try AMQPConfiguration(configReader: reader(["amqp.url": Self.url, "amqp.heartbeat": 60.0]))
            .heartbeat == .seconds(60))
    }

    /// Issue 11 items 3 and 6: heartbeat 0 is refused (a broker that stops would never be noticed);
    /// `amqp.max_message_size` is read, 1 MiB by default.
    @Test func heartbeatZeroIsRefusedAndMaxMessageSizeIsRead() throws {
        #expect(failure(["amqp.url": Self.url, "amqp.heartbeat": 0])?.hasPrefix("amqp.heartbeat:") == true)
        #expect(throws: AMQPError.self) { try AMQPConfiguration(heartbeat: .zero).validated() }
        #expect(try AMQPConfiguration(configReader: reader(["amqp.url": Self.url])).maxMessageSize == 1_048_576)
        #expect(try AMQPConfiguration(configReader: reader(["amqp.url": Self.url, "amqp.max_message_size": "65536"]))
            .maxMessageSize == 65_536)
    }

    @Test func missingURLIsNamed() {
        #expect(failure([:]) == "amqp.url: is required")
    }

    @Test func wrongValuesNameTheirKey() {
        let cases: [(AbsoluteConfigKey, ConfigValue)] = [
            ("amqp.url", "http://bridge:p4ssw0rd@broker"), ("amqp.url", 5),
            ("amqp.url", "amqps://bridge:p4ssw0rd@broker:99999/"), ("amqp.heartbeat", "often"),
            ("amqp.heartbeat", 0.5), ("amqp.heartbeat", -1), ("amqp.heartbeat", 70_000), ("amqp.heartbeat", true),
            ("amqp.connection_name", 7), ("amqp.tls.ca_file", false), ("amqp.tls.cert_file", 1),
            ("amqp.tls.key_file", 2.0), ("amqp.tls.key_password", 99), ("amqp.tls.verify_peer", "perhaps"),
            ("amqp.tls.verify_hostname", 3), ("amqp.heartbeat", 0), ("amqp.heartbeat", "0"),
            ("amqp.max_message_size", 0), ("amqp.max_message_size", "big"),
        ]
        for (key, value) in cases {
            var values: [AbsoluteConfigKey: ConfigValue] = ["amqp.url": Self.url]
            values[key] = value
            let message = failure(values)
            #expect(message?.hasPrefix("\(key):") == true, "\(key) = \(value): \(message ?? "accepted")")
        }
    }

    @Test func tlsKeysWithAPlainURLAreRefused() {
        #expect(failure(["amqp.url": "amqp://bridge:p4ssw0rd@broker", "amqp.tls.key_password": "k3yp4ss"])
            == "amqp.tls.key_password: is set but amqp.url is not amqps://")
        #expect(failure(["amqp.url": "amqp://broker", "amqp.tls.ca_file": "/etc/ca.pem"])?
            .hasPrefix("amqp.tls.ca_file:") == true)
    }
}
