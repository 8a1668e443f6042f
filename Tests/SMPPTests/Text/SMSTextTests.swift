import SMPP
import Testing

@Suite struct SMSTextTests {
    @Test func autoPicksGSMWhenEverythingFits() throws {
        let encoded = try SMSText.encode("Hola {€} Ñoño", as: .auto)
        #expect(encoded.encoding == .gsm7 && encoded.dataCoding == 0 && encoded.alphabet == .gsm7)
        #expect(encoded.count == 16)  // 13 characters, 3 of them extension characters
        #expect(encoded.units.prefix(5) == [0x48, 0x6F, 0x6C, 0x61, 0x20])
        #expect(encoded.units[5...6] == [0x1B, 0x28])
    }

    @Test func autoFallsBackToUCS2() throws {
        let encoded = try SMSText.encode("Привет 😀", as: .auto)
        #expect(encoded.encoding == .ucs2 && encoded.dataCoding == 8)
        #expect(encoded.count == 9)  // 7 BMP code units + a surrogate pair
        #expect(encoded.units.suffix(4) == [0xD8, 0x3D, 0xDE, 0x00])
        #expect(SMSText.decode(encoded.units, dataCoding: 8).text == "Привет 😀")
    }

    @Test func explicitEncodingErrorNamesCharacterAndIndex() {
        #expect(throws: TextEncodingError.self) { try SMSText.encode("abc€", as: .latin1) }
        do {
            _ = try SMSText.encode("ab😀c", as: .gsm7)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unrepresentableCharacter && error.index == 2 && error.scalar == "😀")
            #expect(error.description.contains("U+1F600") && error.description.contains("index 2"))
        }
        do {
            _ = try SMSText.encode("héllo ü", as: .ascii)
            Issue.record("expected an error")
        } catch {
            #expect(error.index == 1 && error.encoding == .ascii)
        }
    }

    @Test func latin1AndASCII() throws {
        let latin = try SMSText.encode("café ÿ", as: .latin1)
        #expect(latin.dataCoding == 3 && latin.units == [0x63, 0x61, 0x66, 0xE9, 0x20, 0xFF])
        #expect(SMSText.decode(latin.units, dataCoding: 3).text == "café ÿ")
        let ascii = try SMSText.encode("plain `text`", as: .ascii)
        #expect(ascii.dataCoding == 1 && ascii.units.count == 12)
        let odd = SMSText.decode([0x41, 0xC3, 0x42], dataCoding: 1)
        #expect(odd.text == "A\u{FFFD}B" && odd.substitutions == 1)
    }

    @Test func gsmWithLatin1DefaultAlphabet() throws {
        let encoded = try SMSText.encode("a{b", as: .gsm7, defaultAlphabet: .latin1)
        #expect(encoded.alphabet == .latin1 && encoded.dataCoding == 0 && encoded.units == [0x61, 0x7B, 0x62])
        #expect(encoded.count == 4)
        // Δ is GSM but not Latin-1: .gsm7 fails naming the default alphabet, .auto falls back to UCS2.
        do {
            _ = try SMSText.encode("xΔ", as: .gsm7, defaultAlphabet: .latin1)
            Issue.record("expected an error")
        } catch {
            #expect(error.index == 1 && error.defaultAlphabet == .latin1)
        }
        #expect(try SMSText.encode("xΔ", as: .auto, defaultAlphabet: .latin1).encoding == .ucs2)
        #expect(try SMSText.encode("xΔ", as: .auto, defaultAlphabet: .gsm7).encoding == .gsm7)
    }

    @Test func accentsOutsideGSMFallBack() throws {
        // ú and á are not in GSM 03.38 (ù and à are).
        #expect(try SMSText.encode("Ñandú").encoding == .ucs2)
        #expect(try SMSText.encode("Ñandù").encoding == .gsm7)
    }

    @Test func nonBreakingSpaceIsNotGSM() throws {
        #expect(try SMSText.encode("a\u{00A0}b").encoding == .ucs2)
    }

    @Test(arguments: [
        (UInt8(0x00), DefaultAlphabet.gsm7, SMSAlphabet.gsm7), (0x00, .gsm7Packed, .gsm7Packed), (0x00, .latin1, .latin1),
        (0x00, .ascii, .ascii), (0x01, .gsm7, .ascii), (0x02, .gsm7, .binary), (0x03, .gsm7, .latin1),
        (0x04, .gsm7, .binary), (0x08, .gsm7, .ucs2), (0x05, .gsm7, .binary), (0xC0, .gsm7, .gsm7),
        (0xD8, .gsm7Packed, .gsm7Packed), (0xE1, .gsm7, .ucs2), (0xF0, .gsm7, .gsm7), (0xF1, .latin1, .gsm7),
        (0xF3, .gsm7Packed, .gsm7Packed), (0xF4, .gsm7, .binary), (0xF5, .gsm7, .binary), (0xFF, .gsm7, .binary),
    ])
    func dataCodingToAlphabet(dataCoding: UInt8, defaultAlphabet: DefaultAlphabet, expected: SMSAlphabet) {
        #expect(SMSText.alphabet(forDataCoding: dataCoding, defaultAlphabet: defaultAlphabet) == expected)
    }

    @Test func ucs2OddInputIsSubstituted() {
        let odd = SMSText.decode([0x00, 0x41, 0x00], dataCoding: 8)
        #expect(odd.text == "A\u{FFFD}" && odd.substitutions == 1)
        let loneHigh = SMSText.decode([0xD8, 0x3D, 0x00, 0x41], dataCoding: 8)
        #expect(loneHigh.text == "\u{FFFD}A" && loneHigh.substitutions == 1)
        let loneLow = SMSText.decode([0xDE, 0x00, 0x00, 0x42], dataCoding: 8)
        #expect(loneLow.text == "\u{FFFD}B" && loneLow.substitutions == 1)
        let trailingHigh = SMSText.decode([0x00, 0x43, 0xD8, 0x3D], dataCoding: 8)
        #expect(trailingHigh.text == "C\u{FFFD}" && trailingHigh.substitutions == 1)
    }

    @Test func randomBytesNeverTrapInAnyAlphabet() {
        var random = SeededRandom(seed: 0x5EED)
        for _ in 0..<3_000 {
            let bytes = (0..<Int(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            for dataCoding: UInt8 in [0x00, 0x01, 0x03, 0x04, 0x08, 0xF0, 0xE0] {
                for alphabet in DefaultAlphabet.allCases {
                    let decoded = SMSText.decode(bytes, dataCoding: dataCoding, defaultAlphabet: alphabet, udhOctets: Int(random.next() % 9))
                    #expect(decoded.substitutions >= 0)
                }
            }
        }
    }

    @Test func binaryIsNotText() {
        let decoded = SMSText.decode([0x01, 0x02], dataCoding: 4)
        #expect(decoded.alphabet == .binary && decoded.text.isEmpty)
        let binary = EncodedText.binary([1, 2, 3])
        #expect(binary.dataCoding == 4 && binary.encoding == nil && binary.count == 3)
    }
}

/// SplitMix64: a small seeded generator so random tests are reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
