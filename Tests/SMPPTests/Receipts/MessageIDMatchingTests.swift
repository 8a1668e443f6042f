import SMPP
import Testing

@Suite struct MessageIDMatchingTests {
    @Test(arguments: [
        // (submit_sm_resp id, receipt id, format, should match)
        ("5F3A9C01", "5f3a9c01", MessageIDFormat.raw, true),
        ("0000012345", "12345", .raw, true),
        ("12345", "012345", .raw, true),
        ("abc-def", "ABC-DEF", .raw, true),
        ("5F3A9C01", "1597676545", .raw, false),
        ("5F3A9C01", "1597676545", .hexToDecimal, true),
        ("5f3a9c01", "01597676545", .hexToDecimal, true),
        ("FF", "255", .hexToDecimal, true),
        ("FF", "FF", .hexToDecimal, true),
        ("1597676545", "5F3A9C01", .decimalToHex, true),
        ("0000000255", "ff", .decimalToHex, true),
        ("255", "255", .decimalToHex, false),
        ("uuid-1", "UUID-1", .hexToDecimal, true),
        ("5F3A9C01", "1597676545", .auto, true),
        ("1597676545", "5F3A9C01", .auto, true),
        ("5F3A9C01", "5F3A9C01", .auto, true),
        ("5F3A9C01", "5F3A9C02", .auto, false),
        ("0", "000", .raw, true),
        // Letter case tells base62 ids apart (both cases and a letter beyond F); hex and single-case ids fold.
        ("aB3xYz", "aB3xYz", .raw, true),
        ("aB3xYz", "Ab3XyZ", .raw, false),
        ("aB3xYz", "AB3XYZ", .raw, true),  // an SMSC that upper-cases its receipts: the secondary key
        ("5f3A9c01", "5F3A9C01", .raw, true),
        ("abc123xyz", "ABC123XYZ", .raw, true),
        ("00aB3xYz", "aB3xYz", .raw, true),
        ("aB3xYz", "Ab3XyZ", .auto, false),
        ("aB3xYz", "aB3xYz", .hexToDecimal, true),
    ])
    func matches(submitID: String, receiptID: String, format: MessageIDFormat, expected: Bool) {
        let stored = Set(MessageIDMatching.matchKeys(for: submitID, format: format, side: .submitResponse))
        let looked = MessageIDMatching.matchKeys(for: receiptID, format: format, side: .receipt)
        #expect(looked.contains(where: stored.contains) == expected)
    }

    @Test func keysAreCanonical() {
        #expect(MessageIDMatching.normalize("  000abc\0") == "ABC")
        #expect(MessageIDMatching.normalize("0000") == "0")
        #expect(MessageIDMatching.normalize("") == "")
        #expect(MessageIDMatching.normalize(" 0aB3xYz ") == "aB3xYz")
        #expect(MessageIDMatching.normalize("a1b2c3d4-e5f6-7890-ABCD-ef1234567890") == "A1B2C3D4-E5F6-7890-ABCD-EF1234567890")
        #expect(MessageIDMatching.isCaseSignificant("Zz") && !MessageIDMatching.isCaseSignificant("Ff"))
        #expect(MessageIDMatching.matchKeys(for: "aB3xYz", format: .raw, side: .submitResponse) == ["aB3xYz", "AB3XYZ"])
        #expect(MessageIDMatching.matchKeys(for: "aB3xYz", format: .raw, side: .receipt) == ["aB3xYz"])
        #expect(!MessageIDMatching.isCaseSignificant("zz9") && !MessageIDMatching.isCaseSignificant("ZÉé"))
        #expect(MessageIDMatching.matchKey(for: "5F3A9C01", format: .hexToDecimal, side: .submitResponse) == "1597676545")
        #expect(MessageIDMatching.matchKey(for: "1597676545", format: .decimalToHex, side: .submitResponse) == "5F3A9C01")
        // Beyond 64 bits still converts exactly.
        let big = "FFFFFFFFFFFFFFFFFFFF"
        #expect(MessageIDMatching.matchKey(for: big, format: .hexToDecimal, side: .submitResponse) == "1208925819614629174706175")
        #expect(MessageIDMatching.matchKey(for: "1208925819614629174706175", format: .decimalToHex, side: .submitResponse) == big)
        #expect(MessageIDMatching.matchKeys(for: "12", format: .auto, side: .receipt) == ["12", "18", "C"])
        #expect(MessageIDFormat(rawValue: "hex-to-dec") == .hexToDecimal && MessageIDFormat(rawValue: "dec-to-hex") == .decimalToHex)
    }
}
