public import struct Foundation.Date

/// A JSON writer that appends UTF-8 straight into a byte array; commas are placed automatically.
///
/// Strings are escaped as RFC 8259 requires — `"`, `\` and every control character — and U+2028/U+2029 too, so
/// the output is also safe inside JavaScript; everything else is written as UTF-8.
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8]
    private var needsComma = false

    /// Creates an empty writer with room for `capacity` bytes (default 512).
    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes `{`.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Writes `}`.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes `[`.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Writes `]`.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes a member key and the colon. `name` is written as is: it must be ASCII needing no escapes
    /// (the snake_case names of the contract).
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        let start = name.utf8Start
        for offset in 0..<name.utf8CodeUnitCount { bytes.append(start[offset]) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a member key of any text, escaped.
    public mutating func key(_ name: String) {
        separate()
        appendEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes an escaped string, or `null` for nil.
    public mutating func string(_ value: String?) {
        separate()
        if let value { appendEscaped(value) } else { appendNull() }
        needsComma = true
    }

    /// Writes an integer, or `null` for nil.
    public mutating func integer<T: BinaryInteger>(_ value: T?) {
        separate()
        if let value { appendInteger(value) } else { appendNull() }
        needsComma = true
    }

    /// Writes `true` or `false`, or `null` for nil.
    public mutating func bool(_ value: Bool?) {
        separate()
        switch value {
        case true?: bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case false?: bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case nil: appendNull()
        }
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        appendNull()
        needsComma = true
    }

    /// Writes a time as an RFC 3339 UTC string with milliseconds, e.g. `"2026-12-01T10:33:37.123Z"`.
    public mutating func timestamp(_ date: Date) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        RFC3339.append(date, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Writes octets as a standard base64 string (with padding), or `null` for nil.
    public mutating func base64(_ octets: [UInt8]?) {
        separate()
        if let octets {
            bytes.append(UInt8(ascii: "\""))
            Base64.append(octets, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        } else {
            appendNull()
        }
        needsComma = true
    }

    /// Writes bytes that already are one complete JSON value, unchanged (e.g. a request's `metadata` object).
    /// The caller vouches for them: they are not checked.
    public mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendNull() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    private mutating func appendInteger<T: BinaryInteger>(_ value: T) {
        if let unsigned = UInt64(exactly: value) {
            appendDecimal(unsigned)
        } else {
            bytes.append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude))
        }
    }

    private mutating func appendDecimal(_ value: UInt64) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var index = bytes.count
        var remaining = value
        repeat {
            index -= 1
            bytes[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        } while remaining > 0
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendEscaped(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        if done == nil { Array(text.utf8).withUnsafeBufferPointer { appendEscaped($0) } }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Copies runs of bytes that need no escape in one go; escapes the rest.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte != 0x7F, byte != 0xE2 {
                index += 1
                continue
            }
            if byte == 0xE2 {
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9: valid JSON, but line breaks to JavaScript.
                guard index + 2 < utf8.count, utf8[index + 1] == 0x80, utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9
                else {
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                let last: UInt8 = utf8[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "2"), UInt8(ascii: "0"), UInt8(ascii: "2"), last,
                ])
                index += 3
                runStart = index
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            default:
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            }
            index += 1
            runStart = index
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
    }
}
