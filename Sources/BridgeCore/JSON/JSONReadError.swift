/// Why bytes are not acceptable JSON: an opaque code, the byte offset and the byte at fault (STYLE rule 4).
public struct JSONReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as an opaque code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unexpectedEnd = "unexpected end of input"
            case unexpectedByte = "unexpected byte"
            case invalidUTF8 = "invalid UTF-8"
            case controlCharacter = "unescaped control character in a string"
            case invalidEscape = "invalid escape"
            case loneSurrogate = "lone UTF-16 surrogate in a \\u escape"
            case invalidNumber = "invalid number"
            case tooDeep = "nesting too deep"
            case tooLarge = "document too large"
            case trailingData = "data after the JSON value"
        }

        private var base: Base
        private init(_ base: Base) { self.base = base }

        /// The input ended inside a value.
        public static let unexpectedEnd = Code(.unexpectedEnd)
        /// A byte that cannot start or continue the value at this point.
        public static let unexpectedByte = Code(.unexpectedByte)
        /// A malformed, overlong or surrogate UTF-8 sequence, or a non-ASCII byte outside a string.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A byte below 0x20 inside a string.
        public static let controlCharacter = Code(.controlCharacter)
        /// A backslash not followed by one of `"\/bfnrtu`, or `\u` without four hex digits.
        public static let invalidEscape = Code(.invalidEscape)
        /// A `\uD800`–`\uDFFF` escape that is not half of a high/low pair.
        public static let loneSurrogate = Code(.loneSurrogate)
        /// A number that breaks the RFC 8259 grammar (`01`, `1.`, `-`, `1e`).
        public static let invalidNumber = Code(.invalidNumber)
        /// Arrays and objects nested deeper than the limit.
        public static let tooDeep = Code(.tooDeep)
        /// More bytes than the limit.
        public static let tooLarge = Code(.tooLarge)
        /// Something other than whitespace after the top-level value.
        public static let trailingData = Code(.trailingData)

        /// The code's meaning, e.g. `invalid UTF-8`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The byte offset where it was found.
    public var offset: Int
    /// The byte at `offset`, nil at the end of input (or for ``Code/tooLarge``).
    public var byte: UInt8?

    /// Creates an error.
    public init(code: Code, offset: Int, byte: UInt8? = nil) {
        self.code = code
        self.offset = offset
        self.byte = byte
    }

    /// One line, e.g. `invalid UTF-8 at offset 12 (0xff)`.
    public var description: String {
        var text = "\(code) at offset \(offset)"
        if let byte {
            let hex = String(byte, radix: 16)
            text += " (0x" + (hex.count < 2 ? "0" : "") + hex + ")"
        }
        return text
    }
}
