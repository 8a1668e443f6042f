/// A message encoded for SMPP, before it is split into parts.
public struct EncodedText: Sendable, Hashable {
    /// The encoding actually used (never `.auto`); nil for binary payloads.
    public var encoding: TextEncoding?
    /// How `units` are laid out. `.gsm7Packed` means `units` still holds one septet per octet and packing happens
    /// per part (fill bits depend on each part's UDH); `wireOctets` packs the whole text.
    public var alphabet: SMSAlphabet
    /// The `data_coding` to submit with.
    public var dataCoding: UInt8
    /// The encoded units: septets (extension characters as `0x1B xx`), UTF-16BE octets, or plain octets.
    public var units: [UInt8]
    /// The length in the unit capacity is counted in: GSM septets for `.gsm7` (an extension character counts 2,
    /// also when the SMSC default alphabet carries it as one Latin-1/ASCII octet), UTF-16 code units for `.ucs2`
    /// (a character outside the BMP counts 2), octets otherwise.
    public var count: Int

    /// Creates an encoded text from its parts; `SMSText.encode` is the usual way.
    public init(encoding: TextEncoding?, alphabet: SMSAlphabet, dataCoding: UInt8, units: [UInt8], count: Int) {
        self.encoding = encoding
        self.alphabet = alphabet
        self.dataCoding = dataCoding
        self.units = units
        self.count = count
    }

    /// A binary (8-bit) payload; `data_coding` 4 unless told otherwise (DESIGN §1.2 `binary`).
    public static func binary(_ octets: [UInt8], dataCoding: UInt8 = SMSDataCoding.binary) -> EncodedText {
        EncodedText(encoding: nil, alphabet: .binary, dataCoding: dataCoding, units: octets, count: octets.count)
    }

    /// The octets of the whole message as a single short_message (packed when the alphabet is packed).
    public var wireOctets: [UInt8] {
        alphabet == .gsm7Packed ? GSM7Packing.pack(units) : units
    }
}

/// Text decoded from a short_message or message_payload.
public struct DecodedText: Sendable, Hashable {
    /// The text; empty for a binary payload.
    public var text: String
    /// How many times odd input (unknown septet, lone escape, unpaired surrogate, odd UCS2 length, non-ASCII octet)
    /// was replaced: by U+FFFD, or by U+00A0 for a lone or unknown GSM escape (reference/gsm0338.tsv note).
    public var substitutions: Int
    /// The alphabet the octets were read in; `.binary` means they are not text and `text` is empty.
    public var alphabet: SMSAlphabet

    /// Creates a decoded text.
    public init(text: String, substitutions: Int, alphabet: SMSAlphabet) {
        self.text = text
        self.substitutions = substitutions
        self.alphabet = alphabet
    }
}
