/// A parsed JSON value (RFC 8259), as ``JSONReader`` produces it.
///
/// Numbers stay text until asked (``JSONNumber``), so a huge or fractional number never loses precision or traps.
/// Objects keep every member in document order, duplicates included; lookups by key take the last one.
public enum JSONNode: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as its text.
    case number(JSONNumber)
    /// A string, unescaped.
    case string(String)
    /// An array.
    case array([JSONNode])
    /// An object.
    case object(JSONObject)

    /// The JSON type's name with an article, for one-line error reasons: `a string`, `an object`, `null`.
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let number): number.isInteger ? "an integer" : "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON number as it was written (e.g. `-12`, `1.0`, `3e400`).
public struct JSONNumber: Sendable, Hashable {
    /// The number's text exactly as in the document (ASCII).
    public var text: String
    /// Whether the text has neither a fraction nor an exponent (`1` is, `1.0` and `1e0` are not).
    public var isInteger: Bool

    /// Creates a number from its JSON text; `isInteger` must say whether it lacks a fraction and an exponent.
    public init(text: String, isInteger: Bool) {
        self.text = text
        self.isInteger = isInteger
    }

    /// The value as an `Int` when the text is a JSON integer that fits, else nil (`1.0`, `1e2` and
    /// `99999999999999999999` all give nil).
    public var intValue: Int? { isInteger ? Int(text) : nil }
}

/// A JSON object: its members in document order.
///
/// Duplicate keys are kept as written; ``subscript(_:)`` answers with the **last** one (the same rule as most
/// JavaScript engines), and a member's ``Member/range`` lets a caller copy the value's bytes verbatim.
public struct JSONObject: Sendable, Hashable {
    /// One `"key": value` member.
    public struct Member: Sendable, Hashable {
        /// The key, unescaped.
        public var key: String
        /// The value.
        public var value: JSONNode
        /// Where the value's text lies in the parsed bytes (half-open byte offsets), e.g. to echo it verbatim.
        public var range: Range<Int>

        /// Creates a member.
        public init(key: String, value: JSONNode, range: Range<Int>) {
            self.key = key
            self.value = value
            self.range = range
        }
    }

    /// Every member in document order, duplicates included.
    public var members: [Member]

    /// Creates an object from its members.
    public init(members: [Member] = []) { self.members = members }

    /// The member last written under `key`, or nil.
    public func member(_ key: String) -> Member? {
        var index = members.count
        while index > 0 {
            index -= 1
            if members[index].key == key { return members[index] }
        }
        return nil
    }

    /// The value last written under `key`, or nil when the object has no such key.
    public subscript(_ key: String) -> JSONNode? { member(key)?.value }
}
