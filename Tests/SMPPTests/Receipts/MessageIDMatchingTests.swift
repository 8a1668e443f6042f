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
