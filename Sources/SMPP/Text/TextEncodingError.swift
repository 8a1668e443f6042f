/// Text that cannot be encoded as asked: names the character, its position and the encoding.
public struct TextEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an opaque code (STYLE rule 4).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unrepresentableCharacter
        }

        private var base: Base
        private init(_ base: Base) { self.base = base }

        /// A character has no representation in the requested encoding (or in the SMSC's default alphabet).
        public static let unrepresentableCharacter = Code(.unrepresentableCharacter)

        /// The code's name.
        public var description: String {
            switch base {
            case .unrepresentableCharacter: "unrepresentable_character"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// The character at fault.
    public var scalar: Unicode.Scalar
    /// Its zero-based position counted in Unicode scalars.
    public var index: Int
    /// The encoding that was asked for (`.gsm7` also when `.auto` resolved to it).
    public var encoding: TextEncoding
    /// The SMSC default alphabet in force, when the failure came from it rather than from the encoding itself.
    public var defaultAlphabet: DefaultAlphabet?

    /// Creates an error.
    public init(
        code: Code,
        scalar: Unicode.Scalar,
        index: Int,
        encoding: TextEncoding,
        defaultAlphabet: DefaultAlphabet? = nil
    ) {
        self.code = code
        self.scalar = scalar
        self.index = index
        self.encoding = encoding
        self.defaultAlphabet = defaultAlphabet
    }

    /// A one-line message, e.g. `character U+20AC '€' at index 5 cannot be encoded as latin1`.
    public var description: String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let shown = scalar.properties.generalCategory == .control ? "" : " '\(Character(scalar))'"
        var text = "character U+\(padded)\(shown) at index \(index) cannot be encoded as \(encoding.rawValue)"
        if let defaultAlphabet { text += " with the SMSC default alphabet \(defaultAlphabet.rawValue)" }
        return text
    }
}
