extension MessageSegmenter {
    /// What one part may hold: capacity units (septets, code units, octets) and short_message payload octets.
    struct Limits {
        var cost: Int
        var octets: Int
        /// Fill bits before a part's packed septets; nil when septets are not packed.
        var packedFillBits: Int? = nil
    }

    /// A part's slice of `EncodedText.units` and the capacity units it uses.
    struct PartRange {
        var units: Range<Int>
        var cost: Int
    }

    func capacity(_ text: EncodedText, headerOctets: Int) throws(SegmentationError) -> Limits {
        let room = Self.userDataOctets - headerOctets
        // A part must hold at least the largest indivisible unit (an escape pair, a surrogate pair).
        guard room >= 4 else { throw SegmentationError(code: .headerTooLong, amount: headerOctets) }
        let smRoom = Self.shortMessageOctets - headerOctets
        switch text.encoding {
        case .gsm7?:
            let septets = room * 8 / 7
            let unpacked = text.alphabet != .gsm7Packed
            let octets = unpacked && gsmPartSize == .shortMessage140 ? room : smRoom
            return Limits(cost: septets, octets: octets)
        case .ucs2?:
            return Limits(cost: room / 2, octets: room)
        default:
            return Limits(cost: room, octets: room)
        }
    }

    /// Greedy split into parts that respect `limits`, never cutting an indivisible unit.
    func split(_ text: EncodedText, limits: Limits) throws(SegmentationError) -> [PartRange] {
        let units = text.units
        var ranges = [PartRange]()
        var start = 0
        var cost = 0
        var position = 0
        while position < units.count {
            let (length, unitCost) = chunk(text, at: position)
            let octets = text.alphabet == .gsm7Packed ? 0 : position + length - start
            if cost + unitCost > limits.cost || octets > limits.octets {
                // `capacity` guarantees room for any unit; this only guards against looping forever.
                guard position > start else { throw SegmentationError(code: .headerTooLong, amount: 0) }
                let end = packedPartEnd(units, start: start, end: position, limits: limits)
                // Only packed septets end early, and each of them costs one.
                ranges.append(PartRange(units: start..<end, cost: cost - (position - end)))
                start = end
                position = end
                cost = 0
                continue
            }
            cost += unitCost
            position += length
        }
        if position > start {
            let end = lastPackedPartEnd(units, start: start, limits: limits)
            if end < position {
                ranges.append(PartRange(units: start..<end, cost: end - start))
                cost -= end - start
                start = end
            }
            ranges.append(PartRange(units: start..<position, cost: cost))
        }
        return ranges
    }
}
