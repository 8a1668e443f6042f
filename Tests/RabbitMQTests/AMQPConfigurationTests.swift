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

    /// Base64 passwords hold '/': the credentials end at the last '@', so such a password is read as written; its
    /// tail was taken for the virtual host (shown in every log line) and the rest for host and port.
    @Test func aPasswordWithSlashesOrQueryCharactersIsReadAsWritten() throws {
        let base64 = try AMQPConfiguration(url: "amqp://bridge:Ab/cd+EF@rabbit:5672/prod")
        #expect(base64.user == "bridge" && base64.password == "Ab/cd+EF")
        #expect(base64.host == "rabbit" && base64.port == 5672 && base64.virtualHost == "prod")
        let leaky = try AMQPConfiguration(url: "amqp://bridge:12/s3cretTail@rabbit:5672/prod")
        #expect(leaky.password == "12/s3cretTail" && leaky.host == "rabbit" && leaky.virtualHost == "prod")
        #expect(!leaky.description.contains("s3cret"), "\(leaky.description)")
        let query = try AMQPConfiguration(url: "amqps://u:p?q#r/s@h")
        #expect(query.password == "p?q#r/s" && query.host == "h" && query.virtualHost == "/")
        #expect(try AMQPConfiguration(url: "amqp://h/v%40x").virtualHost == "v@x")
        let padded = try AMQPConfiguration(url: " amqp://u:p@h:5673/v \n")
        #expect(padded.host == "h" && padded.port == 5673 && padded.virtualHost == "v")
        #expect(try AMQPConfiguration(url: "amqp://u:p@ss@h/v").password == "p@ss", "an '@' with no '/' after it")
    }

    /// An unencoded '@' in the virtual host made the URL read as other credentials at another host
    /// (`u:p@rabbit/v@x`: password `p@rabbit/v`, host `x`): refused, naming the fix, never the password.
    @Test func anUnencodedAtFollowedBySlashInTheCredentialsIsRefused() {
        for url in ["amqp://bridge:s3cret@rabbit/v@x", "amqps://bridge:s3cret@rabbit:5671/prod@eu,amqps://x@y"] {
            do {
                _ = try AMQPConfiguration(url: url)
                Issue.record("expected an error for \(url)")
            } catch {
                #expect(error.code == .invalidConfiguration)
                #expect(error.description.contains("%40") && !error.description.contains("s3cret"), "\(error)")
            }
        }
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
