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
                #expect(packed.count == (length == 0 ? 0 : (fill + 7 * length + 7) / 8))
                #expect(GSM7Packing.unpack(packed, fillBits: fill, septetCount: length) == septets)
                let counted = GSM7Packing.unpack(packed, fillBits: fill)
                // Without a count, trailing padding may add one '@' (0x00) only when 7 spare bits are zero and the
                // real last septet is not 0x00 — which the unpacker drops.
                if septets.last != 0 { #expect(counted == septets, "length \(length) fill \(fill)") }
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
