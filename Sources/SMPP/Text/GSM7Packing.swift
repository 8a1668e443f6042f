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
    public static func pack(_ septets: some Collection<UInt8>, fillBits: Int = 0) -> [UInt8] {
        guard !septets.isEmpty else { return [] }
        let fill = min(max(fillBits, 0), 6)
        let totalBits = fill + septets.count * 7
        var octets = [UInt8](repeating: 0, count: (totalBits + 7) / 8)
        var bit = fill
        for septet in septets {
            let value = UInt16(septet & 0x7F) << UInt16(bit % 8)
            let index = bit / 8
            octets[index] |= UInt8(truncatingIfNeeded: value)
            if value > 0xFF, index + 1 < octets.count {
                octets[index + 1] |= UInt8(truncatingIfNeeded: value >> 8)
            }
            bit += 7
        }
        return octets
    }

    /// Unpacks octets into septets, skipping `fillBits` leading bits (0–6).
    ///
    /// With `septetCount` nil every whole septet is returned, except that a final 0x00 septet which only exists
    /// because seven spare bits ended the last octet is dropped as padding (the TSV's note on 0x00): the wire gives
    /// no septet count. With a count, at most that many septets are returned.
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
        if septetCount == nil, availableBits % 7 == 0, availableBits >= 14, septets.last == 0 {
            septets.removeLast()
        }
        return septets
    }
}
