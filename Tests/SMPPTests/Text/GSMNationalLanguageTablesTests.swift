import SMPP
import Testing

/// The national language tables of TS 23.038 Annex A: their shape, and characters checked cell by cell.
@Suite struct GSMNationalLanguageTablesTests {
    /// Turkish and Portuguese have locking shift tables; Spanish has a single shift table only (A.3.2 is void).
    static let lockingLanguages: [UInt8] = [1, 3]
    static let singleShiftLanguages: [UInt8] = [1, 2, 3]

    private static func scalar(_ value: UInt16?) -> Unicode.Scalar? {
        value.flatMap { Unicode.Scalar(UInt32($0)) }
    }

    @Test func supportedLanguagesAreTheLatinScriptOnes() {
        #expect(GSMNationalLanguageTables.supportedLanguages == [1, 2, 3])
        for language in UInt8.min...UInt8.max {
            let hasTable = GSMNationalLanguageTables.lockingShift(language) != nil
                || GSMNationalLanguageTables.singleShift(language) != nil
            #expect(hasTable == GSMNationalLanguageTables.supportedLanguages.contains(language), "language \(language)")
        }
    }

    @Test(arguments: [0, 14, 255] as [UInt8]) func unknownLanguageHasNoTables(language: UInt8) {
        #expect(GSMNationalLanguageTables.lockingShift(language) == nil)
        #expect(GSMNationalLanguageTables.singleShift(language) == nil)
    }

    @Test func spanishHasASingleShiftTableButNoLockingShiftTable() {
        #expect(GSMNationalLanguageTables.lockingShift(2) == nil)
        #expect(GSMNationalLanguageTables.singleShift(2) != nil)
    }

    @Test(arguments: lockingLanguages) func lockingTableKeepsControlsSpaceAndDigits(language: UInt8) throws {
        let table = try #require(GSMNationalLanguageTables.lockingShift(language))
        #expect(table.count == 128)
        #expect(table[0x0A] == 0x000A && table[0x0D] == 0x000D && table[0x20] == 0x0020)
        for digit in 0..<10 {
            #expect(table[0x30 + digit] == UInt16(0x30 + digit))
        }
        // The escape holds NBSP, as the default table does.
        #expect(table[0x1B] == 0x00A0)
        // The Latin-script tables define every other position.
        #expect(!table.contains(GSMNationalLanguageTables.undefined))
    }

    @Test(arguments: lockingLanguages) func lockingTableHasNoScalarTwice(language: UInt8) throws {
        let table = try #require(GSMNationalLanguageTables.lockingShift(language))
        let defined = table.filter { $0 != GSMNationalLanguageTables.undefined }
        #expect(Set(defined).count == defined.count)
    }

    @Test(arguments: singleShiftLanguages) func singleShiftTableHasNoScalarTwice(language: UInt8) throws {
        let table = try #require(GSMNationalLanguageTables.singleShift(language))
        #expect(Set(table.values).count == table.count)
        // No entry for the escape itself, nor for the reserved control code 0x0D.
        #expect(table[0x1B] == nil && table[0x0D] == nil)
        #expect(table.keys.allSatisfy { $0 < 0x80 })
    }

    /// Each Latin-script single shift table repeats the default extension table (FF, ^, {, }, \, [, ~, ], |, €).
    @Test(arguments: singleShiftLanguages) func singleShiftTableKeepsTheDefaultExtensions(language: UInt8) throws {
        let table = try #require(GSMNationalLanguageTables.singleShift(language))
        for (septet, scalar) in GSM0338.extensionTable {
            #expect(table[septet] == scalar, "language \(language) septet \(septet)")
        }
    }

    @Test func turkishLockingShiftDiffersFromTheDefaultAlphabetInEightCells() throws {
        let table = try #require(GSMNationalLanguageTables.lockingShift(1))
        let expected: [UInt8: Unicode.Scalar] = [
            0x04: "€", 0x07: "ı", 0x0B: "Ğ", 0x0C: "ğ", 0x1C: "Ş", 0x1D: "ş", 0x40: "İ", 0x60: "ç",
        ]
        for septet in 0..<128 where table[septet] != GSM0338.basicTable[septet] {
            #expect(Self.scalar(table[septet]) == expected[UInt8(septet)], "septet \(septet)")
        }
        for (septet, scalar) in expected {
            #expect(Self.scalar(table[Int(septet)]) == scalar, "septet \(septet)")
        }
    }

    @Test func turkishSingleShift() throws {
        let table = try #require(GSMNationalLanguageTables.singleShift(1))
        let expected: [UInt8: Unicode.Scalar] = [
            0x47: "Ğ", 0x49: "İ", 0x53: "Ş", 0x63: "ç", 0x65: "€", 0x67: "ğ", 0x69: "ı", 0x73: "ş",
        ]
        for (septet, scalar) in expected {
            #expect(Self.scalar(table[septet]) == scalar, "septet \(septet)")
        }
        #expect(table.count == 17)
    }

    @Test func spanishSingleShift() throws {
        let table = try #require(GSMNationalLanguageTables.singleShift(2))
        let expected: [UInt8: Unicode.Scalar] = [
            0x09: "ç", 0x41: "Á", 0x49: "Í", 0x4F: "Ó", 0x55: "Ú", 0x61: "á", 0x69: "í", 0x6F: "ó", 0x75: "ú",
        ]
        for (septet, scalar) in expected {
            #expect(Self.scalar(table[septet]) == scalar, "septet \(septet)")
        }
        #expect(table.count == 19)
    }

    @Test func portugueseLockingShift() throws {
        let table = try #require(GSMNationalLanguageTables.lockingShift(3))
        let expected: [UInt8: Unicode.Scalar] = [
            0x04: "ê", 0x06: "ú", 0x09: "ç", 0x0B: "Ô", 0x12: "ª", 0x14: "À", 0x15: "∞", 0x16: "^", 0x17: "\\",
            0x18: "€", 0x1A: "|", 0x1E: "Ê", 0x24: "º", 0x40: "Í", 0x5B: "Ã", 0x5D: "Ú", 0x60: "~", 0x7D: "`",
        ]
        for (septet, scalar) in expected {
            #expect(Self.scalar(table[Int(septet)]) == scalar, "septet \(septet)")
        }
    }

    @Test func portugueseSingleShift() throws {
        let table = try #require(GSMNationalLanguageTables.singleShift(3))
        let expected: [UInt8: Unicode.Scalar] = [
            0x05: "ê", 0x0B: "Ô", 0x0E: "Á", 0x12: "Φ", 0x19: "Θ", 0x1F: "Ê", 0x41: "À", 0x5B: "Ã", 0x61: "Â",
            0x7F: "â",
        ]
        for (septet, scalar) in expected {
            #expect(Self.scalar(table[septet]) == scalar, "septet \(septet)")
        }
        #expect(table.count == 37)
    }
}
