import Foundation
import Glibc
import RabbitMQ
import Testing

extension TestBroker {
    /// A configuration that goes through `proxy` instead of straight to the broker.
    static func configuration(through proxy: TCPProxy) throws -> AMQPConfiguration {
        var configuration = try configuration()
        configuration.host = "127.0.0.1"
        configuration.port = proxy.port
        return configuration
    }

    /// A fresh non-durable queue (named after `prefix`), the publisher that declared it straight to the broker, and a
    /// consumer of it connected through `proxy`.
    static func queueConsumed(
        through proxy: TCPProxy, prefix: String
    ) async throws -> (queue: String, publisher: AMQPPublisher, consumer: AMQPConsumer) {
        let queue = uniqueName(prefix)
        let publisher = try await publisher()
        try await publisher.declareQueue(AMQPQueue(name: queue, durable: false))
        let consumer = try await consumer(
            queue: queue, topology: AMQPTopology(queues: [AMQPQueue(name: queue, durable: false)]),
            configuration: try configuration(through: proxy))
        return (queue, publisher, consumer)
    }

    /// A proxy in front of the private broker.
    static func proxy() throws -> TCPProxy {
        try TCPProxy(upstreamPort: configuration().port)
    }

    /// Runs a shell command and returns what it printed (on its own thread, like ``shell(_:)``).
    static func output(_ command: String) async -> String {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var text = ""
                if let pipe = popen(command, "r") {
                    var buffer = [CChar](repeating: 0, count: 4096)
                    while fgets(&buffer, Int32(buffer.count), pipe) != nil {
                        text += String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    }
                    pclose(pipe)
                }
                continuation.resume(returning: text)
            }
            thread.start()
        }
    }

    /// The OS process id of the private broker's Erlang VM (asked through its own rabbitmqctl, so it is ours).
    static func brokerPID() async throws -> pid_t {
        let ctl = try #require(ctlCommand)
        let text = await output("\(ctl) eval 'list_to_integer(os:getpid()).'")
        return try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), "no pid in \(text)")
    }

    /// Every body in `queue`, read by a consumer that acks them (the queue is empty afterwards).
    static func drain(_ queue: String, count: Int) async throws -> [String] {
        let reader = try await consumer(queue: queue, topology: AMQPTopology(queues: [AMQPQueue(name: queue, durable: false)]))
        let bodies = try await withDeadline(.seconds(30), "draining \(count) messages") {
            var bodies: [String] = []
            var iterator = reader.deliveries.makeAsyncIterator()
            while bodies.count < count, let delivery = await iterator.next() {
                bodies.append(String(decoding: delivery.body, as: UTF8.self))
                try reader.ack(delivery)
            }
            return bodies
        }
        await reader.close()
        return bodies
    }

    /// A fresh non-durable queue holding `count` messages ("0", "1", …, published `window` at a time), the
    /// publisher that filled it, and a consumer of it with `prefetch`.
    static func filledQueue(
        _ prefix: String, count: Int, window: Int? = nil, prefetch: UInt16
    ) async throws -> (queue: String, publisher: AMQPPublisher, consumer: AMQPConsumer) {
        let queue = uniqueName(prefix)
        let publisher = try await publisher()
        try await publisher.declareQueue(AMQPQueue(name: queue, durable: false))
        try await publishAll(publisher, count: count, window: window ?? count, routingKey: queue) {
            Array(String($0).utf8)
        }
        let consumer = try await consumer(
            queue: queue, prefetch: prefetch, topology: AMQPTopology(queues: [AMQPQueue(name: queue, durable: false)]))
        return (queue, publisher, consumer)
    }

    /// The message and consumer counts of the non-durable `queue` (a passive declare through `publisher`).
    static func queueInfo(_ queue: String, _ publisher: AMQPPublisher) async throws -> AMQPQueueInfo {
        try await publisher.declareQueue(AMQPQueue(name: queue, durable: false), passive: true)
    }

    /// Polls `condition` (a broker state that settles asynchronously) until it holds, failing after `limit`.
    static func eventually(
        _ limit: Duration, _ what: String, _ condition: @escaping @Sendable () async throws -> Bool
    ) async throws {
        try await withDeadline(limit, what) {
            while try await !condition() { try await Task.sleep(for: .milliseconds(20)) }
            return true
        }
    }
}

extension AMQPConnectionEvent {
    var disconnectError: AMQPError? { if case .disconnected(let error) = self { error } else { nil } }
    var tooLarge: (size: Int, limit: Int)? {
        if case .deliveryTooLarge(let size, let limit) = self { (size, limit) } else { nil }
    }
}
