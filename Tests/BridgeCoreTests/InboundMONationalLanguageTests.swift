@testable import BridgeCore
import Foundation
import SMPP
import Testing

/// MO text read with the national language tables its UDH names (information elements 0x24 single shift, 0x25
/// locking shift): a Turkish handset sends "ş" as ESC 0x73 under the Turkish single shift table, which the default
/// extension table would read as NBSP + "s".
@Suite struct InboundMONationalLanguageTests {
    /// "şık" under the Turkish single shift table (language 1).
    private static let turkishSeptets: [UInt8] = [0x1B, 0x73, 0x1B, 0x69, 0x6B]
    private static let turkishSingleShift: [UInt8] = [0x24, 0x01, 0x01]

    private static func part(_ index: UInt8, of total: UInt8, _ septets: [UInt8]) -> [UInt8] {
        [0x08, 0x00, 0x03, 0x5C, total, index] + turkishSingleShift + septets
    }

    @Test func aSingleMONamingTheTurkishSingleShiftTable() async throws {
        let fixture = InboundFixture()
        let userData = [UInt8(Self.turkishSingleShift.count)] + Self.turkishSingleShift + Self.turkishSeptets
        #expect(await fixture.processor.process(InboundFixture.mo(userData, esm: .udhIndicator)) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["text"] as? String == "şık")
        #expect(json["encoding"] as? String == "gsm7" && json["data_coding"] as? Int == 0)
    }

    /// The tables travel with each stored part: parts arriving out of order, an escape split between them.
    @Test func aLongMOStoredPartByPart() async throws {
        let fixture = InboundFixture()
        let septets = Self.turkishSeptets
        let second = InboundFixture.mo(Self.part(2, of: 2, Array(septets.suffix(2))), esm: .udhIndicator)
        let first = InboundFixture.mo(Self.part(1, of: 2, Array(septets.prefix(3))), esm: .udhIndicator)
        #expect(await fixture.processor.process(second) == .ok)
        #expect(await fixture.processor.process(first) == .ok)
        try #require(fixture.publisher.all.count == 1)
        let json = try fixture.publisher.json(0)
        #expect(json["text"] as? String == "şık" && json["complete"] as? Bool == true)
    }

    /// Parts naming different tables are read each with their own; a language this bridge has no table for reads
    /// with the default tables (as a receiver without it does) and is reported.
    @Test func partsNamingDifferentTablesAreReadRunByRun() {
        func stored(_ index: Int, _ shift: GSMNationalLanguageShift) -> StoredMOPart {
            StoredMOPart(groupKey: "k", index: index, total: 3, payload: [0x1B, 0x73], dataCoding: 0, from: "a",
                         to: "b", receivedAt: Date(), nationalLanguageShift: shift)
        }
        let parts = [stored(1, .init(single: 1)), stored(2, .none), stored(3, .init(single: 99))]
        let content = InboundProcessor.decodedMO(parts, defaultAlphabet: .gsm7)
        #expect(content.text == "ş\u{A0}s\u{A0}s")
        #expect(content.unsupportedLanguages == [99])
        #expect(InboundProcessor.decodedMO([parts[0]], defaultAlphabet: .gsm7).unsupportedLanguages == nil)
    }

    /// The tables are part of an MO's content: the same septets under two tables are two messages, while a message
    /// in the default tables keeps the key earlier versions computed.
    @Test func theTablesAreInTheContentKey() {
        func parts(_ shift: GSMNationalLanguageShift) -> [StoredMOPart] {
            [StoredMOPart(groupKey: "", index: 1, total: 1, payload: [0x41], dataCoding: 0, from: "a", to: "b",
                          receivedAt: Date(), nationalLanguageShift: shift)]
        }
        let plain = InboundProcessor.moContentKey(parts(.none), total: 1, complete: true, account: "x")
        let turkish = InboundProcessor.moContentKey(parts(.init(single: 1)), total: 1, complete: true, account: "x")
        let lockingTurkish = InboundProcessor.moContentKey(parts(.init(locking: 1)), total: 1, complete: true, account: "x")
        #expect(Set([plain, turkish, lockingTurkish]).count == 3)
        let earlier = StoredMOPart(groupKey: "", index: 1, total: 1, payload: [0x41], dataCoding: 0, from: "a", to: "b",
                                   receivedAt: Date())
        #expect(InboundProcessor.moContentKey([earlier], total: 1, complete: true, account: "x") == plain)
    }
}
