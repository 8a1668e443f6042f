import Foundation
import Logging
import RabbitMQ
import Synchronization
import Testing

/// The private RabbitMQ that deploy/test.sh starts (deploy/rabbitmq.sh). Without its variables the broker tests
/// are skipped, visibly.
enum TestBroker {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["SMPP_BRIDGE_TEST_AMQP_URL"]
    static let tlsURL = environment["SMPP_BRIDGE_TEST_AMQPS_URL"]
    static let restartCommand = environment["SMPP_BRIDGE_TEST_AMQP_RESTART"]
    /// SIGKILLs the broker and starts it again (deploy/rabbitmq.sh crash).
    static let crashCommand = environment["SMPP_BRIDGE_TEST_AMQP_CRASH"]
    static let ctlCommand = environment["SMPP_BRIDGE_TEST_AMQP_CTL"]
    static let available = url != nil
    static let skipReason: Comment = "needs the private RabbitMQ: run deploy/test.sh (sets SMPP_BRIDGE_TEST_AMQP_URL)"

    static let logger: Logger = {
        var logger = Logger(label: "rabbitmq-tests", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = environment["SMPP_BRIDGE_TEST_LOG"] != nil ? .debug : .critical
        return logger
    }()

    /// The plain configuration, with quick reconnects for the tests.
    static func configuration() throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: url ?? "amqp://127.0.0.1:1/")
        configuration.reconnectInitialDelay = .milliseconds(100)
        configuration.reconnectMaxDelay = .seconds(1)
        configuration.connectTimeout = .seconds(5)
        configuration.heartbeat = .seconds(10)
        return configuration
    }

    /// A file in Tests/Certificates.
    static func certificate(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Certificates").appendingPathComponent(name).path
    }

    static func uniqueName(_ prefix: String) -> String {
        "test.\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
    }

    static func publisher(_ configuration: AMQPConfiguration? = nil) async throws -> AMQPPublisher {
        let publisher = AMQPPublisher(configuration: try configuration ?? self.configuration(), logger: logger)
        try await publisher.connect()
        return publisher
    }

    static func consumer(
        queue: String, prefetch: UInt16 = 100, topology: AMQPTopology? = nil, configuration: AMQPConfiguration? = nil
    ) async throws -> AMQPConsumer {
        let consumer = AMQPConsumer(
            configuration: try configuration ?? self.configuration(), queue: queue, prefetch: prefetch,
            topology: topology ?? AMQPTopology(queues: [AMQPQueue(name: queue)]), logger: logger)
        try await consumer.connect()
        return consumer
    }

    /// Runs a shell command from the environment (restart, rabbitmqctl) on its own thread, so no pool thread
    /// blocks. (Foundation's Process never reported the end of a command that leaves a daemon behind.)
    static func shell(_ command: String) async throws {
        let status: Int32 = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: system(command)) }
            thread.start()
        }
        #expect(status == 0, "command failed: \(command)")
    }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    var what: String
    var description: String { "deadline exceeded: \(what)" }
}

@discardableResult
/// Runs `body`, failing with DeadlineExceeded (and cancelling it) if it takes longer than `limit`.
func withDeadline<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded(what: what) }
        return value
    }
}

/// Waits for the first event that `match` accepts.
func waitForEvent(
    _ events: AsyncStream<AMQPConnectionEvent>, within limit: Duration, _ what: String,
    _ match: @escaping @Sendable (AMQPConnectionEvent) -> Bool
) async throws {
    try await withDeadline(limit, what) {
        for await event in events where match(event) { return true }
        throw DeadlineExceeded(what: "\(what): event stream ended")
    }
}

/// Publishes `count` messages keeping up to `window` publishes awaiting their confirm.
func publishAll(
    _ publisher: AMQPPublisher, count: Int, window: Int, routingKey: String,
    body: @escaping @Sendable (Int) -> [UInt8]
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<count {
            if index >= window { try await group.next() }
            group.addTask { try await publisher.publish(body(index), routingKey: routingKey) }
        }
        try await group.waitForAll()
    }
}

extension AMQPConnectionEvent {
    var isConnected: Bool { if case .connected = self { true } else { false } }
    var isDisconnected: Bool { if case .disconnected = self { true } else { false } }
    var isConsumerCancelled: Bool { if case .consumerCancelled = self { true } else { false } }
    var isBlocked: Bool { if case .blocked = self { true } else { false } }
}

/// A value shared between test tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// Keeps every log line (message and metadata) so tests can check what was logged.
struct CapturingLogHandler: LogHandler {
    let lines: Locked<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
    }
}
