public import struct Foundation.Date
import SMPP

/// RFC 3339 timestamps without Foundation's formatters (they cost microseconds per call).
public enum RFC3339 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `T` and `Z` may be lower case, the fraction may have any
    /// number of digits (nanoseconds are kept), a leap second `:60` counts as the next second. Nil for anything else,
    /// including impossible dates such as `2026-02-30`.
    public static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 20, chars.count <= 64 else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<(start + count) {
                let byte = chars[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), chars[4] == UInt8(ascii: "-"), let month = number(5, 2),
            chars[7] == UInt8(ascii: "-"), let day = number(8, 2),
            chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t"),
            let hour = number(11, 2), chars[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            chars[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month), hour <= 23,
            minute <= 59, second <= 60
        else { return nil }
        var index = 19
        var nanoseconds = 0
        if chars[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < chars.count, chars[index] >= UInt8(ascii: "0"), chars[index] <= UInt8(ascii: "9") {
                if digits < 9 { nanoseconds = nanoseconds * 10 + Int(chars[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 9)..<9 { nanoseconds *= 10 }
        }
        guard index < chars.count else { return nil }
        var offsetSeconds = 0
        switch chars[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == chars.count, let offsetHour = number(index + 1, 2),
                chars[index + 3] == UInt8(ascii: ":"), let offsetMinute = number(index + 4, 2), offsetHour <= 23,
                offsetMinute <= 59
            else { return nil }
            offsetSeconds = (offsetHour * 3600 + offsetMinute * 60) * (chars[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == chars.count else { return nil }
        let days = Int(SMPPTime.days(fromCivil: year, month, day))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    /// `date` as UTC with milliseconds (truncated), e.g. `2026-12-01T10:33:37.123Z`.
    public static func format(_ date: Date) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(24)
        append(date, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends ``format(_:)``'s text to `output`.
    public static func append(_ date: Date, to output: inout [UInt8]) {
        // Round to microseconds first so that 0.123 stored as 0.12299999… still truncates to .123.
        // Clamped to years 0001…9999 so that no Date, however far off, can trap the integer conversion.
        let clamped = min(max(date.timeIntervalSince1970, -62_135_596_800), 253_402_300_799.999)
        let micros = Int64((clamped.isNaN ? 0 : clamped * 1_000_000).rounded())
        let millis = floorDivide(micros, 1000)
        let seconds = floorDivide(millis, 1000)
        let millisecond = Int(millis - seconds * 1000)
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = SMPPTime.civil(fromDays: days)
        appendDigits(year, count: 4, to: &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &output)
        output.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, count: 2, to: &output)
        output.append(UInt8(ascii: "."))
        appendDigits(millisecond, count: 3, to: &output)
        output.append(UInt8(ascii: "Z"))
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    private static func appendDigits(_ value: Int, count: Int, to output: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
