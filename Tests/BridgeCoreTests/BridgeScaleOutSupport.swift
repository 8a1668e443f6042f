import BridgeCore
import Foundation
import Logging
import NIOPosix
import RabbitMQ
import SMSCSimulator
import Testing

/// Several real `smpp-bridge run` processes on one queue, one simulator account and the shared PostgreSQL store
/// (schema `public` of the test database, emptied first), each its own `cluster.instance_id`; a producer and an
/// event recorder. `smpp.sessions` is the account's total, which the simulator enforces as its session limit.
final class BridgeFleet: @unchecked Sendable {
    let simulator: SMSCSimulator
    let environment: [String: String]
    let directory: URL
    let producer: AMQPPublisher
    let recorder: EventRecorder
    let queue: String
    let names: [String]
    private(set) var bridges: [String: BridgeProcess] = [:]
    static let systemID = "e2e"

    init(instances: [String], sessions: Int, takeoverAfter: Int = 6) async throws {
        let databaseURL = try #require(PostgresTestDatabase.urlText, Comment(rawValue: PostgresTestDatabase.howToRun))
        // The bridges use schema public: start without the tables an earlier run left there (the end-to-end suites
        // run one at a time). By name: the test role owns its tables, not necessarily the schema.
        let tables = (PostgresBridgeStore.tableNames + ["smpp_bridge_session_slots", "smpp_bridge_cluster_instances"])
            .map { "public.\($0)" }.joined(separator: ", ")
        try await PostgresTestDatabase.execute("DROP TABLE IF EXISTS \(tables) CASCADE")
        var configuration = E2EBroker.simulatorConfiguration(seed: 23)
        configuration.accounts = [SimulatorAccount(systemID: Self.systemID, password: "e2e-pass", maxSessions: sessions)]
        // A receipt refused while its bridge died is delivered again, as a real SMSC does for hours.
        configuration.redeliveryDelayMilliseconds = 200
        configuration.maxDeliveryAttempts = 200
        var setup = try await ProcessBridgeSetup.start(
            prefix: "e2e-fleet", simulator: configuration, systemID: Self.systemID, sessions: sessions, logLevel: "notice")
        let (unique, url, quiet) = (setup.unique, setup.amqpURL, setup.logger)
        (simulator, directory, queue, names) = (setup.simulator, setup.directory, setup.queue, setup.names)
        setup.environment["STORE_URL"] = databaseURL
        setup.environment["CLUSTER_TAKEOVER_AFTER"] = "\(takeoverAfter)"
        environment = setup.environment
        let amqp = try AMQPConfiguration(url: url)
        producer = AMQPPublisher(configuration: amqp, logger: quiet)
        try await producer.connect()
        var bridges: [String: BridgeProcess] = [:]
        for instance in instances {
            bridges[instance] = try Self.launch(instance, environment: environment, directory: directory)
        }
        // The first bridge declares the queue and exchanges at start; wait for them before binding.
        try await waitForBridgeTopology(producer, exchange: names[0], queue: queue, timeout: .seconds(90))
        recorder = try await recordEvents(
            producer, configuration: amqp, queue: "\(unique).subscriber", exchanges: Array(names.prefix(3)), logger: quiet)
        self.bridges = bridges
    }

    func log(_ instance: String) -> URL { directory.appendingPathComponent("\(instance).log") }

    private static func launch(_ instance: String, environment: [String: String], directory: URL) throws -> BridgeProcess {
        var environment = environment
        environment["CLUSTER_INSTANCE_ID"] = instance
        return try BridgeProcess(environment: environment, log: directory.appendingPathComponent("\(instance).log"))
    }

    /// Starts (or starts again) the bridge `instance`.
    func start(_ instance: String) throws {
        bridges[instance] = try Self.launch(instance, environment: environment, directory: directory)
    }

    /// SIGKILLs the bridge `instance` and waits until it is gone; returns its termination status.
    func kill(_ instance: String) async throws -> Int32 {
        let removed = bridges.removeValue(forKey: instance)
        let bridge = try #require(removed, "no bridge \(instance)")
        bridge.send(SIGKILL)
        return await bridge.exitStatus()
    }

    /// Publishes request bodies to the queue, up to 100 unconfirmed at a time.
    func send(_ bodies: [String]) async throws {
        try await publishRequests(producer, queue: queue, bodies: bodies)
    }

    /// The last lines of every bridge's log (for failure messages).
    func logTails(_ lines: Int = 15) -> String {
        bridges.keys.sorted().map { instance in
            let text = (try? String(contentsOf: log(instance), encoding: .utf8)) ?? ""
            return "--- \(instance)\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Whether any bridge's log has a line containing `text`.
    func logsContain(_ text: String) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".log") }.contains { file in
            ((try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)) ?? "").contains(text)
        }
    }

    /// SIGTERM to every bridge (graceful) and their exit statuses; then removes the names, files and simulator.
    func stop() async -> [String: Int32] {
        var statuses: [String: Int32] = [:]
        for (instance, bridge) in bridges { bridge.send(SIGTERM); statuses[instance] = await bridge.exitStatus() }
        bridges = [:]
        await recorder.close()
        _ = try? await producer.deleteQueue(queue)
        _ = try? await producer.deleteQueue(names[3])
        for exchange in names { try? await producer.deleteExchange(exchange) }
        await producer.close()
        await simulator.stop()
        if ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_KEEP"] == nil { try? FileManager.default.removeItem(at: directory) }
        return statuses
    }
}

/// The checks every scale-out test makes once all results are in: one result per request (copies only
/// byte-identical with the same event id), all accepted, at the simulator more than once only where flagged, and
/// every message id a result lists has a matched receipt carrying its request id. Returns (flagged, duplicated).
@discardableResult
func expectScaleOutOutcome(
    _ events: [RawEvent], ids: [String], records: [SubmitRecord], destination: (String) -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) -> (flagged: Int, duplicated: Int, unmatched: Int) {
    let results = Dictionary(grouping: events.filter { $0.type == "submit_result" }, by: { $0.requestID ?? "" })
    let missing = Set(ids).subtracting(results.keys), extra = Set(results.keys).subtracting(ids)
    #expect(missing.isEmpty && extra.isEmpty,
            "\(missing.count) requests without a result (e.g. \(missing.sorted().prefix(5))), \(extra.count) unknown",
            sourceLocation: sourceLocation)
    let receipts = events.filter { $0.type == "delivery_receipt" }
    let receiptsByMessageID = Dictionary(grouping: receipts, by: { $0.json["message_id"] as? String ?? "" })
    let atSimulator = Dictionary(grouping: records, by: \.destinationAddress).mapValues(\.count)
    var flagged = 0, duplicated = 0
    for id in ids {
        guard let copies = results[id], let first = copies.first else { continue }
        #expect(copies.allSatisfy { $0.body == first.body && $0.eventID == first.eventID }, "\(id): different results",
                sourceLocation: sourceLocation)
        #expect(first.json["status"] as? String == "accepted", "\(id): \(first.json)", sourceLocation: sourceLocation)
        let possibleDuplicate = first.json["possible_duplicate"] as? Bool == true
        if possibleDuplicate { flagged += 1 }
        let count = atSimulator[destination(id)] ?? 0
        #expect(count >= 1, "\(id) never reached the simulator", sourceLocation: sourceLocation)
        if count > 1 {
            duplicated += 1
            #expect(possibleDuplicate, "\(id) reached the simulator \(count) times", sourceLocation: sourceLocation)
        }
        for messageID in first.json["message_ids"] as? [String] ?? [] {
            let matched = receiptsByMessageID[messageID, default: []].filter {
                $0.json["matched"] as? Bool == true && $0.requestID == id
            }
            #expect(!matched.isEmpty, "\(id): no matched receipt for \(messageID)", sourceLocation: sourceLocation)
        }
    }
    let unmatched = receipts.filter { $0.json["matched"] as? Bool != true }.count
    return (flagged, duplicated, unmatched)
}
