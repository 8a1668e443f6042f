extension MessageSegmenter {
    /// The indivisible unit at `position`: its length in `units` and its cost in capacity units.
    func chunk(_ text: EncodedText, at position: Int) -> (length: Int, cost: Int) {
        let units = text.units
        switch (text.encoding, text.alphabet) {
        case (.gsm7?, .gsm7), (.gsm7?, .gsm7Packed):
            let length = Self.escapePairLength(units, at: position)
            return (length, length)
        case (.gsm7?, _):
            // Latin-1/ASCII octets for an SMSC that converts to GSM: an extension character still costs 2 septets.
            return (1, GSM0338.septetCost(of: Unicode.Scalar(units[position])) ?? 1)
        case (.ucs2?, _):
            let length = Self.utf16Length(units, at: position)
            return (length, max(1, length / 2))
        case (nil, _):
            // Binary, counted in octets; a text data_coding's units stay whole, as if the caller's octets were text.
            let length = switch SMSText.alphabet(forDataCoding: text.dataCoding) {
            case .gsm7, .gsm7Packed: Self.escapePairLength(units, at: position)
            case .ucs2: Self.utf16Length(units, at: position)
            case .latin1, .ascii, .binary: 1
            }
            return (length, length)
        default:
            return (1, 1)
        }
    }

    /// 2 for an escape pair (`0x1B xx`) at `position` of unpacked septets, else 1.
    private static func escapePairLength(_ units: [UInt8], at position: Int) -> Int {
        units[position] == GSM0338.escape && position + 1 < units.count ? 2 : 1
    }

    /// The UTF-16BE octets at `position` that belong together: 4 for a surrogate pair, 2 for any other code unit,
    /// and what is left (1) of an odd length.
    private static func utf16Length(_ units: [UInt8], at position: Int) -> Int {
        guard position + 1 < units.count else { return units.count - position }
        let highSurrogateFollowedByLow = units[position] & 0xFC == 0xD8 && position + 3 < units.count
            && units[position + 2] & 0xFC == 0xDC
        return highSurrogateFollowedByLow ? 4 : 2
    }
}
