/// How the simulator writes a message id: upper-case hexadecimal (at least 8 digits) or decimal.
///
/// Real SMSCs differ here, and some use one base in submit_sm_resp and the other in the receipt
/// (reference/SMPP-3.4.md §7), which is why the receipt's base is configurable separately.
public enum MessageIDFormat: String, Sendable, Hashable, CaseIterable {
    /// Upper-case hexadecimal, zero-padded to at least 8 digits, e.g. `5F3A9C01`.
    case hex
    /// Decimal without padding, e.g. `1597676545`.
    case dec

    /// Writes `value` in this format.
    public func render(_ value: UInt64) -> String {
        switch self {
        case .dec:
            return String(value)
        case .hex:
            let digits = String(value, radix: 16, uppercase: true)
            return digits.count >= 8 ? digits : String(repeating: "0", count: 8 - digits.count) + digits
        }
    }

    /// Reads an id written in this format back to its number; nil when the text is not one.
    public func parse(_ text: String) -> UInt64? {
        switch self {
        case .dec: return UInt64(text, radix: 10)
        case .hex: return UInt64(text, radix: 16)
        }
    }
}

/// Hands out unique message ids: a counter that never repeats within a run, written in the configured base.
///
/// The counter starts at a configurable value (by default a random one, so that ids from two runs of the
/// simulator against one bridge store rarely collide) and the number itself is kept so that the receipt can
/// carry the same id in another base.
public struct MessageIDGenerator: Sendable {
    /// The base used in submit_sm_resp.
    public let format: MessageIDFormat
    private var nextValue: UInt64

    /// Creates a generator whose first id is `start`.
    public init(format: MessageIDFormat, start: UInt64) {
        self.format = format
        self.nextValue = start
    }

    /// The next id: its number and its text in `format`. Wraps to 1 after `UInt64.max` (never reached in practice).
    public mutating func next() -> MessageID {
        let value = nextValue
        nextValue = nextValue == UInt64.max ? 1 : nextValue + 1
        return MessageID(value: value, text: format.render(value))
    }
}

/// One message id the simulator assigned: the number and the text that went into submit_sm_resp.
public struct MessageID: Sendable, Hashable {
    /// The id as a number.
    public var value: UInt64
    /// The id as sent in submit_sm_resp.
    public var text: String

    /// Creates an id from its number and text.
    public init(value: UInt64, text: String) {
        self.value = value
        self.text = text
    }
}
