/// Hands out SMPP sequence numbers: 1, 2, … 0x7FFFFFFF, then 1 again (reference/SMPP-3.4.md §2.2: the range is
/// 0x00000001–0x7FFFFFFF; 0 and values with the top bit set are never used by a request).
public struct SequenceNumberGenerator: Sendable {
    /// The largest sequence number a request may carry.
    public static let maximum: UInt32 = 0x7FFF_FFFF

    private var nextValue: UInt32

    /// Starts at `first` (clamped into 1…0x7FFFFFFF); default 1.
    public init(first: UInt32 = 1) {
        nextValue = (first == 0 || first > Self.maximum) ? 1 : first
    }

    /// Returns the next sequence number and advances, wrapping after 0x7FFFFFFF to 1.
    public mutating func next() -> UInt32 {
        let value = nextValue
        nextValue = value >= Self.maximum ? 1 : value + 1
        return value
    }
}
