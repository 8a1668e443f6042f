/// An SMPP time (schedule_delivery_time, validity_period, final_date; reference §3 "Time format"): 16 characters,
/// absolute `YYMMDDhhmmsstnnp` or relative `YYMMDDhhmmss000R`.
///
/// The PDU fields stay raw strings (an empty string means "not given"); this type builds and reads them.
public enum SMPPTime: Hashable, Sendable {
    /// `YYMMDDhhmmsstnnp`: a local time, its tenth of a second, and its offset from UTC in quarter hours
    /// (−48…48; `p` is the sign). The two-digit year means 2000 + `year`.
    case absolute(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, tenths: Int, utcOffsetQuarterHours: Int)
    /// `YYMMDDhhmmss000R`: an offset from the SMSC's current time.
    case relative(years: Int, months: Int, days: Int, hours: Int, minutes: Int, seconds: Int)

    /// Parses the 16 characters of a time field; `nil` when they follow neither form or a value is out of range.
    public init?(_ text: String) {
        let octets = Array(text.utf8)
        guard octets.count == 16 else { return nil }
        var digits = [Int](repeating: 0, count: 15)
        for index in 0..<15 {
            let octet = octets[index]
            guard octet >= 0x30, octet <= 0x39 else { return nil }
            digits[index] = Int(octet &- 0x30)
        }
        func pair(_ index: Int) -> Int { digits[index] * 10 + digits[index + 1] }
        switch octets[15] {
        case UInt8(ascii: "R"):
            guard digits[12] == 0, pair(13) == 0 else { return nil }
            self = .relative(
                years: pair(0), months: pair(2), days: pair(4), hours: pair(6), minutes: pair(8), seconds: pair(10))
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let offset = pair(13)
            guard (1...12).contains(pair(2)), (1...31).contains(pair(4)), pair(6) < 24, pair(8) < 60, pair(10) < 60,
                offset <= 48
            else { return nil }
            self = .absolute(
                year: pair(0), month: pair(2), day: pair(4), hour: pair(6), minute: pair(8), second: pair(10),
                tenths: digits[12], utcOffsetQuarterHours: octets[15] == UInt8(ascii: "-") ? -offset : offset)
        default:
            return nil
        }
    }

    /// The seconds since 1970-01-01T00:00:00Z an absolute time can express: its year has two digits, so
    /// 2000-01-01T00:00:00Z to 2099-12-31T23:59:59Z.
    public static let absoluteUnixSeconds: ClosedRange<Int64> = 946_684_800...4_102_444_799

    /// An absolute time in UTC (`…tnn+` with nn = 00) for the given seconds since 1970-01-01T00:00:00Z.
    /// Times outside ``absoluteUnixSeconds`` are clamped to that range's ends.
    public static func absolute(unixSeconds: Int64, tenths: Int = 0) -> SMPPTime {
        let seconds = min(max(unixSeconds, absoluteUnixSeconds.lowerBound), absoluteUnixSeconds.upperBound)
        let days = seconds / 86_400
        let secondOfDay = Int(seconds % 86_400)
        let (year, month, day) = civil(fromDays: days)
        return .absolute(
            year: year - 2000, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60, tenths: min(max(tenths, 0), 9), utcOffsetQuarterHours: 0)
    }

    /// A relative time of `seconds` from now (negative counts as 0). Up to 99 days it is exact; beyond, whole
    /// days become 30-day months and 12-month years (at most 99 years), as the field has no larger day count.
    public static func relative(seconds: Int) -> SMPPTime {
        let total = max(0, seconds)
        var days = total / 86_400
        var months = 0
        var years = 0
        if days > 99 {
            months = days / 30
            days %= 30
            years = min(99, months / 12)
            months %= 12
        }
        return .relative(
            years: years, months: months, days: days, hours: total / 3600 % 24, minutes: total / 60 % 60,
            seconds: total % 60)
    }

    /// The 16 characters for the PDU field. Out-of-range components are clamped to their two digits.
    public var string: String {
        func two(_ value: Int) -> String {
            let clamped = min(max(value, 0), 99)
            return clamped < 10 ? "0\(clamped)" : "\(clamped)"
        }
        switch self {
        case let .absolute(year, month, day, hour, minute, second, tenths, offset):
            return two(year) + two(month) + two(day) + two(hour) + two(minute) + two(second)
                + "\(min(max(tenths, 0), 9))" + two(offset < 0 ? min(48, -max(offset, -48)) : min(offset, 48))
                + (offset < 0 ? "-" : "+")
        case let .relative(years, months, days, hours, minutes, seconds):
            return two(years) + two(months) + two(days) + two(hours) + two(minutes) + two(seconds) + "000R"
        }
    }

    /// For an absolute time, the instant in seconds since 1970-01-01T00:00:00Z (the local time minus its offset),
    /// tenths dropped; `nil` for a relative time or a component out of its range.
    public var unixSeconds: Int64? {
        guard case let .absolute(year, month, day, hour, minute, second, _, offset) = self,
            (0...99).contains(year), (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second), (-48...48).contains(offset)
        else { return nil }
        let days = Self.days(fromCivil: 2000 + year, month, day)
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return local - Int64(offset) * 900
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm). Package-wide: BridgeCore's
    /// RFC 3339 reader and writer use the same calendar arithmetic.
    package static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    package static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
