import ArgumentParser
import Foundation
import Logging
import RabbitMQ
import Synchronization

/// `smpp-bench amqp`: publisher confirms and consumer acks through the RabbitMQ layer against a real broker.
///
/// `publish` sends `count` persistent 100-byte messages to a durable queue, keeping `window` publishes awaiting
/// their confirm; `consume` takes `count` messages from that queue (publishing them first, unmeasured, if the queue
/// holds fewer) acknowledging each one, or every `ack-batch`-th with multiple=1; `both` runs a publisher and a
/// consumer at once and measures until the last message is consumed. Bounded by `count` and `max-seconds`.
struct AMQPBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amqp",
        abstract: "Publish with confirms / consume with acks through the RabbitMQ layer; prints one JSON line.")

    enum Mode: String, ExpressibleByArgument, CaseIterable, Encodable {
        case publish, consume, both
    }

    @Option(help: "Broker URL, amqp:// or amqps://.") var url: String
    @Option(help: "publish | consume | both") var mode: Mode
    @Option(help: "Messages to publish and/or consume.") var count: Int = 20_000
    @Option(help: "Publishes awaiting their confirm at any time.") var window: Int = 1_000
    @Option(help: "Consumer prefetch.") var prefetch: UInt16 = 1_000
    @Option(help: "Acknowledge every Nth delivery with multiple=1 (1 = each one).") var ackBatch: Int = 1
    @Option(help: "Durable queue used (purged first in publish and both modes).") var queue: String = "smpp-bench.amqp"
    @Option(help: "Upper bound on the measured run, seconds.") var maxSeconds: Double = 60

    private struct Report: Encodable {
        var benchmark = "amqp"
        var mode: Mode
        var count: Int
        var window: Int
        var prefetch: UInt16
        var ackBatch: Int
        var bodyBytes = 100
        var figures: [BenchmarkFigure]

        enum CodingKeys: String, CodingKey {
            case benchmark, mode, count, window, prefetch, figures
            case ackBatch = "ack_batch"
            case bodyBytes = "body_bytes"
        }
    }

    func validate() throws {
        guard (1...10_000_000).contains(count) else { throw ValidationError("--count must be 1...10000000") }
        guard (1...100_000).contains(window) else { throw ValidationError("--window must be 1...100000") }
        guard ackBatch >= 1, prefetch >= 1, maxSeconds > 0 else {
            throw ValidationError("--ack-batch, --prefetch and --max-seconds must be positive")
        }
    }

    func run() async throws {
        var logger = Logger(label: "smpp-bench.amqp")
        logger.logLevel = .warning
        let configuration = try AMQPConfiguration(url: url)
        let publisher = AMQPPublisher(configuration: configuration, logger: logger)
        try await publisher.connect()
        let info = try await publisher.declareQueue(AMQPQueue(name: queue))
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        let deadline = ContinuousClock.now + .milliseconds(Int64(maxSeconds * 1_000))
        var figures: [BenchmarkFigure] = []

        switch mode {
        case .publish:
            try await publisher.purgeQueue(queue)
            figures.append(try await publishFigure(publisher, body: body, deadline: deadline))
        case .consume:
            if info.messageCount < count {
                try await publishAll(publisher, count: count - Int(info.messageCount), body: body, deadline: .now + .seconds(600))
            }
            let consumer = AMQPConsumer(configuration: configuration, queue: queue, prefetch: prefetch, logger: logger)
            try await consumer.connect()
            figures.append(await consumeFigure(consumer, deadline: deadline, name: "amqp.consume_ack"))
            await consumer.close()
        case .both:
            try await publisher.purgeQueue(queue)
            let consumer = AMQPConsumer(configuration: configuration, queue: queue, prefetch: prefetch, logger: logger)
            try await consumer.connect()
            let start = ContinuousClock.now
            async let published = publishFigure(publisher, body: body, deadline: deadline)
            let consumed = await consumeFigure(consumer, deadline: deadline, name: "amqp.both.consume_ack", start: start)
            figures.append(try await published)
            figures.append(consumed)
            await consumer.close()
        }
        await publisher.close()
        try printJSONLine(
            Report(mode: mode, count: count, window: window, prefetch: prefetch, ackBatch: ackBatch, figures: figures))
    }

    private func publishFigure(
        _ publisher: AMQPPublisher, body: [UInt8], deadline: ContinuousClock.Instant
    ) async throws -> BenchmarkFigure {
        let start = ContinuousClock.now
        let done = try await publishAll(publisher, count: count, body: body, deadline: deadline)
        return BenchmarkFigure(
            name: mode == .both ? "amqp.both.publish_confirmed" : "amqp.publish_confirmed", operations: done,
            seconds: seconds(start.duration(to: .now)))
    }

    /// Publishes with `window` confirms outstanding; returns how many were confirmed before the deadline.
    @discardableResult
    private func publishAll(
        _ publisher: AMQPPublisher, count: Int, body: [UInt8], deadline: ContinuousClock.Instant
    ) async throws -> Int {
        let window = self.window
        return try await withThrowingTaskGroup(of: Void.self) { group in
            var started = 0
            var confirmed = 0
            while started < count, ContinuousClock.now < deadline || started == 0 {
                if started >= window {
                    try await group.next()
                    confirmed += 1
                }
                group.addTask { try await publisher.publish(body, routingKey: queue) }
                started += 1
            }
            while try await group.next() != nil { confirmed += 1 }
            return confirmed
        }
    }

    private func consumeFigure(
        _ consumer: AMQPConsumer, deadline: ContinuousClock.Instant, name: String,
        start: ContinuousClock.Instant? = nil
    ) async -> BenchmarkFigure {
        let count = self.count
        let ackBatch = self.ackBatch
        // The deadline ends the iteration by cancelling it (next() then returns nil).
        let run = Task { () -> (Int, ContinuousClock.Instant?) in
            var received = 0
            var first: ContinuousClock.Instant?
            for await delivery in consumer.deliveries {
                if first == nil { first = .now }
                received += 1
                if received % ackBatch == 0 || received == count {
                    try? consumer.ack(delivery, multiple: ackBatch > 1)
                }
                if received == count { break }
            }
            return (received, first)
        }
        let guardTask = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            run.cancel()
        }
        let (received, first) = await run.value
        guardTask.cancel()
        let from = start ?? first ?? .now
        return BenchmarkFigure(name: name, operations: received, seconds: seconds(from.duration(to: .now)))
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
