/// A strict RFC 8259 JSON reader over UTF-8 bytes, safe on hostile input.
///
/// - Arrays and objects may nest at most ``Limits/maxDepth`` deep, and the document may be at most
///   ``Limits/maxBytes`` long, so recursion and memory are bounded.
/// - Strings must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing above U+10FFFF); `\u` escapes
///   must pair surrogates correctly. Anything else is a ``JSONReadError``, never a crash or replacement characters.
/// - Numbers are checked against the grammar and kept as text (``JSONNumber``).
/// - Duplicate object keys are all kept; lookups take the last (``JSONObject``).
/// - No byte-order mark, no comments, no trailing commas, nothing after the value but whitespace.
public enum JSONReader {
    /// Bounds on what the reader accepts.
    public struct Limits: Sendable, Hashable {
        /// Largest document in bytes; default 1 MiB.
        public var maxBytes: Int
        /// Deepest nesting of arrays and objects (the top-level container is depth 1); default 32.
        public var maxDepth: Int

        /// Creates limits; defaults 1 MiB and depth 32.
        public init(maxBytes: Int = 1 << 20, maxDepth: Int = 32) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }
    }

    /// Parses one JSON document.
    /// - Throws: ``JSONReadError`` with the offset of the first problem.
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(JSONReadError) -> JSONNode {
        guard bytes.count <= limits.maxBytes else { throw JSONReadError(code: .tooLarge, offset: limits.maxBytes) }
        var parser = JSONParser(bytes: bytes, maxDepth: limits.maxDepth)
        return try parser.parseDocument()
    }
}

/// The recursive-descent parser behind ``JSONReader``; `index` is the next unread byte.
struct JSONParser {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONReadError) -> JSONNode {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw failure(.trailingData) }
        return value
    }

    func failure(_ code: JSONReadError.Code, at offset: Int? = nil) -> JSONReadError {
        let offset = offset ?? index
        return JSONReadError(code: code, offset: offset, byte: offset < bytes.count ? bytes[offset] : nil)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONReadError) -> JSONNode {
        guard index < bytes.count else { throw failure(.unexpectedEnd) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case 0x80...: throw failure(.invalidUTF8)
        default: throw failure(.unexpectedByte)
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONReadError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for offset in 0..<count {
            guard index < bytes.count else { throw failure(.unexpectedEnd) }
            guard bytes[index] == start[offset] else { throw failure(.unexpectedByte) }
            index += 1
        }
    }

    mutating func parseObject(depth: Int) throws(JSONReadError) -> JSONObject {
        guard depth <= maxDepth else { throw failure(.tooDeep) }
        index += 1  // "{"
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return JSONObject(members: members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure(.unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw failure(.unexpectedByte) }
            let key = try parseString()
            skipWhitespace()
            try expectByte(UInt8(ascii: ":"))
            skipWhitespace()
            let start = index
            let value = try parseValue(depth: depth)
            members.append(JSONObject.Member(key: key, value: value, range: start..<index))
            skipWhitespace()
            guard index < bytes.count else { throw failure(.unexpectedEnd) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return JSONObject(members: members)
            default: throw failure(.unexpectedByte)
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONReadError) -> [JSONNode] {
        guard depth <= maxDepth else { throw failure(.tooDeep) }
        index += 1  // "["
        var elements: [JSONNode] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw failure(.unexpectedEnd) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return elements
            default: throw failure(.unexpectedByte)
            }
        }
    }

    mutating func expectByte(_ byte: UInt8) throws(JSONReadError) {
        guard index < bytes.count else { throw failure(.unexpectedEnd) }
        guard bytes[index] == byte else { throw failure(.unexpectedByte) }
        index += 1
    }

    /// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`
    mutating func parseNumber() throws(JSONReadError) -> JSONNumber {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw failure(.unexpectedEnd) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw failure(.invalidNumber) }
        } else {
            guard isDigit(bytes[index]) else { throw failure(.invalidNumber) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure(.invalidNumber) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure(.invalidNumber) }
            skipDigits()
        }
        return JSONNumber(text: String(decoding: bytes[start..<index], as: UTF8.self), isInteger: isInteger)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
}
