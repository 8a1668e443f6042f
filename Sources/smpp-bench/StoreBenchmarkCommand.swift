import ArgumentParser
import BridgeCore
import Foundation
import Logging

/// `smpp-bench store`: group-committed `complete` calls on the SQLite store from many concurrent callers.
///
/// `callers` tasks share `count` completions (each a ~200-byte result with one correlation under two keys), every
/// call timed from the call to its return (its transaction committed, synchronous = FULL). Prints one JSON line:
/// completes/s, transactions, writes per transaction, p50/p99 latency. Bounded by `count`.
struct StoreBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Concurrent complete() on the SQLite store (group commit); prints one JSON line.")

    @Option(help: "Completions in total.") var count: Int = 20_000
    @Option(help: "Concurrent callers (default: as many as --count, at most 10000).") var callers: Int?
    @Option(help: "Directory for the store file (default: a new temporary directory, removed afterwards).")
    var directory: String?

    private struct Report: Encodable {
        var benchmark = "store"
        var count: Int
        var callers: Int
        var seconds: Double
        var completesPerSecond: Double
        var transactions: Int
        var writesPerTransaction: Double
        var p50Microseconds: Double
        var p99Microseconds: Double

        enum CodingKeys: String, CodingKey {
            case benchmark, count, callers, seconds, transactions
            case completesPerSecond = "completes_per_s"
            case writesPerTransaction = "writes_per_transaction"
            case p50Microseconds = "p50_us"
            case p99Microseconds = "p99_us"
        }
    }

    func validate() throws {
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be 1...1000000") }
        if let callers, !(1...count).contains(callers) { throw ValidationError("--callers must be 1...--count") }
    }

    func run() async throws {
        let count = count
        let callers = callers ?? min(count, 10_000)
        let base = directory ?? FileManager.default.temporaryDirectory.path
        let folder = base + "/smpp-bench-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var logger = Logger(label: "smpp-bench.store")
        logger.logLevel = .warning
        let store = try SQLiteBridgeStore(path: folder + "/bridge.sqlite", logger: logger)
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for caller in 0..<callers {
                group.addTask {
                    var latencies: [Duration] = []
                    for n in stride(from: caller, to: count, by: callers) {
                        let completion = Self.completion(n)
                        let called = clock.now
                        try await store.complete(completion)
                        latencies.append(called.duration(to: clock.now))
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }.sorted()
        }
        let seconds = start.duration(to: clock.now).seconds
        let transactions = store.committedTransactions
        await store.close()
        try printJSONLine(
            Report(
                count: count, callers: callers, seconds: (seconds * 1000).rounded() / 1000,
                completesPerSecond: (Double(count) / seconds).rounded(), transactions: transactions,
                writesPerTransaction: (Double(count) / Double(max(1, transactions)) * 10).rounded() / 10,
                p50Microseconds: Self.microseconds(latencies, 0.50), p99Microseconds: Self.microseconds(latencies, 0.99)))
    }

    private static func microseconds(_ sorted: [Duration], _ fraction: Double) -> Double {
        ((percentile(sorted, fraction)?.seconds ?? 0) * 1e7).rounded() / 10
    }

    /// A typical accepted single-segment request.
    private static func completion(_ n: Int) -> RequestCompletion {
        let now = Date()
        let messageID = String(0x5F3A_0000 + n, radix: 16, uppercase: true)
        let body = Array(
            (#"{"request_id":"bench-\#(n)","status":"accepted","segments":[{"segment":1,"message_id":"\#(messageID)","#
                + #""command_status":0}],"submitted_at":"2026-12-01T10:00:00Z","possible_duplicate":false}"#).utf8)
        return RequestCompletion(
            requestID: "bench-\(n)",
            result: StoredResult(
                eventID: UUID().uuidString, status: "accepted", routingKey: "submit.accepted", body: body,
                completedAt: now),
            correlations: [
                ReceiptCorrelation(
                    keys: [messageID, String(0x5F3A_0000 + n)], messageID: messageID, requestID: "bench-\(n)",
                    segment: 1, segments: 1, to: "573001234567", from: "ACME",
                    metadata: Array(#"{"campaign":"bench"}"#.utf8), submittedAt: now)
            ])
    }
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
