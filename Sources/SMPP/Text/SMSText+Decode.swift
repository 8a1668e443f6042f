extension SMSText {
    /// The alphabet a `data_coding` value stands for (reference/SMPP-3.4.md §6).
    ///
    /// 0 follows `defaultAlphabet`; 1 ASCII; 3 Latin-1; 8 UCS2; 0xC0–0xDF (message waiting, GSM 7-bit) and
    /// 0xF0–0xFF with bit 2 clear are GSM 7-bit, packed only when the default alphabet is `.gsm7Packed` (SMSCs send
    /// septets unpacked, §8); 0xE0–0xEF UCS2. 0x10–0x1F (reserved in SMPP 3.4, but the air interface's "general
    /// data coding with a message class", which SMSCs pass through on MO) by bits 3–2: GSM 7-bit, 8-bit data, UCS2.
    /// Everything else (2, 4, 0x20–0x3F compressed, 0xF4–0xF7, 0xFC–0xFF, national codings this module does not
    /// decode) is `.binary`.
    public static func alphabet(forDataCoding dataCoding: UInt8, defaultAlphabet: DefaultAlphabet = .gsm7) -> SMSAlphabet {
        let gsm: SMSAlphabet = defaultAlphabet == .gsm7Packed ? .gsm7Packed : .gsm7
        switch dataCoding {
        case 0x00: return defaultAlphabet.alphabet
        case 0x01: return .ascii
        case 0x03: return .latin1
        case 0x08: return .ucs2
        case 0x10...0x1F:
            switch dataCoding & 0x0C {
            case 0x00: return gsm
            case 0x08: return .ucs2
            default: return .binary
            }
        case 0xC0...0xDF: return gsm
        case 0xE0...0xEF: return .ucs2
        case 0xF0...0xFF: return dataCoding & 0x04 == 0 ? gsm : .binary
        default: return .binary
        }
    }

    /// Decodes a payload by its `data_coding`. Never fails: odd input is substituted and counted.
    /// - Parameters:
    ///   - bytes: the user data after any UDH.
    ///   - udhOctets: the length of the UDH that preceded `bytes` (sets the fill bits of packed GSM), 0 if none.
    ///   - shift: the national language tables the UDH names (GSM 7-bit only; ``UserDataHeader/nationalLanguageShift``).
    public static func decode(
        _ bytes: some Collection<UInt8>,
        dataCoding: UInt8,
        defaultAlphabet: DefaultAlphabet = .gsm7,
        udhOctets: Int = 0,
        shift: GSMNationalLanguageShift = .none
    ) -> DecodedText {
        decode(
            bytes, alphabet: alphabet(forDataCoding: dataCoding, defaultAlphabet: defaultAlphabet), udhOctets: udhOctets,
            shift: shift)
    }

    /// Decodes a payload in a known alphabet. Never fails: odd input is substituted and counted. `shift` applies to
    /// GSM 7-bit only.
    public static func decode(
        _ bytes: some Collection<UInt8>, alphabet: SMSAlphabet, udhOctets: Int = 0, shift: GSMNationalLanguageShift = .none
    ) -> DecodedText {
        switch alphabet {
        case .gsm7: return decodeSeptets(bytes, shift: shift)
        case .gsm7Packed:
            let septets = GSM7Packing.unpack(bytes, fillBits: GSM7Packing.fillBits(afterUDHOctets: udhOctets))
            var decoded = decodeSeptets(septets, shift: shift)
            decoded.alphabet = .gsm7Packed
            return decoded
        case .ucs2: return decodeUCS2(bytes)
        case .latin1:
            return DecodedText(text: decodeOctets(bytes, highOctet: { Unicode.Scalar($0) }), substitutions: 0, alphabet: .latin1)
        case .ascii:
            var substitutions = 0
            let text = decodeOctets(bytes) { _ in
                substitutions += 1
                return replacement
            }
            return DecodedText(text: text, substitutions: substitutions, alphabet: .ascii)
        case .binary: return DecodedText(text: "", substitutions: 0, alphabet: .binary)
        }
    }

    private static let replacement: Unicode.Scalar = "\u{FFFD}"
    private static let noBreakSpace: Unicode.Scalar = "\u{00A0}"

    /// Septets (one per octet) read with the default tables, or with the national language tables `shift` names
    /// where ``GSMNationalLanguageTables`` has them (a table it lacks reads as the default one, as a receiver without
    /// it does: TS 23.038 Annex C). An escape before a septet the extension (or single shift) table lacks reads as
    /// NBSP, the septet as a basic (or locking shift) character; a septet a locking shift table leaves undefined,
    /// and an octet over 0x7F, as U+FFFD — each one substitution.
    static func decodeSeptets(_ septets: some Collection<UInt8>, shift: GSMNationalLanguageShift = .none) -> DecodedText {
        let basic = shift.locking.flatMap(GSMNationalLanguageTables.lockingShift) ?? GSM0338.basicTable
        let singleShift = shift.single.flatMap(GSMNationalLanguageTables.singleShift)
        var scalars = String.UnicodeScalarView()
        var substitutions = 0
        var escaped = false
        for septet in septets {
            if escaped {
                escaped = false
                // A single shift table replaces the extension table: a septet it lacks is unknown, even when the
                // extension table has it.
                let extended: Unicode.Scalar?
                if let singleShift {
                    extended = singleShift[septet].flatMap { Unicode.Scalar(UInt32($0)) }
                } else {
                    extended = GSM0338.extensionScalar(septet)
                }
                if let extended {
                    scalars.append(extended)
                    continue
                }
                // Unknown extension: the escape reads as NBSP and the septet as a basic character.
                scalars.append(noBreakSpace)
                substitutions += 1
            }
            if septet == GSM0338.escape {
                escaped = true
            } else if septet < 0x80, basic[Int(septet)] != GSMNationalLanguageTables.undefined,
                let scalar = Unicode.Scalar(UInt32(basic[Int(septet)]))
            {
                scalars.append(scalar)
            } else {
                scalars.append(replacement)
                substitutions += 1
            }
        }
        if escaped {
            scalars.append(noBreakSpace)
            substitutions += 1
        }
        return DecodedText(text: String(scalars), substitutions: substitutions, alphabet: .gsm7)
    }

    static func decodeUCS2(_ bytes: some Collection<UInt8>) -> DecodedText {
        var scalars = String.UnicodeScalarView()
        var substitutions = 0
        var pendingHigh: UInt16?
        var iterator = bytes.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next() else {
                substitutions += 1
                if pendingHigh != nil { scalars.append(replacement); substitutions += 1 }
                pendingHigh = nil
                scalars.append(replacement)
                break
            }
            let unit = UInt16(high) << 8 | UInt16(low)
            switch unit {
            case 0xD800...0xDBFF:
                if pendingHigh != nil { scalars.append(replacement); substitutions += 1 }
                pendingHigh = unit
            case 0xDC00...0xDFFF:
                if let leading = pendingHigh,
                    let scalar = Unicode.Scalar(0x10000 + (UInt32(leading - 0xD800) << 10) + UInt32(unit - 0xDC00))
                {
                    scalars.append(scalar)
                } else {
                    scalars.append(replacement)
                    substitutions += 1
                }
                pendingHigh = nil
            default:
                if pendingHigh != nil { scalars.append(replacement); substitutions += 1 }
                pendingHigh = nil
                scalars.append(Unicode.Scalar(unit) ?? replacement)
            }
        }
        if pendingHigh != nil {
            scalars.append(replacement)
            substitutions += 1
        }
        return DecodedText(text: String(scalars), substitutions: substitutions, alphabet: .ucs2)
    }

    /// One octet per character: octets below 0x80 are ASCII; `highOctet` maps the others (Latin-1: the octet is
    /// the scalar). Builds UTF-8 directly, one allocation, instead of appending scalar by scalar.
    private static func decodeOctets(
        _ bytes: some Collection<UInt8>, highOctet: (UInt8) -> Unicode.Scalar
    ) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte < 0x80 {
                utf8.append(byte)
            } else if let encoded = UTF8.encode(highOctet(byte)) {
                utf8.append(contentsOf: encoded)
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
