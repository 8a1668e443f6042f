import Foundation
import SMPP
import Testing

/// Every row of reference/gsm0338.tsv (shipped as a test resource) against the Swift table.
@Suite struct GSM0338TableTests {
    struct Row {
        var septet: UInt8
        var scalar: Unicode.Scalar
        var isExtension: Bool
    }

    static func rows() throws -> [Row] {
        let url = try #require(Bundle.module.url(forResource: "gsm0338", withExtension: "tsv", subdirectory: "Fixtures"))
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows = [Row]()
        for line in text.split(separator: "\n").dropFirst() where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            let septet = try #require(UInt8(fields[0].dropFirst(2), radix: 16))
            let value = try #require(UInt32(fields[1].dropFirst(2), radix: 16))
            rows.append(Row(septet: septet, scalar: try #require(Unicode.Scalar(value)), isExtension: fields[2] == "extension"))
        }
        return rows
    }

    @Test func tableHasEveryRow() throws {
        let rows = try Self.rows()
        #expect(rows.filter { !$0.isExtension }.count == 128)
        #expect(rows.filter(\.isExtension).count == 10)
        #expect(GSM0338.basicTable.count == 128)
        #expect(GSM0338.extensionTable.count == 10)
    }

    @Test func everyRowDecodesAndEncodes() throws {
        for row in try Self.rows() {
            if row.isExtension {
                #expect(GSM0338.extensionScalar(row.septet) == row.scalar, "ext \(row.septet)")
                #expect(GSM0338.extensionTable.contains { $0.septet == row.septet && UInt32($0.scalar) == row.scalar.value })
                let pair = try #require(GSM0338.septets(for: row.scalar))
                #expect(pair.first == 0x1B && pair.second == row.septet)
                let decoded = SMSText.decode([0x1B, row.septet], alphabet: .gsm7)
                #expect(decoded.text.unicodeScalars.elementsEqual([row.scalar]) && decoded.substitutions == 0)
            } else {
                #expect(UInt32(GSM0338.basicTable[Int(row.septet)]) == row.scalar.value, "basic \(row.septet)")
                if row.septet == 0x1B {
                    // Never encode U+00A0 as ESC.
                    #expect(GSM0338.septets(for: row.scalar) == nil)
                } else {
                    let pair = try #require(GSM0338.septets(for: row.scalar))
                    #expect(pair.first == row.septet && pair.second == nil)
                    let decoded = SMSText.decode([row.septet], alphabet: .gsm7)
                    #expect(decoded.text.unicodeScalars.elementsEqual([row.scalar]) && decoded.substitutions == 0)
                }
            }
        }
    }

    @Test func cedillaBothCasesEncodeTo09() throws {
        #expect(GSM0338.septets(for: "\u{00C7}")?.first == 0x09)
        #expect(GSM0338.septets(for: "\u{00E7}")?.first == 0x09)
        #expect(SMSText.decode([0x09], alphabet: .gsm7).text == "\u{00C7}")
    }

    @Test func noOtherScalarEncodes() {
        // Everything outside the table's scalars (plus U+00E7) must be unrepresentable.
        var known = Set(GSM0338.basicTable.map(UInt32.init)).union(GSM0338.extensionTable.map { UInt32($0.scalar) })
        known.insert(0xE7)
        known.remove(0xA0)
        for value in UInt32(0)..<0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect((GSM0338.septets(for: scalar) != nil) == known.contains(value), "U+\(String(value, radix: 16))")
        }
    }

    @Test func loneAndUnknownEscapeDecodeToNoBreakSpace() {
        let lone = SMSText.decode([0x41, 0x1B], alphabet: .gsm7)
        #expect(lone.text == "A\u{00A0}" && lone.substitutions == 1)
        let unknown = SMSText.decode([0x1B, 0x41], alphabet: .gsm7)
        #expect(unknown.text == "\u{00A0}A" && unknown.substitutions == 1)
        let high = SMSText.decode([0x80, 0xFF, 0x41], alphabet: .gsm7)
        #expect(high.text == "\u{FFFD}\u{FFFD}A" && high.substitutions == 2)
    }
}
