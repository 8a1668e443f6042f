import ArgumentParser
import BridgeCore
import Foundation
import Logging

/// `smpp-bench store`: the per-request store path (`beginRequest`, then `complete`) from many concurrent callers,
/// on the SQLite store (`--path`, default a temporary file) or the PostgreSQL store (`--url`).
///
/// `concurrency` tasks share `count` requests (each completion a ~200-byte result with one correlation under two
/// keys), every request timed from its begin to its complete's return (both group-committed). Prints one JSON line:
/// requests/s, the process's CPU µs per request, transactions, writes per transaction, p50/p99 latency. Bounded by
/// `count`. With `--url` it works in a schema of its own (`bench_…`), dropped afterwards.
struct StoreBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Concurrent beginRequest + complete on the SQLite or PostgreSQL store; prints one JSON line.")

    @Option(help: "Requests in total.") var count: Int = 20_000
    @Option(help: "Concurrent callers (default: as many as --count, at most 10000).") var concurrency: Int?
    @Option(help: "The SQLite file (default: one in a new temporary directory, removed afterwards).") var path: String?
    @Option(help: "A PostgreSQL store URL (postgres://user:password@host:port/db); replaces --path.") var url: String?

    struct Report: Encodable {
        var benchmark = "store"
        var store: String
        var count: Int
        var concurrency: Int
        var seconds: Double
        var requestsPerSecond: Double
        var cpuMicrosecondsPerRequest: Double
        var transactions: Int
        var writesPerTransaction: Double
        var p50Microseconds: Double
        var p99Microseconds: Double

        enum CodingKeys: String, CodingKey {
            case benchmark, store, count, concurrency, seconds, transactions
            case requestsPerSecond = "requests_per_s"
            case cpuMicrosecondsPerRequest = "cpu_us_per_request"
            case writesPerTransaction = "writes_per_transaction"
            case p50Microseconds = "p50_us"
            case p99Microseconds = "p99_us"
        }
    }

    func validate() throws {
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be 1...1000000") }
        if let concurrency, !(1...count).contains(concurrency) {
            throw ValidationError("--concurrency must be 1...--count")
        }
        if url != nil, path != nil { throw ValidationError("give --url or --path, not both") }
    }

    func run() async throws {
        try printJSONLine(try await storeReport())
    }

    /// Runs the benchmark and returns its figures.
    func storeReport() async throws -> Report {
        let count = count
        let concurrency = concurrency ?? min(count, 10_000)
        var logger = Logger(label: "smpp-bench.store")
        logger.logLevel = .warning
        let opened = try await openStore(logger: logger)
        defer { opened.cleanUp() }
        let store = opened.store
        let clock = ContinuousClock()
        let cpuBefore = CPUUsage.processMicroseconds()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    var latencies: [Duration] = []
                    for n in stride(from: caller, to: count, by: concurrency) {
                        let completion = Self.completion(n)
                        let called = clock.now
                        _ = try await store.beginRequest(id: completion.requestID, at: Date())
                        try await store.complete(completion)
                        latencies.append(called.duration(to: clock.now))
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }.sorted()
        }
        let seconds = start.duration(to: clock.now).seconds
        let cpu = CPUUsage.processMicroseconds() - cpuBefore
        let transactions = opened.transactions()
        await store.close()
        await opened.dropSchema()
        return Report(
                store: opened.kind, count: count, concurrency: concurrency, seconds: (seconds * 1000).rounded() / 1000,
                requestsPerSecond: (Double(count) / seconds).rounded(),
                cpuMicrosecondsPerRequest: (Double(cpu) / Double(count) * 10).rounded() / 10, transactions: transactions,
                writesPerTransaction: (Double(2 * count) / Double(max(1, transactions)) * 10).rounded() / 10,
                p50Microseconds: Self.microseconds(latencies, 0.50), p99Microseconds: Self.microseconds(latencies, 0.99))
    }

    /// The store under test, how to read its transaction count, and what to remove afterwards.
    private struct OpenedStore {
        var kind: String
        var store: any BridgeStore
        var transactions: @Sendable () -> Int
        var cleanUp: () -> Void = {}
        var dropSchema: () async -> Void = {}
    }

    private func openStore(logger: Logger) async throws -> OpenedStore {
        if let url {
            let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let store = try await PostgresBridgeStore(url: url, schema: schema, logger: logger, maximumConnections: 4)
            return OpenedStore(
                kind: "postgres", store: store, transactions: { store.committedTransactions },
                dropSchema: { await Self.drop(schema: schema, url: url, logger: logger) })
        }
        var folder: String?
        let file: String
        if let path {
            file = path
        } else {
            let directory = FileManager.default.temporaryDirectory.path + "/smpp-bench-store-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            folder = directory
            file = directory + "/bridge.sqlite"
        }
        let store = try SQLiteBridgeStore(path: file, logger: logger)
        return OpenedStore(
            kind: "sqlite", store: store, transactions: { store.committedTransactions },
            cleanUp: { if let folder { try? FileManager.default.removeItem(atPath: folder) } })
    }

    /// Drops the benchmark's schema through a store on the public schema's connection settings.
    private static func drop(schema: String, url: String, logger: Logger) async {
        do {
            try await PostgresBridgeStore.dropSchema(schema, url: url, logger: logger)
        } catch {
            logger.warning("benchmark schema not dropped", metadata: ["schema": "\(schema)", "error": "\(error)"])
        }
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
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
