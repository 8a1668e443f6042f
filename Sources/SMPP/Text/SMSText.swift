/// Encoding of message text for SMPP: GSM 03.38, UCS2, Latin-1 and ASCII (reference/SMPP-3.4.md §8).
public enum SMSText {
    /// Encodes `text` as `encoding`.
    ///
    /// `.auto` picks GSM 7-bit when every character fits (extension table included, and representable in the SMSC
    /// default alphabet), otherwise UCS2. `.gsm7` goes out with `data_coding` 0 in the form `defaultAlphabet` says
    /// (septets, or Latin-1/ASCII octets for SMSCs whose default alphabet is one of those); `.ucs2` with 8,
    /// `.latin1` with 3, `.ascii` with 1.
    /// - Throws: `TextEncodingError` naming the first character the encoding cannot carry and its scalar index.
    public static func encode(
        _ text: String,
        as encoding: TextEncoding = .auto,
        defaultAlphabet: DefaultAlphabet = .gsm7
    ) throws(TextEncodingError) -> EncodedText {
        switch encoding {
        case .auto:
            if let gsm = try? encodeGSM(text, defaultAlphabet: defaultAlphabet) { return gsm }
            return encodeUCS2(text)
        case .gsm7:
            return try encodeGSM(text, defaultAlphabet: defaultAlphabet)
        case .ucs2:
            return encodeUCS2(text)
        case .latin1:
            return try encodeOctets(text, limit: 0xFF, encoding: .latin1, dataCoding: SMSDataCoding.latin1)
        case .ascii:
            return try encodeOctets(text, limit: 0x7F, encoding: .ascii, dataCoding: SMSDataCoding.ascii)
        }
    }

    /// Whether every character of `text` is in GSM 03.38 (extension table included).
    public static func fitsGSM7(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { GSM0338.septets(for: $0) != nil }
    }

    private static func encodeGSM(
        _ text: String,
        defaultAlphabet: DefaultAlphabet
    ) throws(TextEncodingError) -> EncodedText {
        var units = [UInt8]()
        units.reserveCapacity(text.utf8.count)
        var septets = 0
        for (index, scalar) in text.unicodeScalars.enumerated() {
            guard let pair = GSM0338.septets(for: scalar) else {
                throw TextEncodingError(code: .unrepresentableCharacter, scalar: scalar, index: index, encoding: .gsm7)
            }
            switch defaultAlphabet {
            case .gsm7, .gsm7Packed:
                units.append(pair.first)
                if let second = pair.second { units.append(second) }
            case .latin1, .ascii:
                // The SMSC reads data_coding 0 as Latin-1/ASCII and converts to GSM for the air itself.
                let limit: UInt32 = defaultAlphabet == .latin1 ? 0xFF : 0x7F
                guard scalar.value <= limit else {
                    throw TextEncodingError(
                        code: .unrepresentableCharacter, scalar: scalar, index: index, encoding: .gsm7,
                        defaultAlphabet: defaultAlphabet)
                }
                units.append(UInt8(truncatingIfNeeded: scalar.value))
            }
            septets += pair.second == nil ? 1 : 2
        }
        return EncodedText(
            encoding: .gsm7, alphabet: defaultAlphabet.alphabet, dataCoding: SMSDataCoding.defaultAlphabet,
            units: units, count: septets)
    }

    private static func encodeUCS2(_ text: String) -> EncodedText {
        var units = [UInt8]()
        units.reserveCapacity(text.utf16.count * 2)
        for unit in text.utf16 {
            units.append(UInt8(truncatingIfNeeded: unit >> 8))
            units.append(UInt8(truncatingIfNeeded: unit))
        }
        return EncodedText(
            encoding: .ucs2, alphabet: .ucs2, dataCoding: SMSDataCoding.ucs2, units: units, count: units.count / 2)
    }

    private static func encodeOctets(
        _ text: String,
        limit: UInt32,
        encoding: TextEncoding,
        dataCoding: UInt8
    ) throws(TextEncodingError) -> EncodedText {
        var units = [UInt8]()
        units.reserveCapacity(text.utf8.count)
        for (index, scalar) in text.unicodeScalars.enumerated() {
            guard scalar.value <= limit else {
                throw TextEncodingError(code: .unrepresentableCharacter, scalar: scalar, index: index, encoding: encoding)
            }
            units.append(UInt8(truncatingIfNeeded: scalar.value))
        }
        let alphabet: SMSAlphabet = encoding == .ascii ? .ascii : .latin1
        return EncodedText(encoding: encoding, alphabet: alphabet, dataCoding: dataCoding, units: units, count: units.count)
    }
}
