import SMPP
import Testing

/// Reading GSM 7-bit text with the national language tables a UDH names (TS 23.040 §9.2.3.24.15–16).
@Suite struct NationalLanguageDecodeTests {
    /// "şık" with the Turkish single shift table (id 1): ş is ESC 0x73, ı is ESC 0x69, k is the default 0x6B.
    private let turkishSeptets: [UInt8] = [0x1B, 0x73, 0x1B, 0x69, 0x6B]

    @Test func udhNamesTheTablesLastOccurrenceWins() throws {
        let header = try UserDataHeader.parse([0x09, 0x24, 0x01, 0x01, 0x25, 0x01, 0x03, 0x24, 0x01, 0x02]).header
        #expect(header.nationalLanguageShift == GSMNationalLanguageShift(locking: 3, single: 2))
        // An element of the wrong length is no language.
        let malformed = try UserDataHeader.parse([0x04, 0x24, 0x02, 0x01, 0x01]).header
        #expect(malformed.nationalLanguageShift.isNone)
        #expect(try UserDataHeader.parse([0x05, 0x00, 0x03, 0x07, 0x02, 0x01]).header.nationalLanguageShift == .none)
    }

    @Test func repeatedConcatenationElementsTheLastWins() throws {
        let twice8 = try UserDataHeader.parse([0x0A, 0x00, 0x03, 0x07, 0x02, 0x01, 0x00, 0x03, 0x09, 0x03, 0x02]).header
        #expect(twice8.concatenation == ConcatenationInfo(scheme: .udh8, reference: 9, total: 3, index: 2))
        // 8-bit and 16-bit references exclude each other: the later one is read.
        let mixed = try UserDataHeader.parse([0x0B, 0x00, 0x03, 0x07, 0x02, 0x01, 0x08, 0x04, 0x12, 0x34, 0x04, 0x03])
            .header
        #expect(mixed.concatenation == ConcatenationInfo(scheme: .udh16, reference: 0x1234, total: 4, index: 3))
        // An element the spec says to ignore (total 0, index 0 or above the total) does not hide a usable one before
        // it; with none usable, the last well-formed one is read (its part is then a message of its own).
        let unusableLast = try UserDataHeader.parse([0x0A, 0x00, 0x03, 0x07, 0x02, 0x01, 0x00, 0x03, 0x09, 0x00, 0x00])
            .header
        #expect(unusableLast.concatenation == ConcatenationInfo(scheme: .udh8, reference: 7, total: 2, index: 1))
        let noneUsable = try UserDataHeader.parse([0x0A, 0x00, 0x03, 0x07, 0x02, 0x03, 0x00, 0x03, 0x09, 0x00, 0x00])
            .header
        #expect(noneUsable.concatenation == ConcatenationInfo(scheme: .udh8, reference: 9, total: 0, index: 0))
        let ports = try UserDataHeader.parse([0x0A, 0x04, 0x02, 0x10, 0x20, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0]).header
        #expect(ports.ports?.destination == 0x0B84 && ports.ports?.source == 0x23F0)
    }

    @Test func singleShiftTableReplacesTheExtensionTable() {
        let turkish = GSMNationalLanguageShift(single: 1)
        let decoded = SMSText.decode(turkishSeptets, dataCoding: 0, shift: turkish)
        #expect(decoded.text == "şık" && decoded.substitutions == 0)
        // Without the table the same septets read as unknown extensions: NBSP and the basic character.
        let plain = SMSText.decode(turkishSeptets, dataCoding: 0)
        #expect(plain.text == "\u{A0}s\u{A0}ik" && plain.substitutions == 2)
    }

    /// The locking shift table replaces the default alphabet; with a single shift table beside it, the escape reads
    /// from that one. Spanish (2) has a single shift table only.
    @Test func lockingShiftTableReplacesTheDefaultAlphabet() {
        // Turkish locking: 0x07 ı, 0x0C ğ, 0x1D ş, 0x40 İ; 0x04 € (the default table's è).
        let turkish = GSMNationalLanguageShift(locking: 1)
        #expect(SMSText.decode([0x40, 0x07, 0x0C, 0x1D, 0x20, 0x04], dataCoding: 0, shift: turkish).text == "İığş €")
        #expect(SMSText.decode([0x40, 0x07, 0x0C, 0x1D, 0x20, 0x04], dataCoding: 0).text == "¡ìøæ è")
        let both = GSMNationalLanguageShift(locking: 1, single: 1)
        #expect(SMSText.decode([0x1D, 0x1B, 0x47], dataCoding: 0, shift: both).text == "şĞ")
        // "sí" from a Spanish handset: í is ESC 0x69 in the Spanish single shift table.
        #expect(SMSText.decode([0x73, 0x1B, 0x69], dataCoding: 0, shift: GSMNationalLanguageShift(single: 2)).text == "sí")
        #expect(GSMNationalLanguageShift(locking: 2, single: 2).unsupported == [2], "no Spanish locking table")
    }

    @Test func unknownLanguageReadsWithTheDefaultTables() {
        let unknown = GSMNationalLanguageShift(locking: 99, single: 99)
        #expect(unknown.unsupported == [99])
        #expect(SMSText.decode([0x48, 0x1B, 0x65], dataCoding: 0, shift: unknown).text == "H€")
        #expect(GSMNationalLanguageShift(locking: 1, single: 200).unsupported.contains(200))
        #expect(GSMNationalLanguageShift.none.unsupported.isEmpty)
    }

    @Test func tablesApplyToGSMOnly() {
        let turkish = GSMNationalLanguageShift(single: 1)
        #expect(SMSText.decode([0x00, 0x73], dataCoding: 8, shift: turkish).text == "s")
        #expect(SMSText.decode([0x1B, 0x73], dataCoding: 3, shift: turkish).text == "\u{1B}s")
    }

    @Test func packedPartsAndConcatenatedPartsCarryTheTables() throws {
        let turkish = GSMNationalLanguageShift(single: 1)
        // Packed, as with smpp.default_alphabet gsm7-packed, split across two parts between ESC and its septet.
        let septets = turkishSeptets
        let first = GSM7Packing.pack(Array(septets.prefix(3)))
        let second = GSM7Packing.pack(Array(septets.suffix(2)))
        let joined = SMSText.decode(
            parts: [(first, 0), (second, 0)], dataCoding: 0, defaultAlphabet: .gsm7Packed, shift: turkish)
        #expect(joined.text == "şık")
        // A deliver_sm part with UDH: concatenation and the single shift element.
        let udh: [UInt8] = [0x08, 0x00, 0x03, 0x05, 0x01, 0x01, 0x24, 0x01, 0x01]
        let part = try #require(ConcatenatedPart.from(
            source: "905321234567", destination: "ACME", esmClass: 0x40, dataCoding: 0, shortMessage: udh + septets))
        #expect(part.nationalLanguageShift == turkish && part.userData == septets)
        let message = ReassembledMessage(
            key: ReassemblyKey(part), dataCoding: 0, parts: [part], missing: [])
        #expect(message.decode().text == "şık")
        // Each run of parts is read with the tables its parts name, not all with the first part's.
        var plain = part
        plain.nationalLanguageShift = .none
        let mixed = ReassembledMessage(key: ReassemblyKey(part), dataCoding: 0, parts: [part, plain], missing: [])
        #expect(mixed.decode().text == "şık\u{A0}s\u{A0}ik")
    }
}
