@testable import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import RabbitMQ
import SMPP
import SMPPNIO
import SMSCSimulator
import ServiceLifecycle
import Testing

/// The private RabbitMQ that deploy/test.sh starts; without it the end-to-end tests are skipped, visibly.
enum E2EBroker {
    static let url = ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_AMQP_URL"]
    static let available = url != nil
    static let skipReason: Comment = "needs the private RabbitMQ: run deploy/test.sh (sets SMPP_BRIDGE_TEST_AMQP_URL)"

    static func certificate(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Certificates").appendingPathComponent(name).path
    }

    /// The simulator every end-to-end test talks to: TLS only on an ephemeral port with the test certificates,
    /// account e2e/e2e-pass (8 sessions), receipts after 20 ms, a fixed random seed.
    static func simulatorConfiguration(seed: UInt64) -> SMSCSimulatorConfiguration {
        var configuration = SMSCSimulatorConfiguration(
            accounts: [SimulatorAccount(systemID: "e2e", password: "e2e-pass", maxSessions: 8)])
        configuration.plainListen = nil
        configuration.tlsListen = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.tlsCertificatePath = certificate("server.pem")
        configuration.tlsPrivateKeyPath = certificate("server.key")
        configuration.dlrDelayMilliseconds = 20
        configuration.dlrFinalDelayMilliseconds = 20
        configuration.seed = seed
        return configuration
    }
}

/// A bridge running against the TLS simulator and the real broker, with its own queue and exchange names, plus a
/// subscriber queue bound to the results, dlr and mo exchanges.
/// One event a subscriber received.
struct Event: @unchecked Sendable {
    var type: String
    var json: [String: Any]
    /// The body as published, byte for byte.
    var body: [UInt8] = []
    /// The AMQP message-id property (the bridge's event id).
    var messageID: String?
    var requestID: String? { json["request_id"] as? String }
}

final class BridgeHarness: @unchecked Sendable {
    let simulator: SMSCSimulator
    private(set) var bridge: Bridge
    private(set) var group: ServiceGroup
    private(set) var running: Task<Void, any Error>
    let producer: AMQPPublisher
    let events: AMQPConsumer
    let configuration: BridgeConfiguration
    let storeDirectory: URL
    /// The test's own queue, bound to the results, dlr and mo exchanges.
    private(set) var subscriber = ""

    /// Starts the simulator, the bridge and the subscriber. `durableSubscriber` makes the subscriber queue durable
    /// and not auto-deleted, so it survives a broker restart (``stop()`` deletes it); `subscriberType` quorum makes
    /// it survive the loss of a cluster node too. `amqpURL` replaces the private broker (a cluster's URL list);
    /// `outboundFaultHook` is the bridge's test hook (see `OutboundProcessor.faultHook`).
    static func start(
        simulator configureSimulator: (inout SMSCSimulatorConfiguration) -> Void = { _ in },
        bridge configureBridge: (inout BridgeConfiguration) -> Void = { _ in },
        durableSubscriber: Bool = false,
        subscriberType: AMQPQueueType = .classic,
        amqpURL: String? = nil,
        outboundFaultHook: (@Sendable (IncomingRequest) async -> Settlement?)? = nil
    ) async throws -> BridgeHarness {
        var simulatorConfiguration = E2EBroker.simulatorConfiguration(seed: 11)
        configureSimulator(&simulatorConfiguration)
        var quiet = Logger(label: "e2e")
        quiet.logLevel = ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_LOG"] != nil ? .debug : .error
        let simulator = SMSCSimulator(
            configuration: simulatorConfiguration, group: MultiThreadedEventLoopGroup.singleton, logger: quiet)
        let addresses = try await simulator.start()
        let port = try #require(addresses.tls?.port)

        var smpp = SMPPClientConfiguration(host: "127.0.0.1", port: port, systemID: "e2e", password: "e2e-pass")
        smpp.tls.caFile = E2EBroker.certificate("ca.pem")
        smpp.sessions = 2
        smpp.window = 20
        smpp.reconnectInitialDelay = .milliseconds(50)
        smpp.reconnectMaxDelay = .milliseconds(300)
        var amqp = try AMQPConfiguration(url: try #require(amqpURL ?? E2EBroker.url))
        amqp.reconnectInitialDelay = .milliseconds(100)
        amqp.reconnectMaxDelay = .seconds(1)
        let unique = "e2e-\(UUID().uuidString.prefix(8))"
        let storeDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(unique)
        try FileManager.default.createDirectory(at: storeDirectory, withIntermediateDirectories: true)
        var configuration = BridgeConfiguration(smpp: smpp, amqp: amqp)
        // As BridgeConfiguration(configReader:) derives it from the addresses.
        configuration.broker.queueType = amqp.addresses.count > 1 ? "quorum" : "classic"
        configuration.broker.useNames(prefixedBy: unique)
        configuration.outbound.sourceAddress = "ACME"
        configuration.outbound.receiptHold = .seconds(2)
        configuration.store.path = storeDirectory.appendingPathComponent("bridge.sqlite").path
        configuration.http.port = 0
        configureBridge(&configuration)

        let bridge = Bridge(
            configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            metricsSetup: BridgeMetricsSetup(), logger: quiet, drainTimeout: .seconds(10),
            outboundFaultHook: outboundFaultHook)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: bridge)], gracefulShutdownSignals: [], cancellationSignals: [], logger: quiet))
        let running = Task { try await group.run() }

        let producer = AMQPPublisher(configuration: amqp, logger: quiet)
        try await producer.connect()
        let subscriber = "\(unique).subscriber"
        // The bridge declares its exchanges at start; wait for them (passive declare) before binding to them.
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                try await producer.declare(AMQPTopology(
                    exchanges: [AMQPExchange(name: configuration.broker.resultsExchange)], passive: true))
                break
            } catch {
                if ContinuousClock.now > deadline { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let topology = AMQPTopology(
            queues: [subscriberType == .quorum
                ? AMQPQueue(name: subscriber, type: .quorum)
                : AMQPQueue(name: subscriber, durable: durableSubscriber, autoDelete: !durableSubscriber)],
            bindings: [
                AMQPBinding(queue: subscriber, exchange: configuration.broker.resultsExchange, routingKey: "#"),
                AMQPBinding(queue: subscriber, exchange: configuration.broker.dlrExchange, routingKey: "#"),
                AMQPBinding(queue: subscriber, exchange: configuration.broker.moExchange, routingKey: "#"),
            ])
        try await producer.declare(topology)
        let events = AMQPConsumer(configuration: amqp, queue: subscriber, prefetch: 2000, logger: quiet)
        try await events.connect()
        let harness = BridgeHarness(
            simulator: simulator, bridge: bridge, group: group, running: running, producer: producer, events: events,
            configuration: configuration, storeDirectory: storeDirectory)
        harness.subscriber = subscriber
        return harness
    }

    init(simulator: SMSCSimulator, bridge: Bridge, group: ServiceGroup, running: Task<Void, any Error>,
         producer: AMQPPublisher, events: AMQPConsumer, configuration: BridgeConfiguration, storeDirectory: URL) {
        self.simulator = simulator
        self.bridge = bridge
        self.group = group
        self.running = running
        self.producer = producer
        self.events = events
        self.configuration = configuration
        self.storeDirectory = storeDirectory
    }

    /// Stops the bridge gracefully and starts a new one on the same store, queue and exchanges (a restart).
    func restartBridge() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        var quiet = Logger(label: "e2e")
        quiet.logLevel = .error
        bridge = Bridge(
            configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            metricsSetup: BridgeMetricsSetup(), logger: quiet, drainTimeout: .seconds(10))
        group = ServiceGroup(configuration: .init(
            services: [.init(service: bridge)], gracefulShutdownSignals: [], cancellationSignals: [], logger: quiet))
        let group = self.group
        running = Task { try await group.run() }
    }

    /// Publishes one request body to the bridge's queue.
    func send(_ json: String, messageID: String? = nil) async throws {
        try await producer.publish(
            Array(json.utf8), routingKey: configuration.broker.queue,
            properties: AMQPProperties(contentType: "application/json", messageID: messageID))
    }

    /// Publishes request bodies to the bridge's queue, up to 100 awaiting their confirm at a time.
    func send(all bodies: [String]) async throws {
        try await publishRequests(producer, queue: configuration.broker.queue, bodies: bodies)
    }

    /// Collects events (type and JSON) until `done` says so or the timeout passes.
    func collect(timeout: Duration, until done: @escaping ([Event]) -> Bool) async throws -> [Event] {
        let box = NIOLockedValueBox<[Event]>([])
        let consumer = events
        let reader = Task {
            for await delivery in consumer.deliveries {
                try? consumer.ack(delivery)
                E2EEventDump.append(delivery.body)
                guard let json = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
                else { continue }
                let event = Event(
                    type: delivery.properties.type ?? "", json: json, body: delivery.body,
                    messageID: delivery.properties.messageID)
                box.withLockedValue { $0.append(event) }
            }
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !done(box.withLockedValue { $0 }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        reader.cancel()
        await reader.value
        return box.withLockedValue { $0 }
    }

    /// Publishes `count` requests, collects until 10 results came, runs `interrupt` (a restart, a second instance),
    /// then collects until every request has a result, and expects each one accepted, unflagged and submitted once
    /// at the simulator: requests handed back unsent must come back as new.
    func expectEveryRequestOnceAcrossInterruption(
        count: Int, idPrefix: String, timeout: Duration, interrupt: () async throws -> Void
    ) async throws {
        try await send(all: (0..<count).map { #"{"id":"\#(idPrefix)-\#($0)","to":"+5733\#($0)","text":"n \#($0)"}"# })
        let before = try await collect(timeout: .seconds(30)) { $0.count >= 10 }
        try await interrupt()
        let seen = Set(before.compactMap(\.requestID))
        let after = try await collect(timeout: timeout) { events in seen.union(events.compactMap(\.requestID)).count >= count }
        let results = (before + after).filter { $0.type == "submit_result" }
        // One result per request; a copy (a stored result published again for a redelivery) only byte for byte,
        // under the same event id: counting distinct ids alone would merge a second, different result.
        let byID = Dictionary(grouping: results, by: { $0.requestID ?? "" })
        #expect(byID.count == count, "one result per request")
        for (id, copies) in byID {
            #expect(copies.allSatisfy { $0.body == copies[0].body && $0.messageID != nil && $0.messageID == copies[0].messageID },
                    "\(id): \(copies.count) results that differ")
        }
        #expect(results.allSatisfy { ($0.json["status"] as? String) == "accepted" })
        #expect(results.allSatisfy { ($0.json["possible_duplicate"] as? Bool) == false },
                "flagged: \(results.filter { ($0.json["possible_duplicate"] as? Bool) == true }.count)")
        // Each request at the SMSC once: per destination, not in total (one twice and another never adds up).
        let records = simulator.records()
        let perDestination = Dictionary(grouping: records, by: \.destinationAddress).mapValues(\.count)
        #expect(perDestination.count == count && perDestination.values.allSatisfy { $0 == 1 },
                "each request at the SMSC once (\(records.count) submits to \(perDestination.count) destinations)")
    }

    /// Graceful shutdown of the bridge only (the simulator, queues and event consumer stay); ``stop()`` after it.
    func stopBridge() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Graceful shutdown of the bridge, then everything else.
    func stop() async throws {
        try await stopBridge()
        await events.close()
        // After a broker restart the producer may still be reconnecting; the deletes below need it.
        let producer = self.producer
        _ = try? await eventually(timeout: .seconds(15)) { producer.isConnected }
        _ = try? await producer.deleteQueue(subscriber)
        let topology = configuration.broker.topology
        for queue in topology.queues { _ = try? await producer.deleteQueue(queue.name) }
        for exchange in topology.exchanges { try? await producer.deleteExchange(exchange.name) }
        await producer.close()
        await simulator.stop()
        try? FileManager.default.removeItem(at: storeDirectory)
    }
}

/// With `SMPP_BRIDGE_TEST_EVENTS_DIR` set (deploy/test.sh sets it for the end-to-end pass), every event body
/// ``BridgeHarness/collect(timeout:until:)`` receives is appended as one line to `events.jsonl` in that directory;
/// deploy/validate-schemas.py then checks each against docs/schemas/.
enum E2EEventDump {
    static let path = ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_EVENTS_DIR"].map { $0 + "/events.jsonl" }
    static let lock = NIOLock()

    static func append(_ body: [UInt8]) {
        guard let path else { return }
        lock.withLock {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard descriptor >= 0 else { return }
            defer { close(descriptor) }
            let line = body + [UInt8(ascii: "\n")]
            _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        }
    }
}

extension BrokerSettings {
    /// The queue and exchanges of a test of its own: `<prefix>.outbound`, `.results`, `.dlr`, `.mo`, `.dead`.
    mutating func useNames(prefixedBy prefix: String) {
        queue = "\(prefix).outbound"
        resultsExchange = "\(prefix).results"
        dlrExchange = "\(prefix).dlr"
        moExchange = "\(prefix).mo"
        deadExchange = "\(prefix).dead"
        deadQueue = "\(prefix).dead"
    }
}
