extension MessageSegmenter {
    /// Where a non-final part of packed septets `units[start..<end]` ends so that the receiver reads its last seven
    /// bits right (`GSM7Packing.unpack(part:fillBits:isLastPart:)`): a part ending in '@' or CR exactly on an octet
    /// boundary before an escape would read as one padded to keep that escape pair whole, so it ends two septets
    /// earlier (three, to keep an escape pair whole itself), with six or five spare bits. Otherwise `end`.
    func packedPartEnd(_ units: [UInt8], start: Int, end: Int, limits: Limits) -> Int {
        guard let fill = limits.packedFillBits, end < units.count, units[end] == GSM0338.escape,
            GSM7Packing.endsAmbiguously(units[start..<end], fillBits: fill)
        else { return end }
        return endTwoSeptetsEarlier(units, start: start, end: end)
    }

    /// Where the last part of packed septets, from `start`, ends: a full part ending in CR on an octet boundary has
    /// no room for the closing CR `GSM7Packing.pack` adds, so its last two septets (three, to keep an escape pair
    /// whole) go on into one more part. Otherwise the end of `units`.
    func lastPackedPartEnd(_ units: [UInt8], start: Int, limits: Limits) -> Int {
        guard let fill = limits.packedFillBits, units.count - start >= limits.cost,
            GSM7Packing.needsClosingCR(units[start...], fillBits: fill)
        else { return units.count }
        return endTwoSeptetsEarlier(units, start: start, end: units.count)
    }

    /// `end` moved back two septets, or three when that would cut an escape pair; `end` when no septet would be left.
    private func endTwoSeptetsEarlier(_ units: [UInt8], start: Int, end: Int) -> Int {
        var earlier = end - 2
        if earlier > start, units[earlier - 1] == GSM0338.escape { earlier -= 1 }
        return earlier > start ? earlier : end
    }
}
