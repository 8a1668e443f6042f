import BridgeCore
import Foundation
import SMPP
import Testing

/// A part whose concatenation cannot be right (no parts, or an index outside 1…total) never joins a group: it is
/// published at once as a message of its own, complete — never dropped, never left waiting for the timeout.
@Suite struct InboundMOConcatenationTests {
    @Test(arguments: [[0, 1], [0, 0], [2, 0], [2, 3], [1, 2]])
    func aPartWithImpossibleConcatenationIsPublishedOnItsOwn(totalAndIndex: [UInt8]) async throws {
        let fixture = InboundFixture()
        let (total, index) = (totalAndIndex[0], totalAndIndex[1])
        let udh: [UInt8] = [0x05, 0x00, 0x03, 0x2A, total, index]
        #expect(await fixture.processor.process(InboundFixture.mo(udh + Array("Hola".utf8), esm: .udhIndicator)) == .ok)
        try #require(fixture.publisher.all.count == 1, "published at once")
        let json = try fixture.publisher.json(0)
        #expect(json["text"] as? String == "Hola" && json["complete"] as? Bool == true)
        #expect(json["segments"] as? Int == 1)
        #expect(try await fixture.store.moGroups(firstReceivedBefore: .distantFuture).isEmpty, "nothing stored")
    }

    @Test func sarPartsAreCheckedToo() async throws {
        let fixture = InboundFixture()
        let tlvs = [
            TLV(tag: .sarMsgRefNum, value: [0x01, 0x02]), TLV(tag: .sarTotalSegments, value: [2]),
            TLV(tag: .sarSegmentSeqnum, value: [7]),
        ]
        #expect(await fixture.processor.process(InboundFixture.mo(Array("abc".utf8), tlvs: tlvs)) == .ok)
        try #require(fixture.publisher.all.count == 1)
        #expect(try fixture.publisher.json(0)["text"] as? String == "abc")
    }

    /// A valid part of one is still a message: published at once through the group (nothing left stored).
    @Test func aPartOfOneIsAMessage() async throws {
        let fixture = InboundFixture()
        let udh: [UInt8] = [0x05, 0x00, 0x03, 0x2A, 1, 1]
        #expect(await fixture.processor.process(InboundFixture.mo(udh + Array("Hola".utf8), esm: .udhIndicator)) == .ok)
        #expect(try fixture.publisher.json(0)["complete"] as? Bool == true)
        #expect(try await fixture.store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
    }
}
