/// The text body of a delivery receipt in the Appendix B layout (reference/SMPP-3.4.md §7):
/// `id:… sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:…`.
public struct DeliveryReceiptText: Sendable, Hashable {
    /// The message id, in the receipt's base.
    public var id: String
    /// When the message was submitted, in seconds since 1970-01-01 UTC.
    public var submitDate: Int64
    /// When it reached this state, in seconds since 1970-01-01 UTC.
    public var doneDate: Int64
    /// The state.
    public var stat: ReceiptStat
    /// At most 20 characters of the original message.
    public var text: String

    /// Creates a receipt body.
    public init(id: String, submitDate: Int64, doneDate: Int64, stat: ReceiptStat, text: String) {
        self.id = id
        self.submitDate = submitDate
        self.doneDate = doneDate
        self.stat = stat
        self.text = text
    }

    /// The receipt as sent in short_message.
    public var formatted: String {
        let dlvrd = stat == .delivered ? "001" : "000"
        return "id:\(id) sub:001 dlvrd:\(dlvrd) submit date:\(Self.smppDate(submitDate))"
            + " done date:\(Self.smppDate(doneDate)) stat:\(stat.rawValue) err:\(stat.errField) text:\(text)"
    }

    /// `YYMMDDhhmm` in UTC for a time in seconds since 1970-01-01.
    public static func smppDate(_ secondsSinceEpoch: Int64) -> String {
        let days = floorDivide(secondsSinceEpoch, 86_400)
        let secondOfDay = secondsSinceEpoch - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let fields = [year % 100, month, day, Int(secondOfDay / 3600), Int(secondOfDay % 3600 / 60)]
        return fields.map { $0 < 10 ? "0\($0)" : "\($0)" }.joined()
    }

    /// The first 20 characters of a message for the receipt's `text:` field, decoded by data_coding as far as
    /// plain ASCII goes (UCS2 characters outside ASCII and other bytes outside 0x20–0x7E become `?`).
    public static func excerpt(of payload: [UInt8], dataCoding: UInt8) -> String {
        var scalars: [UInt8] = []
        if dataCoding == 0x08 {
            var index = 0
            while index + 1 < payload.count, scalars.count < 20 {
                let unit = UInt16(payload[index]) << 8 | UInt16(payload[index + 1])
                scalars.append(unit >= 0x20 && unit < 0x7F ? UInt8(unit) : UInt8(ascii: "?"))
                index += 2
            }
        } else {
            for byte in payload.prefix(20) {
                scalars.append(byte >= 0x20 && byte < 0x7F ? byte : UInt8(ascii: "?"))
            }
        }
        return String(decoding: scalars, as: UTF8.self)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
