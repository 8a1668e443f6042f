import ArgumentParser
import BridgeCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import RabbitMQ
import SMPP
import SMPPNIO
import Synchronization

/// `smpp-bench pipeline`: the outbound pipeline alone (``OutboundProcessor/process(_:)``: decode, dedup, PDU build,
/// submit, result JSON, store, publish) with no broker and no SMSC, so its CPU per request can be measured and
/// profiled without the noise of the other processes.
///
/// `concurrency` tasks share `count` requests (the e2e benchmark's short GSM text with a receipt). The submitter
/// answers every submit_sm with ESME_ROK from an event loop thread, as the SMPP client does; the publisher confirms
/// from another thread, as the broker's confirms arrive on the publisher's thread; so every await in the pipeline
/// is resumed from a foreign thread, as in the bridge. `--store memory` or `sqlite` (a temporary file). Prints one
/// JSON line: requests/s and the process's CPU µs per request (the fakes' own small share included). Bounded by
/// `count`.
struct PipelineBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "The outbound pipeline alone (fake SMSC and broker on their own threads); prints one JSON line.")

    @Option(help: "Requests in total.") var count: Int = 50_000
    @Option(help: "Concurrent requests (like amqp.prefetch).") var concurrency: Int = 800
    @Option(help: "memory or sqlite (a file in a new temporary directory).") var store: String = "memory"
    @Option(help: "callbacks (as the bridge runs a request: OutboundProcessor.start) or task (process in a task).")
    var path: String = "callbacks"

    struct Report: Encodable {
        var benchmark = "pipeline"
        var store: String
        var path: String
        var count: Int
        var concurrency: Int
        var seconds: Double
        var requestsPerSecond: Double
        var cpuMicrosecondsPerRequest: Double
        var accepted: Int

        enum CodingKeys: String, CodingKey {
            case benchmark, store, path, count, concurrency, seconds, accepted
            case requestsPerSecond = "requests_per_s"
            case cpuMicrosecondsPerRequest = "cpu_us_per_request"
        }
    }

    func validate() throws {
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be 1...1000000") }
        guard (1...count).contains(concurrency) else { throw ValidationError("--concurrency must be 1...--count") }
        guard ["memory", "sqlite"].contains(store) else { throw ValidationError("--store must be memory or sqlite") }
        guard ["callbacks", "task"].contains(path) else { throw ValidationError("--path must be callbacks or task") }
    }

    func run() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let logger = Logger(label: "smpp-bench.pipeline", factory: { _ in SwiftLogNoOpLogHandler() })
        var folder: String?
        let bridgeStore: any BridgeStore
        if store == "sqlite" {
            let directory = FileManager.default.temporaryDirectory.path + "/smpp-bench-pipeline-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            folder = directory
            bridgeStore = try SQLiteBridgeStore(path: directory + "/bridge.sqlite", logger: logger)
        } else {
            bridgeStore = InMemoryBridgeStore()
        }
        defer { if let folder { try? FileManager.default.removeItem(atPath: folder) } }
        let publisher = ConfirmingPublisher(confirmLoop: loops.next())
        let processor = OutboundProcessor(
            settings: OutboundPipelineSettings(sourceAddress: "ACME"), store: bridgeStore, publisher: publisher,
            submitter: AcceptingSubmitter(loop: loops.next()), correlator: ReceiptCorrelator(hold: .seconds(2)),
            lateOutcomes: LateOutcomeBook(), metrics: BridgeMetrics(), logger: logger)
        let requests = EndToEndRequests(mix: false, receipts: true)
        let run = "p" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let count = count, concurrency = concurrency, callbacks = path == "callbacks"
        let clock = ContinuousClock()
        let cpuBefore = CPUUsage.processMicroseconds()
        let start = clock.now
        let accepted = await withTaskGroup(of: Int.self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    var acked = 0
                    for index in stride(from: caller + 1, through: count, by: concurrency) {
                        let request = IncomingRequest(
                            body: requests.body(index: index, id: "\(run)-\(index)"),
                            properties: AMQPBenchProperties.request, redelivered: false, receivedAt: Date())
                        if await Self.handle(request, by: processor, withCallbacks: callbacks) == .ack { acked += 1 }
                    }
                    return acked
                }
            }
            return await group.reduce(0, +)
        }
        let seconds = start.duration(to: clock.now).seconds
        let cpu = CPUUsage.processMicroseconds() - cpuBefore
        await bridgeStore.close()
        try await loops.shutdownGracefully()
        try printJSONLine(Report(
            store: store, path: path, count: count, concurrency: concurrency, seconds: (seconds * 1000).rounded() / 1000,
            requestsPerSecond: (Double(count) / seconds).rounded(),
            cpuMicrosecondsPerRequest: (Double(cpu) / Double(count) * 10).rounded() / 10,
            accepted: accepted))
    }
}

extension PipelineBenchmarkCommand {
    /// One request to its settlement, on the callback path when `withCallbacks` and it qualifies, else in this task.
    fileprivate static func handle(
        _ request: IncomingRequest, by processor: OutboundProcessor, withCallbacks: Bool
    ) async -> Settlement {
        guard withCallbacks else { return await processor.process(request) }
        switch processor.start(request) {
        case .callbacks(let callbacks):
            return await withCheckedContinuation { continuation in
                callbacks.start { continuation.resume(returning: $0) }
            }
        case .task(let prepared):
            return await processor.process(request, prepared: prepared)
        }
    }
}

/// The properties of a benchmark request: what a backend sets (persistent JSON).
private enum AMQPBenchProperties {
    static let request = AMQPProperties(contentType: "application/json", deliveryMode: .persistent)
}

/// Sequence numbers for the fake submitter's message_ids.
private final class SequenceCounter: Sendable {
    private let value = Mutex<UInt32>(0)

    func next() -> UInt32 { value.withLock { $0 &+= 1; return $0 } }
}

/// Answers every submit_sm with ESME_ROK and a fresh message_id from its event loop, like the SMPP client reading a
/// submit_sm_resp.
private struct AcceptingSubmitter: SegmentSubmitter {
    let loop: any EventLoop
    let sequence = SequenceCounter()

    func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
        await submit(pdu, tag: tag, observe: { _ in })
    }

    func submit(
        _ pdu: SubmitSM, tag: UInt64, observe: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) async -> Result<SubmitOutcome, SMPPClientError> {
        await withCheckedContinuation { continuation in
            _ = startSubmit(pdu, tag: tag) { result in
                observe(result)
                continuation.resume(returning: result)
            }
        }
    }

    func startSubmit(
        _ pdu: SubmitSM, tag: UInt64, completion: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) -> @Sendable () -> Void {
        let number = sequence.next()
        loop.execute {
            completion(.success(SubmitOutcome(
                commandStatus: .ok, messageID: String(number, radix: 16, uppercase: true), sessionIndex: 0,
                sequenceNumber: number, latency: .microseconds(500))))
        }
        return {}
    }
}

/// Confirms every publish from its own thread, like the broker's confirms read by the publisher's thread.
private struct ConfirmingPublisher: EventPublishing {
    let confirmLoop: any EventLoop

    func publish(_ message: OutgoingMessage) async throws {
        await withCheckedContinuation { continuation in
            confirmLoop.execute { continuation.resume() }
        }
    }

    func publish(_ message: OutgoingMessage, completion: @escaping @Sendable ((any Error)?) -> Void) {
        confirmLoop.execute { completion(nil) }
    }
}
