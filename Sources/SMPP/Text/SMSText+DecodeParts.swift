extension SMSText {
    /// Decodes the user data of several parts of one message as one text, so an escape pair or surrogate pair
    /// that a sender split across parts still decodes. Each part is `(user data after its UDH, UDH length)`.
    /// Packed GSM parts are unpacked by `GSM7Packing.unpack(parts:)`: only the last part's final '@' or CR on an
    /// exact fit is read as padding, or a non-final part's when the next part starts with an escape. Other parts
    /// are joined as `decode(joining:alphabet:shift:)` joins them. `shift`: the national language tables of GSM parts.
    public static func decode(
        parts: [(userData: [UInt8], udhOctets: Int)],
        dataCoding: UInt8,
        defaultAlphabet: DefaultAlphabet = .gsm7,
        shift: GSMNationalLanguageShift = .none
    ) -> DecodedText {
        let alphabet = alphabet(forDataCoding: dataCoding, defaultAlphabet: defaultAlphabet)
        guard alphabet == .gsm7Packed else {
            return decode(joining: parts.map(\.userData), alphabet: alphabet, shift: shift)
        }
        return decodePacked(parts.map { ($0.userData, GSM7Packing.fillBits(afterUDHOctets: $0.udhOctets)) }, shift: shift)
    }

    /// Decodes the user data of consecutive parts in one alphabet, in order, as one text: an escape or surrogate
    /// pair split between two parts still decodes. A UCS2 part of odd length has its last octet read as odd input
    /// (U+FFFD, one substitution) there, so the parts after it stay aligned. Packed GSM parts are taken as having
    /// no UDH (no fill bits); `decode(parts:dataCoding:defaultAlphabet:shift:)` knows each part's. `shift`: the
    /// national language tables of GSM parts.
    public static func decode(
        joining parts: [[UInt8]], alphabet: SMSAlphabet, shift: GSMNationalLanguageShift = .none
    ) -> DecodedText {
        switch alphabet {
        case .ucs2: return decodeUCS2(joining: parts)
        case .gsm7Packed: return decodePacked(parts.map { ($0, 0) }, shift: shift)
        default: return decode(parts.flatMap { $0 }, alphabet: alphabet, shift: shift)
        }
    }

    private static func decodePacked(
        _ parts: [(octets: [UInt8], fillBits: Int)], shift: GSMNationalLanguageShift
    ) -> DecodedText {
        var decoded = decodeSeptets(GSM7Packing.unpack(parts: parts), shift: shift)
        decoded.alphabet = .gsm7Packed
        return decoded
    }

    /// UCS2 parts joined, each run of them up to a part of odd length decoded on its own.
    private static func decodeUCS2(joining parts: [[UInt8]]) -> DecodedText {
        var joined = DecodedText(text: "", substitutions: 0, alphabet: .ucs2)
        var run = [UInt8]()
        for (index, part) in parts.enumerated() {
            run += part
            guard part.count % 2 == 1 || index == parts.count - 1 else { continue }
            let decoded = decodeUCS2(run)
            joined.text += decoded.text
            joined.substitutions += decoded.substitutions
            run = []
        }
        return joined
    }
}
