import BridgeCore
import Foundation
import Logging
import NIOPosix
import RabbitMQ
import SMPPNIO
import SMSCSimulator
import ServiceLifecycle
import Testing

@testable import smpp_bench

/// The private RabbitMQ that deploy/test.sh starts.
enum BenchBroker {
    static let url = ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_AMQP_URL"]
}

/// `smpp-bench e2e`'s core against a real system: the private RabbitMQ (skipped, visibly, without it), an
/// in-process `Bridge` with its own queue and exchanges, and the in-process simulator over TLS with receipts.
@Suite(.serialized, .enabled(if: BenchBroker.url != nil,
                             "needs the private RabbitMQ: run deploy/test.sh (sets SMPP_BRIDGE_TEST_AMQP_URL)"))
struct EndToEndBenchmarkTests {
    static let certificates = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Certificates").path

    @Test(.timeLimit(.minutes(3)))
    func mixedRunThroughABridgeHasEveryResultAndReceipt() async throws {
        let url = try #require(BenchBroker.url)
        var logger = Logger(label: "e2e-bench-test")
        logger.logLevel = .error

        var simulatorConfiguration = SMSCSimulatorConfiguration(
            accounts: [SimulatorAccount(systemID: "bench", password: "bench-pw", maxSessions: 4)])
        simulatorConfiguration.plainListen = nil
        simulatorConfiguration.tlsListen = ListenAddress(host: "127.0.0.1", port: 0)
        simulatorConfiguration.tlsCertificatePath = "\(Self.certificates)/server.pem"
        simulatorConfiguration.tlsPrivateKeyPath = "\(Self.certificates)/server.key"
        simulatorConfiguration.dlrDelayMilliseconds = 20
        simulatorConfiguration.keepRecordsInMemory = false
        let simulator = SMSCSimulator(
            configuration: simulatorConfiguration, group: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let port = try #require(try await simulator.start().tls?.port)

        var smpp = SMPPClientConfiguration(host: "127.0.0.1", port: port, systemID: "bench", password: "bench-pw")
        smpp.tls.caFile = "\(Self.certificates)/ca.pem"
        smpp.sessions = 2
        smpp.window = 20
        let unique = "e2e-bench-\(UUID().uuidString.prefix(8))"
        let storeDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(unique)
        try FileManager.default.createDirectory(at: storeDirectory, withIntermediateDirectories: true)
        var configuration = BridgeConfiguration(smpp: smpp, amqp: try AMQPConfiguration(url: url))
        configuration.broker.queue = "\(unique).outbound"
        configuration.broker.resultsExchange = "\(unique).results"
        configuration.broker.dlrExchange = "\(unique).dlr"
        configuration.broker.moExchange = "\(unique).mo"
        configuration.broker.deadExchange = "\(unique).dead"
        configuration.broker.deadQueue = "\(unique).dead"
        configuration.outbound.sourceAddress = "ACME"
        configuration.store.path = storeDirectory.appendingPathComponent("bridge.sqlite").path
        configuration.http.port = 0
        let bridge = Bridge(
            configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            metricsSetup: BridgeMetricsSetup(), logger: logger, drainTimeout: .seconds(10))
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: bridge)], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        let running = Task { try await group.run() }

        // Ready = broker connected and consuming, a session bound, store open (what /readyz answers).
        let readyBy = ContinuousClock.now + .seconds(60)
        while !(bridge.readiness().allSatisfy(\.ok) && !bridge.readiness().isEmpty), ContinuousClock.now < readyBy {
            try await Task.sleep(for: .milliseconds(50))
        }
        let checks = bridge.readiness()
        #expect(!checks.isEmpty && checks.allSatisfy { $0.ok }, "\(checks)")

        var settings = EndToEndBenchmark.Settings(amqpURL: url)
        settings.queue = configuration.broker.queue
        settings.resultsExchange = configuration.broker.resultsExchange
        settings.dlrExchange = configuration.broker.dlrExchange
        settings.requests = 200
        settings.window = 50
        settings.mix = true
        settings.timeout = .seconds(120)
        settings.bridgePID = ProcessInfo.processInfo.processIdentifier
        let report = try await EndToEndBenchmark(settings: settings).run()

        await group.triggerGracefulShutdown()
        try await running.value
        let cleanup = AMQPPublisher(configuration: try AMQPConfiguration(url: url), logger: logger)
        try await cleanup.connect()
        let topology = configuration.broker.topology
        for queue in topology.queues { _ = try? await cleanup.deleteQueue(queue.name) }
        for exchange in topology.exchanges { try? await cleanup.deleteExchange(exchange.name) }
        await cleanup.close()
        await simulator.stop()
        try? FileManager.default.removeItem(at: storeDirectory)

        // 200 mixed requests: per ten, eight of one segment, one of two, one of three → 13 × 20 = 260 segments.
        let requests = EndToEndRequests(mix: true, receipts: true)
        let segments = (1...200).reduce(0) { $0 + requests.kind(of: $1).segments }
        #expect(segments == 260)
        #expect(report.requests == 200)
        #expect(report.accepted == 200)
        #expect(report.failedOrOther == 0)
        #expect(report.missing == 0)
        #expect(report.duplicates == 0)
        #expect(report.conflicts == 0)
        #expect(report.receiptsExpected == segments)
        #expect(report.receipts == report.receiptsExpected)
        #expect(report.unmatchedReceipts == 0)
        #expect(!report.timedOut)
        #expect(report.isComplete)
        #expect(report.requestsPerSecond > 0)
        #expect(report.resultP50Milliseconds > 0 && report.resultP50Milliseconds <= report.resultP99Milliseconds)
        #expect((report.cpuMicrosecondsPerRequest ?? 0) > 0)
        #expect((report.peakRSSMegabytes ?? 0) > 0)
    }
}
