import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import RabbitMQ
import SMSCSimulator
import Testing

/// The real `smpp-bridge` executable, built next to the test bundle (as RunCommandTests finds it); "" when absent.
enum BridgeExecutable {
    static let path: String = {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent(),
        ]
        return candidates.map { $0.appendingPathComponent("smpp-bridge").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? ""
    }()
    static let available = !path.isEmpty
}

/// One `smpp-bridge run` process, configured only by its environment, its output appended to a log file.
final class BridgeProcess: @unchecked Sendable {
    private let process = Process()
    private let exited = NIOLockedValueBox<[CheckedContinuation<Int32, Never>]?>([])
    private let status = NIOLockedValueBox<Int32?>(nil)

    init(environment: [String: String], log: URL) throws {
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let output = try FileHandle(forWritingTo: log)
        output.seekToEndOfFile()
        process.executableURL = URL(fileURLWithPath: BridgeExecutable.path)
        process.arguments = ["run"]
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.terminationHandler = { [exited, status] process in
            let code = process.terminationStatus
            status.withLockedValue { $0 = code }
            let waiters = exited.withLockedValue { waiters in
                defer { waiters = nil }
                return waiters ?? []
            }
            for waiter in waiters { waiter.resume(returning: code) }
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGKILL: no chance to clean up; SIGTERM: graceful shutdown).
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The termination status once the process has exited (for SIGKILL: 9, the signal).
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done = exited.withLockedValue { waiters -> Bool in
                guard waiters != nil else { return true }
                waiters!.append(continuation)
                return false
            }
            if done { continuation.resume(returning: status.withLockedValue { $0 } ?? -1) }
        }
    }

    /// The termination reason after exit (`.uncaughtSignal` after SIGKILL).
    var terminationReason: Process.TerminationReason { process.terminationReason }
}

/// One event as published: its AMQP `message_id`, type, exact body and parsed JSON.
struct RawEvent: @unchecked Sendable {
    var eventID: String?
    var type: String
    var body: [UInt8]
    var json: [String: Any]
    var requestID: String? { json["request_id"] as? String }
}

/// A subscriber queue bound to the results, dlr and mo exchanges, read continuously into a list until closed.
final class EventRecorder: Sendable {
    private let consumer: AMQPConsumer
    private let box = NIOLockedValueBox<[RawEvent]>([])
    private let reader: Task<Void, Never>

    init(consumer: AMQPConsumer) {
        self.consumer = consumer
        let box = self.box
        reader = Task {
            for await delivery in consumer.deliveries {
                try? consumer.ack(delivery)
                let json = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) as? [String: Any] ?? [:]
                let event = RawEvent(
                    eventID: delivery.properties.messageID, type: delivery.properties.type ?? "", body: delivery.body,
                    json: json)
                box.withLockedValue { $0.append(event) }
            }
        }
    }

    var events: [RawEvent] { box.withLockedValue { $0 } }

    /// Polls (every 100 ms, a condition check, not a stand-in for one) until `done` holds or `timeout` passes;
    /// returns whether it held.
    func wait(timeout: Duration, until done: ([RawEvent]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !done(events) {
            if ContinuousClock.now > deadline { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    func close() async {
        reader.cancel()
        await consumer.close()
        await reader.value
    }
}

/// The TLS simulator in this process, the bridge as its own process (`smpp-bridge run`, configured by environment
/// with unique queue and exchange names and a store in a temporary directory), a producer and an event recorder.
final class ProcessBridgeHarness: @unchecked Sendable {
    let simulator: SMSCSimulator
    let environment: [String: String]
    let directory: URL
    let producer: AMQPPublisher
    private(set) var recorder: EventRecorder!
    private(set) var bridge: BridgeProcess
    let queue: String
    let names: [String]
    private(set) var starts = 0

    var log: URL { directory.appendingPathComponent("bridge.log") }

    init(simulator configureSimulator: (inout SMSCSimulatorConfiguration) -> Void = { _ in },
         environment extra: [String: String] = [:]) async throws {
        var configuration = E2EBroker.simulatorConfiguration(seed: 17)
        configureSimulator(&configuration)
        var setup = try await ProcessBridgeSetup.start(
            prefix: "e2e-kill", simulator: configuration, systemID: "e2e", sessions: 2, logLevel: "warning")
        let (unique, url, quiet) = (setup.unique, setup.amqpURL, setup.logger)
        (simulator, directory, queue, names) = (setup.simulator, setup.directory, setup.queue, setup.names)
        setup.environment["STORE_PATH"] = directory.appendingPathComponent("bridge.sqlite").path
        setup.environment.merge(extra) { _, new in new }
        let environment = setup.environment
        self.environment = environment

        let amqp = try AMQPConfiguration(url: url)
        producer = AMQPPublisher(configuration: amqp, logger: quiet)
        bridge = try BridgeProcess(environment: environment, log: directory.appendingPathComponent("bridge.log"))
        starts = 1
        try await producer.connect()
        // The bridge declares its queue and exchanges at start; wait for them before binding.
        try await waitForBridgeTopology(producer, exchange: names[0], queue: queue)
        recorder = try await recordEvents(
            producer, configuration: amqp, queue: "\(unique).subscriber", exchanges: Array(names.prefix(3)), logger: quiet)
    }

    /// Publishes request bodies to the bridge's queue, up to 100 unconfirmed at a time.
    func send(_ bodies: [String]) async throws {
        try await publishRequests(producer, queue: queue, bodies: bodies)
    }

    /// SIGKILLs the bridge, waits for it to be gone, and starts it again on the same store and names.
    /// Returns the killed process's termination status (the signal number).
    func killAndRestart() async throws -> Int32 {
        bridge.send(SIGKILL)
        let status = await bridge.exitStatus()
        bridge = try BridgeProcess(environment: environment, log: log)
        starts += 1
        return status
    }

    /// SIGTERM, then SIGTERM again after `pause` (the second signal ends a graceful shutdown at once), waits for the
    /// exit, and starts the bridge again on the same store and names. Returns the exit status.
    func terminateTwiceAndRestart(pause: Duration = .milliseconds(300)) async throws -> Int32 {
        bridge.send(SIGTERM)
        try await Task.sleep(for: pause)
        bridge.send(SIGTERM)
        let status = await bridge.exitStatus()
        bridge = try BridgeProcess(environment: environment, log: log)
        starts += 1
        return status
    }

    /// The bridge's log so far (for failure messages).
    func logTail(_ lines: Int = 40) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// SIGTERM (graceful) and wait for the exit status; then removes the names, the store and the simulator.
    func stop() async -> Int32 {
        bridge.send(SIGTERM)
        let status = await bridge.exitStatus()
        await recorder.close()
        _ = try? await producer.deleteQueue(queue)
        _ = try? await producer.deleteQueue(names[3])
        for exchange in names { try? await producer.deleteExchange(exchange) }
        await producer.close()
        await simulator.stop()
        if ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_KEEP"] == nil { try? FileManager.default.removeItem(at: directory) }
        return status
    }
}

/// Waits (polling a passive declare every 100 ms, up to `timeout`) until a bridge has declared `exchange` and
/// `queue` (if given).
func waitForBridgeTopology(
    _ producer: AMQPPublisher, exchange: String, queue: String?, timeout: Duration = .seconds(60)
) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        do {
            try await producer.declare(AMQPTopology(
                exchanges: [AMQPExchange(name: exchange)], queues: queue.map { [AMQPQueue(name: $0)] } ?? [],
                passive: true))
            return
        } catch {
            if ContinuousClock.now > deadline { throw error }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// A new auto-deleted queue `name` bound to every exchange of `exchanges` (`#`), read by a new recorder.
func recordEvents(
    _ producer: AMQPPublisher, configuration: AMQPConfiguration, queue name: String, exchanges: [String],
    logger: Logger
) async throws -> EventRecorder {
    try await producer.declare(AMQPTopology(
        queues: [AMQPQueue(name: name, durable: false, autoDelete: true)],
        bindings: exchanges.map { AMQPBinding(queue: name, exchange: $0, routingKey: "#") }))
    let consumer = AMQPConsumer(configuration: configuration, queue: name, prefetch: 2000, logger: logger)
    try await consumer.connect()
    return EventRecorder(consumer: consumer)
}

/// Publishes request bodies (JSON) to `queue`, up to 100 awaiting their confirm at a time.
func publishRequests(_ producer: AMQPPublisher, queue: String, bodies: [String]) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (index, body) in bodies.enumerated() {
            if index >= 100 { try await group.next() }
            group.addTask {
                try await producer.publish(
                    Array(body.utf8), routingKey: queue, properties: AMQPProperties(contentType: "application/json"))
            }
        }
        try await group.waitForAll()
    }
}

/// What both process harnesses set up: the TLS simulator in this process (quiet), a temporary directory, unique
/// queue and exchange names, and the `smpp-bridge run` environment for them (the harness adds its store keys).
struct ProcessBridgeSetup {
    let simulator: SMSCSimulator
    let unique: String
    let directory: URL
    let queue: String
    /// Results, dlr, mo and dead exchanges (the dead one also names the dead queue).
    let names: [String]
    let amqpURL: String
    let logger: Logger
    var environment: [String: String]

    static func start(
        prefix: String, simulator configuration: SMSCSimulatorConfiguration, systemID: String, sessions: Int,
        logLevel: String
    ) async throws -> ProcessBridgeSetup {
        var quiet = Logger(label: prefix)
        quiet.logLevel = .error
        let simulator = SMSCSimulator(configuration: configuration, group: MultiThreadedEventLoopGroup.singleton, logger: quiet)
        let port = try #require(try await simulator.start().tls?.port)
        let unique = "\(prefix)-\(UUID().uuidString.prefix(8))"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(unique)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let queue = "\(unique).outbound"
        let names = ["\(unique).results", "\(unique).dlr", "\(unique).mo", "\(unique).dead"]
        let url = try #require(E2EBroker.url)
        let environment = [
            "SMPP_HOST": "127.0.0.1", "SMPP_PORT": "\(port)", "SMPP_SYSTEM_ID": systemID, "SMPP_PASSWORD": "e2e-pass",
            "SMPP_TLS_CA_FILE": E2EBroker.certificate("ca.pem"), "SMPP_SESSIONS": "\(sessions)", "SMPP_WINDOW": "20",
            "SMPP_RECONNECT_INITIAL_DELAY": "0.05", "SMPP_RECONNECT_MAX_DELAY": "0.3", "SMPP_SOURCE_ADDR": "ACME",
            "SMPP_RECEIPT_HOLD": "5", "AMQP_URL": url, "AMQP_QUEUE": queue,
            "AMQP_EXCHANGES_RESULTS": names[0], "AMQP_EXCHANGES_DLR": names[1], "AMQP_EXCHANGES_MO": names[2],
            "AMQP_EXCHANGES_DEAD": names[3], "AMQP_DEAD_QUEUE": names[3],
            "HTTP_PORT": "0", "LOG_FORMAT": "text",
            "LOG_LEVEL": ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_LOG"] != nil ? "info" : logLevel,
        ]
        return ProcessBridgeSetup(
            simulator: simulator, unique: unique, directory: directory, queue: queue, names: names, amqpURL: url,
            logger: quiet, environment: environment)
    }
}

