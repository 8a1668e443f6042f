import BridgeCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import RabbitMQ
import SMPPNIO
import Testing

/// What used to fail only after the bridge had started consuming — an HTTP port in use, an SMSC CA file that cannot
/// be read — is a start error naming its key, before a request is taken (review finding: the requests were taken,
/// handed back and counted by a quorum queue's delivery limit, and the process ended with a ServiceGroup error).
@Suite(.serialized, .enabled(if: E2EBroker.available, E2EBroker.skipReason))
struct BridgeStartChecksTests {
    /// A configuration on the private broker with its own queue, holding `requests` waiting requests.
    func configurationWithWaitingRequests(_ requests: Int) async throws -> (BridgeConfiguration, AMQPConfiguration) {
        let unique = "start-\(UUID().uuidString.prefix(8))"
        var smpp = SMPPClientConfiguration(host: "127.0.0.1", port: 1, systemID: "e2e", password: "e2e-pass")
        smpp.tls.caFile = E2EBroker.certificate("ca.pem")
        let amqp = try AMQPConfiguration(url: try #require(E2EBroker.url))
        var configuration = BridgeConfiguration(smpp: smpp, amqp: amqp)
        configuration.broker.queueType = "classic"
        configuration.broker.useNames(prefixedBy: unique)
        configuration.outbound.sourceAddress = "ACME"
        configuration.store.path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(unique).sqlite").path
        configuration.http.host = "127.0.0.1"
        let producer = AMQPPublisher(configuration: amqp)
        try await producer.connect()
        try await producer.declare(configuration.broker.topology)
        for n in 0..<requests {
            try await producer.publish(
                Array(#"{"id":"\#(unique)-\#(n)","to":"+1555","text":"x"}"#.utf8), exchange: "",
                routingKey: configuration.broker.queue, properties: AMQPProperties(contentType: "application/json"))
        }
        await producer.close()
        return (configuration, amqp)
    }

    /// Runs the bridge, which must refuse to start; its error line.
    func startError(_ configuration: BridgeConfiguration) async -> String? {
        var quiet = Logger(label: "start-checks")
        quiet.logLevel = .critical
        let bridge = Bridge(
            configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            metricsSetup: BridgeMetricsSetup(), logger: quiet)
        do {
            try await bridge.run()
            return nil
        } catch let error as BridgeStartError {
            return error.description
        } catch {
            return "not a start error: \(error)"
        }
    }

    /// The queue's requests, each still never delivered.
    func expectUntouched(_ configuration: BridgeConfiguration, _ amqp: AMQPConfiguration, count: Int) async throws {
        let consumer = AMQPConsumer(configuration: amqp, queue: configuration.broker.queue, prefetch: 10)
        try await consumer.connect()
        var deliveries = consumer.deliveries.makeAsyncIterator()
        for _ in 0..<count {
            let delivery = try #require(await deliveries.next())
            #expect(!delivery.redelivered, "a request was taken before the start failed")
            try consumer.ack(delivery)
        }
        await consumer.close()
    }

    @Test func anHTTPPortInUseIsAStartErrorBeforeAnyRequestIsTaken() async throws {
        let occupant = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { occupant.close(promise: nil) }
        var (configuration, amqp) = try await configurationWithWaitingRequests(3)
        configuration.http.port = try #require(occupant.localAddress?.port)
        let error = await startError(configuration)
        #expect(error?.hasPrefix("http.port: ") == true, "\(error ?? "started")")
        try await expectUntouched(configuration, amqp, count: 3)
    }

    @Test func anUnreadableCAFileIsAStartErrorNamingItsKey() async throws {
        var (configuration, amqp) = try await configurationWithWaitingRequests(2)
        configuration.smpp.tls.caFile = "/nonexistent/operator-ca.pem"
        configuration.http.port = 0
        let error = await startError(configuration)
        #expect(error?.hasPrefix("smpp.tls: ") == true, "\(error ?? "started")")
        #expect(error?.contains("smpp.tls.ca_file /nonexistent/operator-ca.pem") == true, "\(error ?? "started")")
        try await expectUntouched(configuration, amqp, count: 2)
    }
}
