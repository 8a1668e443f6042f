/// How long the simulator waits before it answers a request (fault: response latency).
public enum LatencyDistribution: Sendable, Hashable, CustomStringConvertible {
    /// Answer at once.
    case none
    /// Always this many milliseconds.
    case fixed(milliseconds: Int64)
    /// Uniformly between the two bounds, in milliseconds, both included.
    case uniform(minMilliseconds: Int64, maxMilliseconds: Int64)

    /// Builds the distribution from `--latency MS` and `--latency-max MS`: neither → none; only `--latency` →
    /// fixed; both → uniform from `--latency` (0 when absent) to `--latency-max`.
    public init(latency: Int64?, latencyMax: Int64?) throws(SimulatorConfigurationError) {
        if let latency, latency < 0 {
            throw SimulatorConfigurationError(
                code: .invalidLatency, option: "--latency", value: "\(latency)", reason: "must be ≥ 0")
        }
        switch (latency, latencyMax) {
        case (nil, nil): self = .none
        case (let fixed?, nil): self = fixed == 0 ? .none : .fixed(milliseconds: fixed)
        case (let low, let high?):
            let minimum = low ?? 0
            guard high >= minimum else {
                throw SimulatorConfigurationError(
                    code: .invalidLatency, option: "--latency-max", value: "\(high)",
                    reason: "must be ≥ --latency (\(minimum))")
            }
            self = .uniform(minMilliseconds: minimum, maxMilliseconds: high)
        }
    }

    /// Draws one delay in milliseconds.
    public func sample(using random: inout SimulatorRandom) -> Int64 {
        switch self {
        case .none: return 0
        case .fixed(let milliseconds): return milliseconds
        case .uniform(let low, let high):
            guard high > low else { return low }
            let span = UInt64(high - low) + 1
            return low + Int64(random.next() % span)
        }
    }

    /// `none`, `fixed 20ms` or `uniform 10–50ms`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .fixed(let milliseconds): return "fixed \(milliseconds)ms"
        case .uniform(let low, let high): return "uniform \(low)–\(high)ms"
        }
    }
}
