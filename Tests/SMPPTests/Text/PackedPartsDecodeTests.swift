import SMPP
import Testing

/// Packed GSM parts of a long MO as handsets send them: a full non-final part's last septet is text, unless the
/// sender kept an escape pair whole and padded the part (TS 23.038 §6.1.2.3.1).
@Suite struct PackedPartsDecodeTests {
    /// A 6-octet UDH (8-bit reference) before packed septets: one fill bit.
    private static let udhOctets = 6

    private static func packedPart(_ septets: [UInt8]) -> (userData: [UInt8], udhOctets: Int) {
        (GSM7Packing.pack(septets, fillBits: GSM7Packing.fillBits(afterUDHOctets: udhOctets)), udhOctets)
    }

    private static func decode(_ parts: [(userData: [UInt8], udhOctets: Int)]) -> DecodedText {
        SMSText.decode(parts: parts, dataCoding: 0, defaultAlphabet: .gsm7Packed)
    }

    @Test func anAtEndingAFullNonFinalPartIsKept() throws {
        let text = String(repeating: "a", count: 152) + "@" + String(repeating: "b", count: 20)
        let septets = try SMSText.encode(text, as: .gsm7, defaultAlphabet: .gsm7Packed).units
        let first = Self.packedPart(Array(septets.prefix(153)))
        #expect(first.userData.count == 134, "153 septets and one fill bit fill 134 octets exactly")
        let decoded = Self.decode([first, Self.packedPart(Array(septets.dropFirst(153)))])
        #expect(decoded.text == text && decoded.substitutions == 0)
    }

    @Test func paddingBeforeAnEscapeInTheNextPartIsDropped() throws {
        let head = String(repeating: "a", count: 152)
        let septets = try SMSText.encode(head + "€!", as: .gsm7, defaultAlphabet: .gsm7Packed).units
        // Part 1 keeps the escape pair whole: 152 septets, the seven spare bits padded with CR by `pack`.
        var first = Self.packedPart(Array(septets.prefix(152)))
        let second = Self.packedPart(Array(septets.dropFirst(152)))
        #expect(second.userData.first == GSM0338.escape << 1, "part 2 starts with the escape")
        #expect(Self.decode([first, second]).text == head + "€!")
        // A sender that pads with 0x00 instead.
        first.userData[first.userData.count - 1] &= 0x01
        #expect(Self.decode([first, second]).text == head + "€!")
    }
}
