import SMPP
import Testing

@Suite struct GSM7PackingTests {
    @Test func fillBits() {
        #expect(GSM7Packing.fillBits(afterUDHOctets: 0) == 0)
        #expect(GSM7Packing.fillBits(afterUDHOctets: 6) == 1)
        #expect(GSM7Packing.fillBits(afterUDHOctets: 7) == 0)
        #expect(GSM7Packing.fillBits(afterUDHOctets: 5) == 2)
        #expect(GSM7Packing.fillBits(afterUDHOctets: 12) == 2)
    }

    @Test func knownVector() throws {
        // "hellohello" packed is the classic 23.038 example: E8 32 9B FD 46 97 D9 EC 37.
        let encoded = try SMSText.encode("hellohello", as: .gsm7, defaultAlphabet: .gsm7Packed)
        #expect(encoded.alphabet == .gsm7Packed && encoded.dataCoding == 0)
        #expect(encoded.wireOctets == [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37])
        #expect(SMSText.decode(encoded.wireOctets, dataCoding: 0, defaultAlphabet: .gsm7Packed).text == "hellohello")
    }

    @Test func sevenSpareBitsArePaddedWithCR() throws {
        // 7 septets = 49 bits: the 8th septet slot holds CR (23.038 §6.1.2.3.1), not '@', and is dropped on decode.
        let packed = GSM7Packing.pack([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37])
        #expect(packed.count == 7 && packed[6] >> 1 == 0x0D)
        #expect(GSM7Packing.unpack(packed) == [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37])
        // A zero-padding sender's trailing '@' is dropped too (the TSV's note on 0x00).
        var zeroPadded = packed
        zeroPadded[6] &= 0x01
        #expect(GSM7Packing.unpack(zeroPadded).count == 7)
        // A real '@' at the end, with 7 spare bits, survives.
        let at = try SMSText.encode("123456@", as: .gsm7, defaultAlphabet: .gsm7Packed)
        #expect(SMSText.decode(at.wireOctets, dataCoding: 0, defaultAlphabet: .gsm7Packed).text == "123456@")
    }

    @Test func fullPackedPartsMayEndInPaddingLookalikes() throws {
        // 152 'a' then '@': the first part is 153 septets (an exact fit after 1 fill bit) ending in '@', as a
        // handset sends it; only a part padded before an escape pair reads its last seven bits as padding.
        let text = String(repeating: "a", count: 152) + "@" + String(repeating: "b", count: 20)
        let encoded = try SMSText.encode(text, defaultAlphabet: .gsm7Packed)
        let message = try MessageSegmenter(method: .udh8).segment(encoded, reference: 1)
        #expect(message.parts.map(\.count) == [153, 20])
        let decoded = SMSText.decode(
            parts: message.parts.map { (Array($0.shortMessage.dropFirst(6)), 6) }, dataCoding: 0, defaultAlphabet: .gsm7Packed)
        #expect(decoded.text == text)
    }

    @Test func aFinalCROnAnOctetBoundaryGetsAClosingCR() throws {
        // 8 septets fill 7 octets exactly: a lone final CR would read as padding, so CR CR goes out (23.038 §6.1.2.3.1).
        let encoded = try SMSText.encode("ABCDEFG\r", as: .gsm7, defaultAlphabet: .gsm7Packed)
        let packed = GSM7Packing.pack(encoded.units)
        #expect(packed.count == 8 && GSM7Packing.unpack(packed, septetCount: 9).suffix(2) == [0x0D, 0x0D])
        #expect(GSM7Packing.unpack(packed) == encoded.units)
        #expect(SMSText.decode(encoded.wireOctets, dataCoding: 0, defaultAlphabet: .gsm7Packed).text == "ABCDEFG\r")
    }

    @Test func oneFillBitShiftsTheFirstSeptet() {
        // "A" = 0x41 after a 6-octet UDH: one fill bit, so the octet is 0x41 << 1 = 0x82.
        #expect(GSM7Packing.pack([0x41], fillBits: 1) == [0x82])
        #expect(GSM7Packing.unpack([0x82], fillBits: 1) == [0x41])
    }

    @Test func roundTripsWithAndWithoutFillBits() {
        var random = SeededRandom(seed: 7)
        for length in 0..<170 {
            let septets = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) & 0x7F }
            for fill in 0...6 {
                let packed = GSM7Packing.pack(septets, fillBits: fill)
                let closingCR = GSM7Packing.needsClosingCR(septets, fillBits: fill) ? 1 : 0
                #expect(packed.count == (length == 0 ? 0 : (fill + 7 * (length + closingCR) + 7) / 8))
                #expect(GSM7Packing.unpack(packed, fillBits: fill, septetCount: length) == septets)
                let counted = GSM7Packing.unpack(packed, fillBits: fill)
                // Without a count only an exact fit ending in 0x00 is ambiguous (read as padding); CR gets a second.
                if GSM7Packing.endsAmbiguously(septets, fillBits: fill) && closingCR == 0 {
                    #expect(counted == Array(septets.dropLast()), "length \(length) fill \(fill)")
                } else {
                    #expect(counted == septets, "length \(length) fill \(fill)")
                }
            }
        }
    }

    @Test func textRoundTripThroughPackedDefaultAlphabetAfterUDH() throws {
        let text = "Grüße {x} 100€ @home"
        let encoded = try SMSText.encode(text, as: .gsm7, defaultAlphabet: .gsm7Packed)
        for udh in [0, 6, 7] {
            let packed = GSM7Packing.pack(encoded.units, fillBits: GSM7Packing.fillBits(afterUDHOctets: udh))
            let decoded = SMSText.decode(packed, dataCoding: 0, defaultAlphabet: .gsm7Packed, udhOctets: udh)
            #expect(decoded.text == text && decoded.substitutions == 0)
        }
    }

    @Test func unpackedRoundTrip() throws {
        let text = "Unpacked [~] \\ | ^ \u{0C} ÄÖÜ"
        let encoded = try SMSText.encode(text, as: .gsm7)
        #expect(encoded.units.allSatisfy { $0 < 0x80 })
        #expect(SMSText.decode(encoded.units, dataCoding: 0).text == text)
        #expect(SMSText.decode(encoded.units, dataCoding: 0xF1).text == text)
    }
}
