/// The simulator's deterministic random source: SplitMix64 seeded from `--seed`, so a run (and a test) that
/// fixes the seed sees the same outcome mix, faults and MO traffic every time.
public struct SimulatorRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed; every seed, 0 included, gives a full-period sequence.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// Creates a generator seeded from the system's random source (for runs without `--seed`).
    public static func unseeded() -> SimulatorRandom {
        var system = SystemRandomNumberGenerator()
        return SimulatorRandom(seed: system.next())
    }

    /// The next 64 random bits (SplitMix64).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `0 ..< 1` with 53 bits of precision.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `probability` (values ≤ 0 never, ≥ 1 always).
    public mutating func chance(_ probability: Double) -> Bool {
        guard probability > 0 else { return false }
        guard probability < 1 else { return true }
        return unit() < probability
    }

    /// A generator for a sub-stream (e.g. one per connection) derived from this one, so that what one session
    /// draws does not shift what another draws.
    public mutating func split() -> SimulatorRandom {
        SimulatorRandom(seed: next())
    }
}
