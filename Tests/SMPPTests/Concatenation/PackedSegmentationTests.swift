import SMPP
import Testing

/// Packed GSM parts are cut so that the receiver reads every part's last seven bits right.
@Suite struct PackedSegmentationTests {
    private static func segment(_ text: String, method: ConcatenationMethod = .udh8) throws -> SegmentedMessage {
        let encoded = try SMSText.encode(text, as: .gsm7, defaultAlphabet: .gsm7Packed)
        return try MessageSegmenter(method: method).segment(encoded, reference: 7)
    }

    private static func decode(_ message: SegmentedMessage) -> String {
        let parts = message.parts.map { part in
            let udhOctets = part.udh?.count ?? 0
            return (Array(part.shortMessage.dropFirst(udhOctets)), udhOctets)
        }
        return SMSText.decode(parts: parts, dataCoding: 0, defaultAlphabet: .gsm7Packed).text
    }

    /// A full part ending in '@' before an escape pair would read as a part padded to keep the pair whole.
    @Test func aFullPartEndingInAtBeforeAnEscapeEndsTwoSeptetsEarlier() throws {
        for method in [ConcatenationMethod.udh8, .udh16, .sar] {
            let full = method == .udh8 ? 153 : 152
            let text = String(repeating: "a", count: full - 1) + "@€" + String(repeating: "b", count: 10)
            let message = try Self.segment(text, method: method)
            #expect(message.parts.map(\.count) == [full - 2, 14], "\(method)")
            #expect(Self.decode(message) == text, "\(method)")
        }
    }

    /// A full part that is not the last may end in CR: it is read whole, so it gets no closing CR (which would make
    /// it 141 octets, refused by the SMSC as ESME_RINVMSGLEN).
    @Test func aFullNonFinalPartEndingInCRStaysWithin140Octets() throws {
        for method in [ConcatenationMethod.udh8, .udh16] {
            let full = method == .udh8 ? 153 : 152
            let text = String(repeating: "a", count: full - 1) + "\r" + String(repeating: "b", count: 20)
            let message = try Self.segment(text, method: method)
            #expect(message.parts.map(\.count) == [full, 20], "\(method)")
            #expect(message.parts.allSatisfy { $0.shortMessage.count <= 140 }, "\(method)")
            #expect(Self.decode(message) == text, "\(method)")
        }
    }

    /// 160 septets ending in CR fill 140 octets exactly: the closing CR does not fit, so the text is split.
    @Test func aSingle160SeptetTextEndingInCRIsSplit() throws {
        let text = String(repeating: "a", count: 159) + "\r"
        let message = try Self.segment(text)
        #expect(message.parts.map(\.count) == [153, 7])
        #expect(Self.decode(message) == text)
        let shorter = try Self.segment(String(repeating: "a", count: 151) + "\r")
        #expect(shorter.parts.count == 1 && shorter.parts[0].shortMessage.count == 134, "152 septets fill 133 octets; + CR")
        #expect(Self.decode(shorter) == String(repeating: "a", count: 151) + "\r")
    }

    /// A full last part ending in CR has no room for the closing CR: its last two septets start one more part.
    @Test func aFullLastPartEndingInCRHandsOnTwoSeptets() throws {
        for method in [ConcatenationMethod.udh8, .udh16, .sar] {
            let full = method == .udh8 ? 153 : 152
            let text = String(repeating: "a", count: 2 * full - 1) + "\r"
            let message = try Self.segment(text, method: method)
            #expect(message.parts.map(\.count) == [full, full - 2, 2], "\(method)")
            #expect(Self.decode(message) == text, "\(method)")
        }
    }
}
