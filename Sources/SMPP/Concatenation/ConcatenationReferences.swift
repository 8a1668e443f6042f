/// Rolling concatenation reference numbers, one sequence per destination, so that two long messages in flight to
/// the same handset never share a reference (reference/SMPP-3.4.md §8).
///
/// A value type: the owner keeps it and passes it `inout`. An 8-bit use takes the low octet, so it wraps after
/// 255; a 16-bit use wraps after 65 535. At most `maximumDestinations` destinations are tracked: when a new one
/// would exceed that, the table is cleared (memory stays bounded), and every new destination starts from a shared
/// rolling counter rather than a fixed value, so a cleared destination does not restart at a recent reference.
public struct ConcatenationReferences: Sendable, Hashable {
    /// The most destinations remembered at once (default 100 000).
    public var maximumDestinations: Int
    private var next: [String: UInt16] = [:]
    private var fresh: UInt16

    /// Creates the table; `seed` is the first reference handed out (e.g. random at process start).
    public init(seed: UInt16 = 0, maximumDestinations: Int = 100_000) {
        self.fresh = seed
        self.maximumDestinations = max(1, maximumDestinations)
    }

    /// Number of destinations currently tracked.
    public var count: Int { next.count }

    /// The next reference for `destination`: 0–255 when `sixteenBit` is false, 0–65 535 otherwise.
    public mutating func next(for destination: String, sixteenBit: Bool) -> UInt16 {
        let current: UInt16
        if let known = next[destination] {
            current = known
        } else {
            if next.count >= maximumDestinations { next.removeAll(keepingCapacity: true) }
            current = fresh
            fresh &+= 1
        }
        next[destination] = current &+ 1
        return sixteenBit ? current : current & 0xFF
    }
}
