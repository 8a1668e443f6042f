@testable import BridgeCore
import SMPP
import Testing

/// A long MO in packed GSM as handsets send it: a full non-final part's last '@' is text; seven spare bits before an
/// escape pair kept whole for the next part are padding (DESIGN §4 "MO").
@Suite struct InboundMOPackedPartsTests {
    private static func part(_ index: UInt8, of total: UInt8, _ septets: some Collection<UInt8>) -> InboundShortMessage {
        let udh: [UInt8] = [0x05, 0x00, 0x03, 0x2A, total, index]
        let packed = GSM7Packing.pack(septets, fillBits: GSM7Packing.fillBits(afterUDHOctets: udh.count))
        return InboundFixture.mo(udh + packed, dataCoding: 0, esm: .udhIndicator)
    }

    private static func published(_ text: String, firstPartSeptets: Int) async throws -> String? {
        let fixture = InboundFixture(settings: InboundPipelineSettings(defaultAlphabet: .gsm7Packed))
        let septets = try SMSText.encode(text, as: .gsm7, defaultAlphabet: .gsm7Packed).units
        #expect(await fixture.processor.process(Self.part(2, of: 2, septets.dropFirst(firstPartSeptets))) == .ok)
        #expect(await fixture.processor.process(Self.part(1, of: 2, septets.prefix(firstPartSeptets))) == .ok)
        try #require(fixture.publisher.all.count == 1)
        return try fixture.publisher.json(0)["text"] as? String
    }

    @Test func anAtEndingAFullFirstPartIsKept() async throws {
        let text = String(repeating: "a", count: 152) + "@" + String(repeating: "b", count: 20)
        #expect(try await Self.published(text, firstPartSeptets: 153) == text)
    }

    @Test func paddingBeforeAnEscapeInTheNextPartIsDropped() async throws {
        let text = String(repeating: "a", count: 152) + "€!"
        #expect(try await Self.published(text, firstPartSeptets: 152) == text)
    }
}
