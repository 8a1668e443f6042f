import Foundation
import Logging
import RabbitMQ
import Synchronization

/// The core of `smpp-bench e2e`, without argv: against a running bridge, publish `requests` send requests to its
/// queue and wait for every result and receipt, measured the way the C `feed` of
/// `shared/tools/broker-reference` measures (so the two rates compare):
///
/// 1. Two private auto-delete queues are bound with `#` to the results and dlr exchanges and consumed (prefetch
///    2000, acked in batches of 100) **before** the first publish, so no event is missed.
/// 2. Requests are published persistent with publisher confirms, `window` of them awaiting their confirm at any
///    time and no pacing, to the default exchange with the queue as routing key (mandatory: a missing queue is an
///    error, not silence). Ids are `<run>-<index>`.
/// 3. The run ends when every result and (with `receipts`) a final receipt per accepted segment are in, or at
///    `timeout`. Rate = results / (first publish → last event); latency = publish → result.
/// 4. With `bridgePID`, that process's CPU (utime + stime from /proc) over the run, per request, and its peak RSS.
struct EndToEndBenchmark: Sendable {
    /// What to run against and how much.
    struct Settings: Sendable {
        /// Broker URL.
        var amqpURL: String
        /// The bridge's request queue.
        var queue = "smpp.outbound"
        /// The bridge's results exchange.
        var resultsExchange = "smpp.results"
        /// The bridge's receipts exchange.
        var dlrExchange = "smpp.dlr"
        /// Requests to publish.
        var requests = 10_000
        /// Publishes awaiting their confirm at any time.
        var window = 1_000
        /// Prefetch of each event consumer.
        var prefetch: UInt16 = 2_000
        /// Ask for and await a receipt per accepted segment.
        var receipts = true
        /// Mix alphabets and long messages (``EndToEndRequests``).
        var mix = false
        /// Upper bound on the whole run.
        var timeout: Duration = .seconds(300)
        /// The bridge's process id, for its CPU and peak RSS.
        var bridgePID: Int32?
        /// The run part of the request ids; random by default.
        var run = "e2e" + String(UInt32.random(in: 0x10_0000...0xFF_FFFF), radix: 16)
    }

    /// How the wait for events ended.
    enum Ending: Sendable, Equatable { case published, complete, timedOut, eventsEnded }

    /// The settings.
    var settings: Settings

    /// Runs the benchmark and returns its figures (whatever is missing is counted, not thrown).
    /// - Throws: when the broker cannot be reached, an exchange or the queue does not exist, or a publish fails.
    func run() async throws -> EndToEndReport {
        var logger = Logger(label: "smpp-bench.e2e")
        logger.logLevel = .warning
        let configuration = try AMQPConfiguration(url: settings.amqpURL)
        let requests = EndToEndRequests(mix: settings.mix, receipts: settings.receipts)
        let tally = SharedTally(EndToEndTally(
            run: settings.run, requests: settings.requests, expectsReceipts: settings.receipts,
            expectedSegments: { requests.kind(of: $0).segments }))

        var sources = [(exchange: settings.resultsExchange, isReceipt: false)]
        if settings.receipts { sources.append((settings.dlrExchange, true)) }
        var consumers: [(consumer: AMQPConsumer, isReceipt: Bool)] = []
        let publisher = AMQPPublisher(configuration: configuration, logger: logger)
        do {
            for source in sources {
                let queue = "smpp-bench.\(settings.run).\(source.isReceipt ? "dlr" : "results")"
                let topology = AMQPTopology(
                    queues: [AMQPQueue(name: queue, durable: false, autoDelete: true)],
                    bindings: [AMQPBinding(queue: queue, exchange: source.exchange, routingKey: "#")])
                let consumer = AMQPConsumer(
                    configuration: configuration, queue: queue, prefetch: settings.prefetch, topology: topology,
                    logger: logger)
                consumers.append((consumer, source.isReceipt))
                do {
                    try await consumer.connect()
                } catch {
                    throw EndToEndFailure("cannot bind a queue to exchange \(source.exchange) (is the bridge running?): \(error)")
                }
            }
            try await publisher.connect()
        } catch {
            for (consumer, _) in consumers { await consumer.close() }
            await publisher.close()
            throw error
        }

        let cpuBefore = settings.bridgePID.flatMap { CPUUsage.processMicroseconds(pid: $0) }
        let ending: Ending
        do {
            ending = try await wait(publisher: publisher, consumers: consumers, tally: tally)
        } catch {
            for (consumer, _) in consumers { await consumer.close() }
            await publisher.close()
            throw error
        }
        let cpuAfter = settings.bridgePID.flatMap { CPUUsage.processMicroseconds(pid: $0) }
        let peakKilobytes = settings.bridgePID.flatMap { CPUUsage.peakResidentKilobytes(pid: $0) }
        for (consumer, _) in consumers { await consumer.close() }
        await publisher.close()

        let cpu = cpuBefore.flatMap { before in cpuAfter.map { $0 - before } }
        return tally.state.withLock { tally in
            EndToEndReport(
                tally: tally, mix: settings.mix, timedOut: ending != .complete, bridgeCPUMicroseconds: cpu,
                bridgePeakKilobytes: peakKilobytes)
        }
    }

    /// Publishes every request and reads events until the tally is complete or the timeout passes.
    private func wait(
        publisher: AMQPPublisher, consumers: [(consumer: AMQPConsumer, isReceipt: Bool)],
        tally: SharedTally
    ) async throws -> Ending {
        let settings = self.settings
        let deadline = ContinuousClock.now + settings.timeout
        return try await withThrowingTaskGroup(of: Ending.self) { group in
            for (consumer, isReceipt) in consumers {
                group.addTask { await Self.read(consumer, isReceipt: isReceipt, tally: tally) }
            }
            group.addTask {
                try await Self.publishAll(settings, publisher: publisher, tally: tally)
                return .published
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return .timedOut
            }
            var ending = Ending.timedOut
            while let next = try await group.next() {
                if next == .published { continue }
                ending = next
                break
            }
            group.cancelAll()
            return ending
        }
    }

    /// `window` publishers taking the next index in turn, each publish confirmed before its publisher goes on.
    private static func publishAll(
        _ settings: Settings, publisher: AMQPPublisher, tally: SharedTally
    ) async throws {
        let requests = EndToEndRequests(mix: settings.mix, receipts: settings.receipts)
        let counter = IssueCounter()
        let reader = EndToEndEventReader(run: settings.run, requests: settings.requests)
        let properties = AMQPProperties(contentType: "application/json", deliveryMode: .persistent)
        try await withThrowingTaskGroup(of: Void.self) { workers in
            for _ in 0..<max(1, min(settings.window, settings.requests)) {
                workers.addTask {
                    while !Task.isCancelled {
                        let index = counter.next()
                        guard index <= settings.requests else { return }
                        let id = reader.requestID(index)
                        let body = requests.body(index: index, id: id)
                        tally.state.withLock { $0.published(index, at: ContinuousClock.now) }
                        do {
                            try await publisher.publish(
                                body, routingKey: settings.queue, properties: properties, mandatory: true)
                        } catch let error as AMQPError where error.code == .unroutable {
                            throw EndToEndFailure("queue \(settings.queue) does not exist (is the bridge running?)")
                        }
                    }
                }
            }
            try await workers.waitForAll()
        }
    }

    /// Reads one consumer's events into the tally; returns `.complete` once the tally is.
    private static func read(_ consumer: AMQPConsumer, isReceipt: Bool, tally: SharedTally) async -> Ending {
        // Parsing needs only the run and the count, so it happens outside the lock.
        let reader = tally.state.withLock { $0.reader }
        var unacknowledged = 0
        for await delivery in consumer.deliveries {
            let event = isReceipt ? reader.receipt(from: delivery.body) : reader.result(from: delivery.body)
            let now = ContinuousClock.now
            let complete = tally.state.withLock { tally in
                tally.record(event, at: now)
                return tally.isComplete
            }
            unacknowledged += 1
            if unacknowledged >= 100 || complete {
                try? consumer.ack(delivery, multiple: true)
                unacknowledged = 0
            }
            if complete { return .complete }
        }
        return .eventsEnded
    }
}

/// The tally shared by the publishers and the event readers of a run.
final class SharedTally: Sendable {
    /// The tally, behind a lock.
    let state: Mutex<EndToEndTally>

    /// Shares `tally`.
    init(_ tally: EndToEndTally) { state = Mutex(tally) }
}

/// Why an `smpp-bench e2e` run could not be made, for the operator.
struct EndToEndFailure: Error, CustomStringConvertible {
    /// The reason.
    var description: String
    /// A failure with its reason.
    init(_ description: String) { self.description = description }
}
