import ArgumentParser
import BridgeCore
import Foundation
import Logging
import RabbitMQ
import Synchronization

/// `smpp-bridge tail results|dlr|mo`: prints the bridge's events as they arrive.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the bridge's events (results, receipts or inbound messages) as they arrive.",
        discussion: """
            Binds a private queue (deleted when the command ends) to the exchange with `#` and prints each event \
            as one line: the routing key, a space, the JSON body. Runs until Ctrl-C, or until --count events.
            """
    )

    /// The event streams of DESIGN §1.1.
    enum Stream: String, ExpressibleByArgument, CaseIterable {
        case results, dlr, mo
    }

    @Argument(help: "Which events: results, dlr or mo.")
    var stream: Stream

    @Option(help: "Stop after this many events.")
    var count: Int?

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        bootstrapToolLogging()
        let target: BrokerTarget
        do {
            target = try await options.loadBroker()
        } catch {
            throw exitWithProblems(error)
        }
        let exchange = switch stream {
        case .results: target.broker.resultsExchange
        case .dlr: target.broker.dlrExchange
        case .mo: target.broker.moExchange
        }
        let tail: EventTail
        do {
            tail = try await EventTail.open(amqp: target.amqp, bindings: [(exchange, "#")], purpose: "tail")
        } catch {
            printError("cannot listen on exchange \(exchange): \(error)")
            throw ExitCode(1)
        }
        await tail.run(count: count) { delivery in
            printLine(EventTail.line(delivery))
            return true
        }
        await tail.close()
    }
}

/// A private queue bound to some exchanges, and the deliveries it receives: what `tail` and `send --wait` read.
struct EventTail: Sendable {
    let consumer: AMQPConsumer
    /// The queue's name, `smpp-bridge.<purpose>.<random>`.
    let queue: String
    /// Whether the connection was lost since the queue was first bound (events may have gone unseen).
    let gaps: ConnectionGaps
    /// Reports each loss and return of the connection on standard error.
    let watcher: Task<Void, Never>

    /// Declares an exclusive queue bound to each `(exchange, binding key)` and starts consuming it. The queue goes
    /// away with the consumer's connection (`x-expires`, 10 minutes unused, is only a backstop); events
    /// published while that connection is being replaced are not seen. Exclusive, not merely auto-delete: RabbitMQ
    /// deprecates transient queues that are not exclusive (3.13) and can be set to refuse them.
    /// - Throws: the consumer's connect error, e.g. a 404 `channelClosed` when an exchange does not exist.
    static func open(
        amqp: AMQPConfiguration, bindings: [(String, String)], purpose: String,
        logger: Logger = Logger(label: "smpp-bridge.tools")
    ) async throws -> EventTail {
        let queue = "smpp-bridge.\(purpose).\(UUID().uuidString.lowercased())"
        let topology = AMQPTopology(
            queues: [AMQPQueue(
                name: queue, durable: false, autoDelete: true, exclusive: true, arguments: ["x-expires": .int32(600_000)])],
            bindings: bindings.map { AMQPBinding(queue: queue, exchange: $0.0, routingKey: $0.1) })
        let consumer = AMQPConsumer(
            configuration: amqp, queue: queue, prefetch: 100, topology: topology, logger: logger)
        do {
            try await consumer.connect()
        } catch {
            await consumer.close()
            throw error
        }
        let gaps = ConnectionGaps()
        let watcher = Task { await gaps.watch(consumer.events, report: printError) }
        return EventTail(consumer: consumer, queue: queue, gaps: gaps, watcher: watcher)
    }

    /// Hands each delivery to `handle` (after acknowledging it) until `handle` has accepted `count` of them (it
    /// returns whether a delivery counts), or, with no count, until `handle`'s caller closes the consumer.
    /// Returns how many counted.
    @discardableResult
    func run(count: Int?, _ handle: (AMQPDelivery) -> Bool) async -> Int {
        var counted = 0
        for await delivery in consumer.deliveries {
            // A tool's copy of an event: nobody else reads this queue, so it is acknowledged at once.
            try? consumer.ack(delivery)
            if handle(delivery) { counted += 1 }
            if let count, counted >= count { break }
        }
        return counted
    }

    /// Closes the consumer; the broker deletes the queue.
    func close() async {
        watcher.cancel()
        await consumer.close()
    }

    /// `routing-key body` on one line; a body spread over lines is re-encoded compactly (not JSON: escaped).
    static func line(_ delivery: AMQPDelivery) -> String {
        "\(delivery.routingKey) \(oneLine(delivery.body))"
    }

    /// The body as one line of text.
    static func oneLine(_ body: [UInt8]) -> String {
        let text = String(decoding: body, as: UTF8.self)
        guard text.contains(where: { $0.isNewline }) else { return text }
        if let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed, .withoutEscapingSlashes])
        {
            return String(decoding: data, as: UTF8.self)
        }
        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// The connection losses of a private event queue. The queue is exclusive, so it goes with its connection; the
/// consumer binds a new one when it reconnects, and events published in between reach no queue of ours. Rather than
/// let that pass unseen (a `send --wait` then simply times out), each loss and return is reported.
final class ConnectionGaps: Sendable {
    private let lost = Mutex(false)

    /// Whether the connection was lost at least once.
    var happened: Bool { lost.withLock { $0 } }

    /// Reads `events` until they end, reporting a lost connection and its return through `report`.
    func watch(_ events: AsyncStream<AMQPConnectionEvent>, report: @Sendable (String) -> Void) async {
        var down = false
        for await event in events {
            switch event {
            case .disconnected(let error):
                guard !down else { continue }
                down = true
                lost.withLock { $0 = true }
                report("lost the broker connection (\(error)); reconnecting: events published until it is back are not seen")
            case .connected(let node) where down:
                down = false
                report("connected to the broker again (\(node)); events published while disconnected were missed")
            default:
                break
            }
        }
    }
}
