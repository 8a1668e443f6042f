/// A delivery receipt read from a deliver_sm / data_sm (reference/SMPP-3.4.md §7): the Appendix B text fields,
/// with the TLVs receipted_message_id, message_state and network_error_code taking precedence when present.
public struct DeliveryReceipt: Sendable, Hashable {
    /// The SMSC message id the receipt is about (receipted_message_id, else the text's `id`).
    public var messageID: String?
    /// The `sub` field as sent, e.g. `001`.
    public var submitted: String?
    /// The `dlvrd` field as sent, e.g. `001`.
    public var delivered: String?
    /// The `submit date` field, when it is 10, 12 or 14 valid digits.
    public var submitDate: ReceiptDate?
    /// The `done date` field, when it is 10, 12 or 14 valid digits.
    public var doneDate: ReceiptDate?
    /// The stat word, upper-cased (e.g. `DELIVRD`); from message_state when the text has none or disagrees.
    public var stat: String?
    /// The state (message_state TLV first, then the text's stat); nil when neither is recognisable.
    public var state: ReceiptState?
    /// The `err` field as sent (1–3 characters usually), kept as a string.
    public var error: String?
    /// The `text` field: everything after `text:` to the end, colons and spaces included.
    public var text: String?
    /// The network_error_code TLV.
    public var networkErrorCode: ReceiptNetworkError?
    /// Every labelled field found in the text, keyed by canonical label (`id`, `sub`, `dlvrd`, `submit date`,
    /// `done date`, `stat`, `err`, `text`), values as sent.
    public var fields: [String: String]
    /// The receipt text as received.
    public var rawText: String

    /// Whether no further receipt is expected for this message; nil when the state is unknown.
    public var isFinal: Bool? { state?.isFinal }

    /// Creates an empty receipt for `rawText`; `parse` is the usual way.
    public init(rawText: String = "") {
        self.rawText = rawText
        self.fields = [:]
    }
}

/// A receipt date: `YYMMDDhhmm`, `YYMMDDhhmmss` or `YYYYMMDDhhmmss`, chosen by length (reference §7).
public struct ReceiptDate: Sendable, Hashable {
    /// Full year (two-digit years are taken as 20YY).
    public var year: Int
    /// 1–12.
    public var month: Int
    /// 1–31.
    public var day: Int
    /// 0–23.
    public var hour: Int
    /// 0–59.
    public var minute: Int
    /// 0–59 (0 for the 10-digit form).
    public var second: Int

    /// Parses 10, 12 or 14 digits; nil for any other length, non-digits or out-of-range components.
    public init?(_ text: String) {
        let digits = text.unicodeScalars.compactMap { $0.properties.numericType == .decimal && $0.isASCII ? Int($0.value - 48) : nil }
        guard digits.count == text.unicodeScalars.count else { return nil }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        switch digits.count {
        case 10, 12:
            year = 2000 + number(0..<2)
            month = number(2..<4)
            day = number(4..<6)
            hour = number(6..<8)
            minute = number(8..<10)
            second = digits.count == 12 ? number(10..<12) : 0
        case 14:
            year = number(0..<4)
            month = number(4..<6)
            day = number(6..<8)
            hour = number(8..<10)
            minute = number(10..<12)
            second = number(12..<14)
        default:
            return nil
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
    }

    /// RFC 3339 with milliseconds, reading the SMSC's time as UTC (receipts carry no zone), e.g.
    /// `2023-01-01T12:00:00.000Z`.
    public var rfc3339: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second)).000Z"
    }
}

/// The network_error_code TLV (0x0423): network type and error code.
public struct ReceiptNetworkError: Sendable, Hashable {
    /// 1 ANSI-136, 2 IS-95, 3 GSM (4–8 SMPP 5.0).
    public var networkType: UInt8
    /// The network's error code.
    public var errorCode: UInt16

    /// Creates a code.
    public init(networkType: UInt8, errorCode: UInt16) {
        self.networkType = networkType
        self.errorCode = errorCode
    }

    /// Reads the 3-octet TLV value; nil for any other length.
    public init?(tlvValue: [UInt8]) {
        guard tlvValue.count == 3 else { return nil }
        self.init(networkType: tlvValue[0], errorCode: UInt16(tlvValue[1]) << 8 | UInt16(tlvValue[2]))
    }
}
