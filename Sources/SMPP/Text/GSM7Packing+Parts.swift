extension GSM7Packing {
    /// Set by `unpack(part:fillBits:isLastPart:)` on a non-final part's last septet that may be padding. Septets use
    /// bits 0–6 only, so the flag cannot be mistaken for one.
    public static let possiblePaddingFlag: UInt8 = 0x80

    /// Unpacks the user data of one part of a concatenated message.
    ///
    /// The last part follows `unpack(_:fillBits:septetCount:)`: a final 0x00 or CR on an exact fit is padding. In
    /// any other part every septet is text, except after a sender that kept an escape pair whole: it leaves seven
    /// spare bits (CR, TS 23.038 §6.1.2.3.1; some senders 0x00) and the next part starts with the escape (0x1B).
    /// Only the next part tells them apart, so such a last septet comes back with `possiblePaddingFlag` set for
    /// `settlingPadding(_:)` to decide.
    public static func unpack(part octets: some Collection<UInt8>, fillBits: Int, isLastPart: Bool) -> [UInt8] {
        guard !isLastPart else { return unpack(octets, fillBits: fillBits) }
        let availableBits = octets.count * 8 - min(max(fillBits, 0), 6)
        var septets = unpack(octets, fillBits: fillBits, septetCount: max(availableBits, 0) / 7)
        if availableBits % 7 == 0, septets.count >= 2, let last = septets.last, isPaddingLookalike(last) {
            septets[septets.count - 1] = last | possiblePaddingFlag
        }
        return septets
    }

    /// The parts of one message, unpacked by `unpack(part:fillBits:isLastPart:)` and in order, with every flagged
    /// septet settled: dropped as padding when the next part starts with an escape (0x1B), otherwise kept as text.
    public static func settlingPadding(_ parts: [[UInt8]]) -> [[UInt8]] {
        parts.indices.map { index in
            var septets = parts[index]
            guard let last = septets.last, last & possiblePaddingFlag != 0 else { return septets }
            let nextStartsWithEscape = parts.indices.contains(index + 1) && parts[index + 1].first == GSM0338.escape
            if nextStartsWithEscape {
                septets.removeLast()
            } else {
                septets[septets.count - 1] = last & ~possiblePaddingFlag
            }
            return septets
        }
    }

    /// The septets of a concatenated message's parts, in order, each `(user data after its UDH, its fill bits)`:
    /// every part unpacked by `unpack(part:fillBits:isLastPart:)` and joined after `settlingPadding(_:)`.
    public static func unpack(parts: [(octets: [UInt8], fillBits: Int)]) -> [UInt8] {
        let unpacked = parts.indices.map { index in
            unpack(part: parts[index].octets, fillBits: parts[index].fillBits, isLastPart: index == parts.count - 1)
        }
        return settlingPadding(unpacked).flatMap { $0 }
    }

    /// Whether `septet` may be padding in the last seven bits of a packed part (0x00 or CR).
    static func isPaddingLookalike(_ septet: UInt8) -> Bool {
        septet == 0 || septet == carriageReturn
    }
}
