import Testing

import RabbitMQ

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct EncryptedClientKey {
        /// client-encrypted.key is client.key encrypted with AES-256 under the password "s3cret" (test only).
        func configuration(keyPassword: String?) throws -> AMQPConfiguration {
            let tls = AMQPTLSConfiguration(
                caFile: TestBroker.certificate("ca.pem"), certificateFile: TestBroker.certificate("client.pem"),
                keyFile: TestBroker.certificate("client-encrypted.key"), keyPassword: keyPassword)
            return try AMQPConfiguration(url: try #require(TestBroker.tlsURL), tls: tls)
        }

        /// The key password must stay readable until the key is loaded (librabbitmq keeps only the pointer).
        @Test(.enabled(if: TestBroker.tlsURL != nil)) func anEncryptedKeyLoadsWithItsPassword() async throws {
            for _ in 0..<3 {
                let publisher = try await TestBroker.publisher(try configuration(keyPassword: "s3cret"))
                #expect(publisher.isConnected)
                await publisher.close()
            }
        }

        @Test(.enabled(if: TestBroker.tlsURL != nil)) func aWrongKeyPasswordIsATLSFailure() async throws {
            let publisher = AMQPPublisher(
                configuration: try configuration(keyPassword: "wrong-password"), logger: TestBroker.logger)
            do {
                try await publisher.connect()
                Issue.record("loaded an encrypted key with a wrong password")
            } catch let error as AMQPError {
                #expect(error.code == .tlsFailed)
                #expect(!error.description.contains("wrong-password"))
            }
        }

        /// No password configured for an encrypted key: a TLS failure, never an OpenSSL prompt on a terminal
        /// (which would block the connection thread; run this test from a terminal to see the difference).
        @Test(.enabled(if: TestBroker.tlsURL != nil)) func anEncryptedKeyWithoutPasswordIsATLSFailure() async throws {
            let publisher = AMQPPublisher(configuration: try configuration(keyPassword: nil), logger: TestBroker.logger)
            do {
                try await publisher.connect()
                Issue.record("loaded an encrypted key without its password")
            } catch let error as AMQPError {
                #expect(error.code == .tlsFailed)
            }
        }
    }
}
