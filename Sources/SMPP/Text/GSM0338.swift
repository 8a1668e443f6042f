/// The GSM 03.38 default alphabet and its extension table, exactly as in reference/gsm0338.tsv.
///
/// Septets are kept unpacked (one per octet); an extension character is the escape septet 0x1B followed by its
/// extension value and costs two septets.
public enum GSM0338 {
    /// The escape septet that introduces an extension-table character.
    public static let escape: UInt8 = 0x1B

    /// Unicode scalar of every basic-table septet 0x00–0x7F. 0x1B (ESC) maps to U+00A0 only for decoding a lone or
    /// unknown escape (the TSV's note); it is never produced when encoding.
    public static let basicTable: [UInt16] = [
        0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,  // 0x00
        0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,  // 0x08
        0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,  // 0x10
        0x03A3, 0x0398, 0x039E, 0x00A0, 0x00C6, 0x00E6, 0x00DF, 0x00C9,  // 0x18
        0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,  // 0x20
        0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,  // 0x28
        0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,  // 0x30
        0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,  // 0x38
        0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,  // 0x40
        0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,  // 0x48
        0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,  // 0x50
        0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,  // 0x58
        0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,  // 0x60
        0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,  // 0x68
        0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,  // 0x70
        0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,  // 0x78
    ]

    /// The extension table: the septet after 0x1B, and the Unicode scalar it stands for.
    public static let extensionTable: [(septet: UInt8, scalar: UInt16)] = [
        (0x0A, 0x000C), (0x14, 0x005E), (0x28, 0x007B), (0x29, 0x007D), (0x2F, 0x005C),
        (0x3C, 0x005B), (0x3D, 0x007E), (0x3E, 0x005D), (0x40, 0x007C), (0x65, 0x20AC),
    ]

    /// The scalar an extension septet decodes to, or nil when the extension table has no such entry.
    @inlinable
    public static func extensionScalar(_ septet: UInt8) -> Unicode.Scalar? {
        switch septet {
        case 0x0A: "\u{0C}"
        case 0x14: "^"
        case 0x28: "{"
        case 0x29: "}"
        case 0x2F: "\\"
        case 0x3C: "["
        case 0x3D: "~"
        case 0x3E: "]"
        case 0x40: "|"
        case 0x65: "€"
        default: nil
        }
    }

    /// The septets for one scalar: `(septet, nil)` for a basic character, `(0x1B, extension)` for an extension
    /// character, nil when GSM 03.38 cannot represent it. Both U+00C7 and U+00E7 map to 0x09 (TSV note); U+00A0 is
    /// never encoded as ESC.
    @inlinable
    public static func septets(for scalar: Unicode.Scalar) -> (first: UInt8, second: UInt8?)? {
        let value = scalar.value
        if value == 0x20AC { return (escape, 0x65) }
        guard value < UInt32(reverseTable.count) else { return nil }
        let code = reverseTable[Int(value)]
        if code == 0xFFFF { return nil }
        if code > 0xFF { return (escape, UInt8(truncatingIfNeeded: code)) }
        return (UInt8(truncatingIfNeeded: code), nil)
    }

    /// How many septets a scalar costs (1 or 2), or nil when it is not in GSM 03.38.
    @inlinable
    public static func septetCost(of scalar: Unicode.Scalar) -> Int? {
        guard let pair = septets(for: scalar) else { return nil }
        return pair.second == nil ? 1 : 2
    }

    /// Scalar → code for every scalar below U+0400 (all GSM characters except €): 0xFFFF none, 0x00xx a basic
    /// septet, 0x1Bxx an extension septet.
    @usableFromInline
    static let reverseTable: [UInt16] = {
        var table = [UInt16](repeating: 0xFFFF, count: 0x400)
        for (septet, scalar) in basicTable.enumerated() where septet != Int(escape) {
            table[Int(scalar)] = UInt16(septet)
        }
        table[0x00E7] = 0x09
        for entry in extensionTable where entry.scalar < 0x400 {
            table[Int(entry.scalar)] = 0x1B00 | UInt16(entry.septet)
        }
        return table
    }()
}
