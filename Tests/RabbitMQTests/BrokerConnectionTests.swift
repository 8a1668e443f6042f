import Foundation
import Logging
import RabbitMQ
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct Connecting {
        @Test func wrongCredentialsAreRefused() async throws {
            var configuration = try TestBroker.configuration()
            configuration.password = "definitely-wrong"
            let lines = Locked([String]())
            let publisher = AMQPPublisher(
                configuration: configuration, logger: Logger(label: "capture") { _ in CapturingLogHandler(lines: lines) })
            do {
                try await publisher.connect()
                Issue.record("connected with a wrong password")
            } catch let error as AMQPError {
                #expect(error.code == .authenticationFailed)
                #expect(error.replyCode == 403)
                #expect(!error.description.contains("definitely-wrong"))
            }
            let logged = lines.withLock { $0 }
            #expect(!logged.isEmpty)
            #expect(logged.allSatisfy { !$0.contains("definitely-wrong") }, "the password is never logged")
            // A failed publisher refuses work instead of hanging.
            await #expect(throws: AMQPError.self) { try await publisher.publish([1], routingKey: "x") }
        }

        /// The connection threads carry their names to the OS, so `top -H` and /proc tell their CPU apart.
        @Test func connectionThreadsAreNamedForTheOS() async throws {
            let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), logger: TestBroker.logger)
            try await publisher.connect()
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
            let names = tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            #expect(names.contains("amqp-publisher\n"), "\(Set(names))")
            await publisher.close()
        }

        @Test func unreachablePortFailsFast() async throws {
            var configuration = try TestBroker.configuration()
            configuration.host = "127.0.0.1"
            configuration.port = 1
            let consumer = AMQPConsumer(configuration: configuration, queue: "q", logger: TestBroker.logger)
            do {
                try await consumer.connect()
                Issue.record("connected to a closed port")
            } catch let error as AMQPError {
                #expect(error.code == .connectionFailed)
                #expect(error.libraryStatus == -9)  // AMQP_STATUS_SOCKET_ERROR
            }
            var iterator = consumer.deliveries.makeAsyncIterator()
            #expect(await iterator.next() == nil)
        }

        @Test(.enabled(if: TestBroker.tlsURL != nil)) func tlsWithTheTestCA() async throws {
            let tls = AMQPTLSConfiguration(caFile: TestBroker.certificate("ca.pem"))
            var configuration = try AMQPConfiguration(url: try #require(TestBroker.tlsURL), tls: tls)
            configuration.connectTimeout = .seconds(5)
            let queue = TestBroker.uniqueName("tls")
            let publisher = try await TestBroker.publisher(configuration)
            let consumer = try await TestBroker.consumer(queue: queue, configuration: configuration)
            try await publisher.publish(Array("over tls".utf8), routingKey: queue)
            let delivery = try await withDeadline(.seconds(10), "delivery over TLS") {
                var iterator = consumer.deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(delivery.map { String(decoding: $0.body, as: UTF8.self) } == "over tls")
            if let delivery { try consumer.ack(delivery) }
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        @Test(.enabled(if: TestBroker.tlsURL != nil)) func tlsFailsWithAnUnrelatedCA() async throws {
            let tls = AMQPTLSConfiguration(caFile: TestBroker.certificate("other-ca.pem"))
            let configuration = try AMQPConfiguration(url: try #require(TestBroker.tlsURL), tls: tls)
            let publisher = AMQPPublisher(configuration: configuration, logger: TestBroker.logger)
            do {
                try await publisher.connect()
                Issue.record("TLS accepted a certificate from the wrong CA")
            } catch let error as AMQPError {
                #expect(error.code == .tlsFailed)
                #expect(error.libraryStatus == -0x202)  // AMQP_STATUS_SSL_PEER_VERIFY_FAILED
            }
        }

        @Test(.enabled(if: TestBroker.tlsURL != nil)) func tlsHostnameCheckOnlyMatchesDNSNames() async throws {
            // The certificate has IP:127.0.0.1, but librabbitmq 0.11 only checks DNS names (reference §3).
            var configuration = try AMQPConfiguration(
                url: try #require(TestBroker.tlsURL), tls: AMQPTLSConfiguration(caFile: TestBroker.certificate("ca.pem")))
            configuration.host = "127.0.0.1"
            let publisher = AMQPPublisher(configuration: configuration, logger: TestBroker.logger)
            do {
                try await publisher.connect()
                Issue.record("hostname check passed for an IP address")
            } catch let error as AMQPError {
                #expect(error.code == .tlsFailed)
                #expect(error.libraryStatus == -0x201)  // AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED
            }
            // With hostname verification off (peer verification still on) the IP works.
            configuration.tls?.verifyHostname = false
            let relaxed = try await TestBroker.publisher(configuration)
            await relaxed.close()
        }

        @Test(.enabled(if: TestBroker.tlsURL != nil)) func tlsWithAClientCertificate() async throws {
            let tls = AMQPTLSConfiguration(
                caFile: TestBroker.certificate("ca.pem"), certificateFile: TestBroker.certificate("client.pem"),
                keyFile: TestBroker.certificate("client.key"))
            let publisher = try await TestBroker.publisher(try AMQPConfiguration(url: try #require(TestBroker.tlsURL), tls: tls))
            #expect(publisher.isConnected)
            await publisher.close()
        }

        @Test(.enabled(if: TestBroker.tlsURL != nil)) func unreadableTLSFilesAreReported() async throws {
            for tls in [
                AMQPTLSConfiguration(caFile: "/nonexistent/ca.pem"),
                AMQPTLSConfiguration(
                    caFile: TestBroker.certificate("ca.pem"), certificateFile: "/nonexistent/client.pem",
                    keyFile: "/nonexistent/client.key"),
            ] {
                let configuration = try AMQPConfiguration(url: try #require(TestBroker.tlsURL), tls: tls)
                let publisher = AMQPPublisher(configuration: configuration, logger: TestBroker.logger)
                do {
                    try await publisher.connect()
                    Issue.record("connected with a missing TLS file")
                } catch let error as AMQPError {
                    #expect(error.code == .tlsFailed)
                    #expect(error.message.contains("/nonexistent/"))
                }
            }
        }

        @Test(.enabled(if: TestBroker.tlsURL != nil)) func plainAMQPToTheTLSPortFails() async throws {
            var configuration = try AMQPConfiguration(url: try #require(TestBroker.tlsURL))
            configuration.tls = nil
            configuration.connectTimeout = .seconds(3)
            let publisher = AMQPPublisher(configuration: configuration, logger: TestBroker.logger)
            await #expect(throws: AMQPError.self) { try await publisher.connect() }
        }
    }
}
