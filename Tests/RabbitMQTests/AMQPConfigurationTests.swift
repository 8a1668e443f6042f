import Testing

@testable import RabbitMQ

@Suite struct AMQPConfigurationTests {
    @Test func fullURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://bridge:s%40cret@broker.example:5673/prod%2Fsms")
        #expect(configuration.host == "broker.example")
        #expect(configuration.port == 5673)
        #expect(configuration.user == "bridge")
        #expect(configuration.password == "s@cret")
        #expect(configuration.virtualHost == "prod/sms")
        #expect(configuration.tls == nil)
    }

    @Test func defaults() throws {
        let plain = try AMQPConfiguration(url: "amqp://")
        #expect(plain.host == "localhost" && plain.port == 5672 && plain.user == "guest" && plain.virtualHost == "/")
        let tls = try AMQPConfiguration(url: "amqps://h")
        #expect(tls.port == 5671)
        #expect(tls.tls?.verifyPeer == true && tls.tls?.verifyHostname == true)
        #expect(try AMQPConfiguration(url: "amqp://h/%2F").virtualHost == "/")
        #expect(try AMQPConfiguration(url: "amqp://[::1]:5680").host == "::1")
    }

    @Test func tlsSettingsAreKept() throws {
        let configuration = try AMQPConfiguration(
            url: "amqps://u:p@localhost:5671/", tls: AMQPTLSConfiguration(caFile: "/ca.pem", verifyHostname: false))
        #expect(configuration.tls?.caFile == "/ca.pem")
        #expect(configuration.tls?.verifyHostname == false)
    }

    @Test(arguments: ["http://h", "amqp://h:0", "amqp://h:70000", "amqp://h:x", "amqp://u:%zz@h", "amqp://h?heartbeat=5", "amqp://[::1"])
    func invalidURLs(_ url: String) {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: url) }
    }

    @Test func passwordNeverInDescriptionOrErrors() throws {
        let configuration = try AMQPConfiguration(url: "amqp://bridge:topsecret@h:5672/v")
        #expect(!configuration.description.contains("topsecret"))
        #expect(configuration.description == "amqp://bridge:***@h:5672/v")
        do {
            _ = try AMQPConfiguration(url: "amqp://bridge:topsecret@h:99999/")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("topsecret"))
            #expect(error.code == .invalidConfiguration)
        }
    }

    @Test func validation() throws {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(frameMax: 100).validated() }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(confirmTimeout: .zero).validated() }
        #expect(throws: AMQPError.self) {
            try AMQPConfiguration(reconnectInitialDelay: .seconds(5), reconnectMaxDelay: .seconds(1)).validated()
        }
        _ = try AMQPConfiguration().validated()
    }
}
