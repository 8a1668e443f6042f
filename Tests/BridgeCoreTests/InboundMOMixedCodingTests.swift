@testable import BridgeCore
import Foundation
import SMPP
import Testing

/// A long MO whose parts differ in data_coding is decoded part by part, each with its own coding — not all with the
/// first part's (a sender may switch alphabet between parts).
@Suite struct InboundMOMixedCodingTests {
    private static func part(_ index: UInt8, of total: UInt8, _ userData: [UInt8]) -> [UInt8] {
        [0x05, 0x00, 0x03, 0x5C, total, index] + userData
    }

    private static func ucs2(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    @Test func aGSMPartAndAUCS2PartEachDecodeWithTheirOwnCoding() async throws {
        let fixture = InboundFixture()
        let second = InboundFixture.mo(Self.part(2, of: 2, Self.ucs2("мир €")), dataCoding: 8, esm: .udhIndicator)
        let first = InboundFixture.mo(Self.part(1, of: 2, Array("Hola ".utf8)), dataCoding: 0, esm: .udhIndicator)
        #expect(await fixture.processor.process(second) == .ok)
        #expect(await fixture.processor.process(first) == .ok)
        try #require(fixture.publisher.all.count == 1, "published once, complete")
        let json = try fixture.publisher.json(0)
        #expect(json["text"] as? String == "Hola мир €")
        #expect(json["encoding"] as? String == "gsm7" && json["data_coding"] as? Int == 0, "the first part's coding")
        #expect(json["segments"] as? Int == 2 && json["complete"] as? Bool == true)
    }

    @Test func aMessageWithABinaryPartIsPublishedBinary() async throws {
        let fixture = InboundFixture()
        #expect(await fixture.processor.process(
            InboundFixture.mo(Self.part(1, of: 2, Array("Hi".utf8)), dataCoding: 0, esm: .udhIndicator)) == .ok)
        #expect(await fixture.processor.process(
            InboundFixture.mo(Self.part(2, of: 2, [0x00, 0xFF]), dataCoding: 4, esm: .udhIndicator)) == .ok)
        try #require(fixture.publisher.all.count == 1)
        let json = try fixture.publisher.json(0)
        #expect(json["text"] is NSNull)
        #expect(json["binary"] as? String == Data([0x48, 0x69, 0x00, 0xFF]).base64EncodedString())
        #expect(json["encoding"] as? String == "binary" && json["data_coding"] as? Int == 4)
    }

    /// Parts of one coding are still decoded joined: a surrogate pair split between them survives, and the text
    /// after a part in another coding is not shifted.
    @Test func runsOfOneCodingAreDecodedJoined() {
        let emoji = Self.ucs2("😀")  // D8 3D DE 00
        func stored(_ index: Int, _ payload: [UInt8], _ coding: UInt8) -> StoredMOPart {
            StoredMOPart(groupKey: "k", index: index, total: 3, payload: payload, dataCoding: coding, from: "a",
                         to: "b", receivedAt: Date())
        }
        let parts = [
            stored(1, Self.ucs2("a") + emoji.prefix(2), 8), stored(2, Array(emoji.suffix(2)), 8),
            stored(3, [0x1B, 0x65, 0x21], 0),  // "€!" in GSM with its escape
        ]
        let content = InboundProcessor.decodedMO(parts, defaultAlphabet: .gsm7)
        #expect(content == MOContent(text: "a😀€!", binary: nil, encoding: "ucs2", dataCoding: 8))
    }

    /// A UCS2 part of odd length loses its last octet, not the alignment of the parts after it.
    @Test func aUCS2PartOfOddLengthDoesNotShiftTheNextParts() {
        let parts = [[0x00, 0x41, 0x00], [0x00, 0x42, 0x00, 0x43]].enumerated().map { offset, payload in
            StoredMOPart(groupKey: "k", index: offset + 1, total: 2, payload: payload, dataCoding: 8, from: "a",
                         to: "b", receivedAt: Date())
        }
        let content = InboundProcessor.decodedMO(parts, defaultAlphabet: .gsm7)
        #expect(content == MOContent(text: "A\u{FFFD}BC", binary: nil, encoding: "ucs2", dataCoding: 8))
    }

    /// Two groups alike but for one part's coding are different content: neither takes the other's remembered id.
    @Test func thePartsCodingsAreInTheContentKey() {
        func parts(secondCoding: UInt8) -> [StoredMOPart] {
            [1, 2].map { index in
                StoredMOPart(groupKey: "k", index: index, total: 2, payload: [0x41, 0x42],
                             dataCoding: index == 1 ? 0 : secondCoding, from: "a", to: "b", receivedAt: Date())
            }
        }
        let uniform = InboundProcessor.moContentKey(parts(secondCoding: 0), total: 2, complete: true, account: "x")
        let mixed = InboundProcessor.moContentKey(parts(secondCoding: 3), total: 2, complete: true, account: "x")
        #expect(uniform != mixed)
    }

    /// Runs go by alphabet, not by raw data_coding: 0x00 and 0xF1 are both GSM, so an escape split between them
    /// still decodes.
    @Test func codingsOfOneAlphabetFormOneRun() {
        func stored(_ index: Int, _ payload: [UInt8], _ coding: UInt8) -> StoredMOPart {
            StoredMOPart(groupKey: "k", index: index, total: 2, payload: payload, dataCoding: coding, from: "a",
                         to: "b", receivedAt: Date())
        }
        let content = InboundProcessor.decodedMO(
            [stored(1, [0x41, 0x1B], 0x00), stored(2, [0x65], 0xF1)], defaultAlphabet: .gsm7)
        #expect(content == MOContent(text: "A€", binary: nil, encoding: "gsm7", dataCoding: 0))
    }
}
