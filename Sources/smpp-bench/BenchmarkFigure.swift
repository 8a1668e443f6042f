import Foundation

/// One measured figure of a benchmark, printed as part of the JSON line a run ends with.
struct BenchmarkFigure: Encodable, Sendable {
    /// What was measured, e.g. `submit_sm.encode_decode`.
    var name: String
    /// Operations completed.
    var operations: Int
    /// Wall-clock seconds the operations took.
    var seconds: Double
    /// Operations per second.
    var opsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
    /// Nanoseconds per operation.
    var nanosecondsPerOperation: Double { operations > 0 ? seconds * 1e9 / Double(operations) : 0 }

    enum CodingKeys: String, CodingKey { case name, operations, seconds, opsPerSecond = "ops_per_s", nsPerOp = "ns_per_op" }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(operations, forKey: .operations)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(opsPerSecond.rounded(), forKey: .opsPerSecond)
        try container.encode((nanosecondsPerOperation * 10).rounded() / 10, forKey: .nsPerOp)
    }
}

/// Runs `body` repeatedly, `batch` operations per call, until `maxOperations` are done or `maxSeconds` have passed,
/// and returns the figure. Bounded in count and in time, as every benchmark here must be.
func measure(
    _ name: String,
    maxOperations: Int,
    maxSeconds: Double,
    batch: Int = 1,
    _ body: () throws -> Void
) rethrows -> BenchmarkFigure {
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start.advanced(by: .milliseconds(Int64(maxSeconds * 1000)))
    var done = 0
    while done < maxOperations {
        try body()
        done += batch
        if done % (batch * 64) == 0, clock.now >= deadline { break }
    }
    let elapsed = start.duration(to: clock.now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return BenchmarkFigure(name: name, operations: done, seconds: seconds)
}

/// The nearest-rank percentile of `sorted` (ascending): the element at rank ⌈count × fraction⌉, nil when empty.
/// The one percentile rule of every benchmark here, so their p50/p99 figures compare.
func percentile<T>(_ sorted: [T], _ fraction: Double) -> T? {
    guard !sorted.isEmpty else { return nil }
    let rank = Int((Double(sorted.count) * fraction).rounded(.up))
    return sorted[min(sorted.count - 1, max(0, rank - 1))]
}

/// Prints `value` as one line of JSON with sorted keys: the last line every benchmark prints.
func printJSONLine(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}
