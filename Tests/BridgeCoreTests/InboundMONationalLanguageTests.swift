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

    /// Parts with different tables are read each with their own.
    @Test func partsNamingDifferentTablesAreReadRunByRun() {
        func stored(_ index: Int, _ shift: GSMNationalLanguageShift) -> StoredMOPart {
            StoredMOPart(groupKey: "k", index: index, total: 3, payload: [0x1B, 0x73], dataCoding: 0, from: "a",
                         to: "b", receivedAt: Date(), nationalLanguageShift: shift)
        }
        let parts = [stored(1, .init(single: 1)), stored(2, .none), stored(3, .init(single: 1))]
        #expect(InboundProcessor.decodedMO(parts, defaultAlphabet: .gsm7).text == "ş\u{A0}sş")
    }

    /// A part is read (stored, keyed) with the tables its UDH names that the bridge has, for GSM text only: a table
    /// it lacks reads as the default one (as a receiver without it does), and tables on UCS2 change nothing.
    @Test func thePartIsReadWithTheTablesThatApply() {
        let processor = InboundFixture().processor
        #expect(processor.readingShift(.init(locking: 1, single: 1), dataCoding: 0, from: "a") == .init(locking: 1, single: 1))
        #expect(processor.readingShift(.init(locking: 2, single: 2), dataCoding: 0xF0, from: "a") == .init(single: 2))
        #expect(processor.readingShift(.init(locking: 7, single: 99), dataCoding: 0, from: "a") == .none)
        #expect(processor.readingShift(.init(single: 1), dataCoding: 8, from: "a") == .none)
        #expect(processor.readingShift(.init(single: 1), dataCoding: 4, from: "a") == .none)
        let latin1 = InboundFixture(settings: InboundPipelineSettings(defaultAlphabet: .latin1)).processor
        #expect(latin1.readingShift(.init(single: 1), dataCoding: 0, from: "a") == .none)
    }

    /// With packed GSM, a part's last septet that may be padding is settled against the next GSM part (an escape
    /// there makes it padding) whatever tables either names.
    @Test func paddingIsSettledAcrossATableChange() {
        let parts = [
            StoredMOPart(groupKey: "k", index: 1, total: 2, payload: [0x41, 0x42, GSM7Packing.possiblePaddingFlag],
                         dataCoding: 0, from: "a", to: "b", receivedAt: Date()),
            StoredMOPart(groupKey: "k", index: 2, total: 2, payload: [0x1B, 0x73], dataCoding: 0, from: "a", to: "b",
                         receivedAt: Date(), nationalLanguageShift: .init(single: 1)),
        ]
        #expect(InboundProcessor.decodedMO(parts, defaultAlphabet: .gsm7Packed).text == "ABş")
    }

    /// The SMSC's copy of a part stored before the tables were kept (none stored) is recognised as that part: no
    /// earlier message is flushed, and the message completes once.
    @Test func aCopyOfAPartStoredWithoutTablesIsTheSamePart() async throws {
        let fixture = InboundFixture()
        let septets = Self.turkishSeptets
        let first = InboundFixture.mo(Self.part(1, of: 2, Array(septets.prefix(3))), esm: .udhIndicator)
        #expect(await fixture.processor.process(first) == .ok)
        // As an earlier version stored it: the same part without its tables.
        var stored = try #require(await fixture.store.moGroup(key: "573001234567|12345|92|2").first)
        stored.nationalLanguageShift = .none
        _ = try await fixture.store.addMOPart(stored)
        #expect(await fixture.processor.process(first) == .ok, "the SMSC's copy")
        #expect(fixture.publisher.all.isEmpty, "no earlier message flushed")
        let second = InboundFixture.mo(Self.part(2, of: 2, Array(septets.suffix(2))), esm: .udhIndicator)
        #expect(await fixture.processor.process(second) == .ok)
        try #require(fixture.publisher.all.count == 1)
        #expect(try fixture.publisher.json(0)["complete"] as? Bool == true)
        // The part an earlier version stored reads with the default tables, the other with its own.
        #expect(try fixture.publisher.json(0)["text"] as? String == "\u{A0}s\u{A0}ik")
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
        // The key earlier versions (50e7bf1) computed for this message.
        #expect(plain == "546FB10F-D502-8D9B-BE1D-24F6BB5100CD")
    }
}
