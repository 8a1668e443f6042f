/// A delivery receipt read from a deliver_sm / data_sm (reference/SMPP-3.4.md §7): the Appendix B text fields,
/// with the TLVs receipted_message_id, message_state and network_error_code taking precedence when present.
public struct DeliveryReceipt: Sendable, Hashable {
    /// The SMSC message id the receipt is about (receipted_message_id, else the text's `id`).
    public var messageID: String?
    /// The text's `id` when receipted_message_id won and says something else (some SMSCs write one in hex and the
    /// other in decimal): a second id to match the receipt by; nil otherwise.
    public var textMessageID: String?
    /// The `sub` field as sent, e.g. `001`.
    public var submitted: String?
    /// The `dlvrd` field as sent, e.g. `001`.
    public var delivered: String?
    /// The `submit date` field, when it is 10, 12 or 14 valid digits.
    public var submitDate: ReceiptDate?
    /// The `done date` field, when it is 10, 12 or 14 valid digits.
    public var doneDate: ReceiptDate?
    /// The stat word as the SMSC wrote it (e.g. `DELIVRD`, `delivrd`); from message_state when the text has none or
    /// disagrees.
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
    /// `done date`, `stat`, `err`, `text`), values as sent. Read from ``rawText`` when asked for (parsing fills the
    /// named properties without building it).
    public var fields: [String: String] { Self.fields(in: rawText) }
    /// The receipt text as received.
    public var rawText: String

    /// Whether no further receipt is expected for this message; nil when the state is unknown.
    public var isFinal: Bool? { state?.isFinal }

    /// Creates an empty receipt for `rawText`; `parse` is the usual way.
    public init(rawText: String = "") {
        self.rawText = rawText
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

    /// Parses 10, 12 or 14 digits; nil for any other length, non-digits or out-of-range components (a day the
    /// month does not have included).
    public init?(_ text: String) {
        var text = text
        // ASCII digits only: any other byte (a multi-byte character's included) fails.
        let parsed = text.withUTF8 { bytes -> (Int, Int, Int, Int, Int, Int)? in
            guard bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) } }
            switch bytes.count {
            case 10, 12:
                return (2000 + number(0..<2), number(2..<4), number(4..<6), number(6..<8), number(8..<10),
                        bytes.count == 12 ? number(10..<12) : 0)
            case 14:
                return (number(0..<4), number(4..<6), number(6..<8), number(8..<10), number(10..<12), number(12..<14))
            default:
                return nil
            }
        }
        guard let parsed else { return nil }
        (year, month, day, hour, minute, second) = parsed
        guard (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day), hour < 24,
              minute < 60, second < 60 else { return nil }
    }

    /// Days in `month` (1–12) of the Gregorian `year`: no 31 April or 29 February 2023 reaches an RFC 3339 field.
    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 4, 6, 9, 11: 30
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        default: 31
        }
    }

    /// RFC 3339 with milliseconds, reading the SMSC's time as UTC (receipts carry no zone), e.g.
    /// `2023-01-01T12:00:00.000Z`.
    public var rfc3339: String {
        let twoDigits = 0...99
        guard (0...9999).contains(year), twoDigits.contains(month), twoDigits.contains(day), twoDigits.contains(hour),
              twoDigits.contains(minute), twoDigits.contains(second) else {
            // Only a value set by hand can get here (parsing yields four-digit years and two-digit fields).
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
            return "\(yearText)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second)).000Z"
        }
        // The common case, written straight into the string's storage (one per receipt date).
        return String(unsafeUninitializedCapacity: 24) { text in
            func put(_ value: Int, width: Int, at offset: Int) {
                var value = value
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    text[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, width: 4, at: 0)
            text[4] = UInt8(ascii: "-")
            put(month, width: 2, at: 5)
            text[7] = UInt8(ascii: "-")
            put(day, width: 2, at: 8)
            text[10] = UInt8(ascii: "T")
            put(hour, width: 2, at: 11)
            text[13] = UInt8(ascii: ":")
            put(minute, width: 2, at: 14)
            text[16] = UInt8(ascii: ":")
            put(second, width: 2, at: 17)
            for (offset, byte) in ".000Z".utf8.enumerated() { text[19 + offset] = byte }
            return 24
        }
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
