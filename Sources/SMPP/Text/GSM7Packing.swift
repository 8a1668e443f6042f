/// Packing of GSM 03.38 septets into octets (3GPP TS 23.038 §6.1.2.1), least significant bit first.
public enum GSM7Packing {
    /// The zero bits that follow a UDH of `udhOctets` octets so that the first septet starts on a septet boundary:
    /// `(7 - (udhOctets * 8) % 7) % 7` — 1 for a 6-octet UDH, 0 for a 7-octet one, 0 without a UDH.
    @inlinable
    public static func fillBits(afterUDHOctets udhOctets: Int) -> Int {
        guard udhOctets > 0 else { return 0 }
        return (7 - (udhOctets % 7) * 8 % 7) % 7
    }

    /// Packs septets (only their low seven bits are used), preceded by `fillBits` zero bits (0–6).
    ///
    /// When the last octet would end with seven spare bits they hold CR (0x0D), as 3GPP TS 23.038 §6.1.2.3.1 asks,
    /// so a receiver that counts septets from octets does not show a stray '@'; `unpack` drops it again. Septets
    /// that end in CR exactly on an octet boundary get a second CR (`needsClosingCR`), as the same clause asks, or
    /// the receiver would take their CR for padding — unless `closingCR` is false: a part that is not a message's
    /// last is read whole (`unpack(part:fillBits:isLastPart:)`), and a full one has no room for another septet.
    public static func pack(_ septets: some Collection<UInt8>, fillBits: Int = 0, closingCR: Bool = true) -> [UInt8] {
        guard !septets.isEmpty else { return [] }
        let fill = min(max(fillBits, 0), 6)
        let closing = closingCR && needsClosingCR(septets, fillBits: fill)
        let totalBits = fill + (septets.count + (closing ? 1 : 0)) * 7
        var octets = [UInt8](repeating: 0, count: (totalBits + 7) / 8)
        var bit = fill
        func put(_ septet: UInt8) {
            let value = UInt16(septet & 0x7F) << UInt16(bit % 8)
            let index = bit / 8
            octets[index] |= UInt8(truncatingIfNeeded: value)
            if value > 0xFF, index + 1 < octets.count {
                octets[index + 1] |= UInt8(truncatingIfNeeded: value >> 8)
            }
            bit += 7
        }
        for septet in septets { put(septet) }
        if closing { put(carriageReturn) }
        if octets.count * 8 - bit == 7 { octets[octets.count - 1] |= carriageReturn << 1 }
        return octets
    }

    /// CR, the padding septet of TS 23.038 §6.1.2.3.1.
    static let carriageReturn: UInt8 = 0x0D

    /// Whether `septets` packed after `fillBits` end exactly on an octet boundary with a last septet (0x00 or CR)
    /// that `unpack` would take for padding. In a part that is not the last, `unpack(part:fillBits:isLastPart:)`
    /// keeps it.
    public static func endsAmbiguously(_ septets: some Collection<UInt8>, fillBits: Int) -> Bool {
        let count = septets.count
        guard count >= 2, (fillBits + count * 7) % 8 == 0 else { return false }
        return isPaddingLookalike(lastSeptet(of: septets, count: count))
    }

    /// Whether `pack` adds a second CR after `septets` packed after `fillBits`: they end in CR exactly on an octet
    /// boundary, where a receiver would take it for padding. CR CR means CR (TS 23.038 §6.1.2.3.1); `unpack` reads
    /// it so at the end.
    public static func needsClosingCR(_ septets: some Collection<UInt8>, fillBits: Int) -> Bool {
        endsAmbiguously(septets, fillBits: fillBits) && lastSeptet(of: septets, count: septets.count) == carriageReturn
    }

    /// The last of `count` (≥ 1) septets, read in place (`reversed()` on a plain collection would copy them all).
    private static func lastSeptet(of septets: some Collection<UInt8>, count: Int) -> UInt8 {
        septets[septets.index(septets.startIndex, offsetBy: count - 1)]
    }

    /// Unpacks octets into septets, skipping `fillBits` leading bits (0–6).
    ///
    /// With `septetCount` nil every whole septet is returned, except that when the bits divide into septets
    /// exactly, a final 0x00 or CR is dropped as padding: the wire gives no septet count, and seven spare bits may be
    /// zero (the TSV's note on 0x00) or CR (TS 23.038 §6.1.2.3.1). A message that really ends in '@' or CR on such
    /// a boundary is indistinguishable and loses that character; the parts of a concatenated message other than the
    /// last are unpacked by `unpack(part:fillBits:isLastPart:)` instead. A final CR CR whose first CR ends on an
    /// octet boundary reads as one CR (`needsClosingCR`; a text that really ends in CR CR there loses one, as the
    /// clause makes the two alike). With a count, at most that many septets are returned.
    public static func unpack(_ octets: some Collection<UInt8>, fillBits: Int = 0, septetCount: Int? = nil) -> [UInt8] {
        let bytes = Array(octets)
        let fill = min(max(fillBits, 0), 6)
        let availableBits = bytes.count * 8 - fill
        guard availableBits >= 7 else { return [] }
        var count = availableBits / 7
        if let septetCount { count = min(count, max(septetCount, 0)) }
        var septets = [UInt8]()
        septets.reserveCapacity(count)
        var bit = fill
        for _ in 0..<count {
            let index = bit / 8
            var value = UInt16(bytes[index])
            if index + 1 < bytes.count { value |= UInt16(bytes[index + 1]) << 8 }
            septets.append(UInt8(truncatingIfNeeded: value >> UInt16(bit % 8)) & 0x7F)
            bit += 7
        }
        guard septetCount == nil, let last = septets.last else { return septets }
        let endsInPadding = availableBits % 7 == 0 && availableBits >= 14 && isPaddingLookalike(last)
        // One spare bit after a CR CR: the septets before the last ended on an octet boundary with CR.
        let endsInClosingCR = availableBits % 7 == 1 && septets.count >= 3
            && septets.suffix(2).allSatisfy { $0 == carriageReturn }
        if endsInPadding || endsInClosingCR { septets.removeLast() }
        return septets
    }
}
