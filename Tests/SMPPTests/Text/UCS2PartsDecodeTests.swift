import SMPP
import Testing

/// UCS2 parts are joined on whole code units: a part of odd length keeps its damage to itself.
@Suite struct UCS2PartsDecodeTests {
    @Test func aPartOfOddLengthDoesNotShiftTheNextParts() {
        let parts: [[UInt8]] = [[0x00, 0x41, 0x00], [0x00, 0x42, 0x00, 0x43]]
        let expected = DecodedText(text: "A\u{FFFD}BC", substitutions: 1, alphabet: .ucs2)
        #expect(SMSText.decode(parts: parts.map { ($0, 6) }, dataCoding: 8) == expected)
        #expect(SMSText.decode(joining: parts, alphabet: .ucs2) == expected)
    }

    @Test func aSurrogatePairSplitBetweenPartsStillDecodes() {
        let parts: [[UInt8]] = [[0x00, 0x61, 0xD8, 0x3D], [0xDE, 0x00, 0x00, 0x62]]
        #expect(SMSText.decode(joining: parts, alphabet: .ucs2) == DecodedText(text: "a😀b", substitutions: 0, alphabet: .ucs2))
    }
}
