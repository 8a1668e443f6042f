/// The text encodings a send request may ask for (DESIGN §1.2 `encoding`).
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    /// GSM 7-bit when every character fits (extension table included), otherwise UCS2.
    case auto
    /// GSM 03.38 default alphabet with its extension table (reference/gsm0338.tsv).
    case gsm7
    /// UCS2 on the wire; in practice UTF-16BE, so characters outside the BMP travel as surrogate pairs.
    case ucs2
    /// ISO-8859-1, `data_coding` 3.
    case latin1
    /// IA5 / ASCII, `data_coding` 1.
    case ascii
}

/// What `data_coding` 0 ("SMSC default alphabet") means to one SMSC (DESIGN §1.4 `smpp.default_alphabet`,
/// reference/SMPP-3.4.md §8).
public enum DefaultAlphabet: String, Sendable, Hashable, CaseIterable {
    /// GSM 03.38, one septet per octet, extension characters as `0x1B xx`. What most SMSCs expect; the default.
    case gsm7
    /// GSM 03.38 packed eight septets into seven octets (with fill bits after a UDH).
    case gsm7Packed = "gsm7-packed"
    /// ISO-8859-1 octets.
    case latin1
    /// ASCII octets.
    case ascii
}

/// The form octets take on the wire: how `EncodedText.units` and a decoded payload are laid out.
public enum SMSAlphabet: String, Sendable, Hashable, CaseIterable {
    /// GSM 03.38 septets, one per octet.
    case gsm7
    /// GSM 03.38 septets packed into octets.
    case gsm7Packed = "gsm7-packed"
    /// UTF-16BE.
    case ucs2
    /// ISO-8859-1, one octet per character.
    case latin1
    /// ASCII, one octet per character.
    case ascii
    /// Octets that are not text (`data_coding` 2, 4, 0xF4–0xF7, and codings this module does not decode).
    case binary
}

extension DefaultAlphabet {
    /// The wire form `data_coding` 0 takes with this default alphabet.
    public var alphabet: SMSAlphabet {
        switch self {
        case .gsm7: .gsm7
        case .gsm7Packed: .gsm7Packed
        case .latin1: .latin1
        case .ascii: .ascii
        }
    }
}

/// Well-known `data_coding` values (reference/SMPP-3.4.md §6).
public enum SMSDataCoding {
    /// SMSC default alphabet; its meaning is `DefaultAlphabet`.
    public static let defaultAlphabet: UInt8 = 0x00
    /// IA5 / ASCII.
    public static let ascii: UInt8 = 0x01
    /// ISO-8859-1.
    public static let latin1: UInt8 = 0x03
    /// 8-bit binary; the default for binary requests (DESIGN §1.2).
    public static let binary: UInt8 = 0x04
    /// UCS2 (UTF-16BE).
    public static let ucs2: UInt8 = 0x08
}
