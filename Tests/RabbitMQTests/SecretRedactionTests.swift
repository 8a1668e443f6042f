import Testing

@testable import RabbitMQ

@Suite struct SecretRedactionTests {
    static let password = "pa55-word-xyz"
    static let keyPassword = "key-pa55-xyz"

    static func configuration() throws -> AMQPConfiguration {
        try AMQPConfiguration(
            url: "amqps://bridge:\(password)@broker.example:5671/prod",
            tls: AMQPTLSConfiguration(caFile: "/ca.pem", certificateFile: "/c.pem", keyFile: "/k.pem", keyPassword: keyPassword))
    }

    /// Every way a value becomes text in a log line, an error report or a crash dump.
    static func renderings(_ value: some Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return ["\(value)", String(describing: value), String(reflecting: value), dumped]
    }

    @Test func theConfigurationNeverShowsThePasswordOrTheKeyPassword() throws {
        let configuration = try Self.configuration()
        for text in Self.renderings(configuration) {
            #expect(!text.contains(Self.password), "password in: \(text)")
            #expect(!text.contains(Self.keyPassword), "key password in: \(text)")
        }
        #expect("\(configuration)".contains("bridge:***@broker.example"))
    }

    @Test func theTLSSettingsNeverShowTheKeyPassword() throws {
        let tls = try #require(try Self.configuration().tls)
        for text in Self.renderings(tls) {
            #expect(!text.contains(Self.keyPassword), "key password in: \(text)")
            #expect(text.contains("/k.pem"), "the key file is still shown: \(text)")
        }
    }
}
