/// Splits an encoded message into submit_sm parts (reference/SMPP-3.4.md §8).
///
/// Capacities follow from 140 octets of air-interface user data minus the UDH: GSM `(140 - udh) * 8 / 7` septets
/// (160/153/152), UCS2 `(140 - udh) / 2` code units (70/67/66), other octets `140 - udh` (140/134/133). SAR parts
/// are sized for a 16-bit-reference UDH because the SMSC builds it from a 16-bit sar_msg_ref_num. An escape pair
/// (`0x1B xx`), a UTF-16 code unit or surrogate pair is never split; that holds for a binary payload whose
/// `data_coding` names UCS2 or GSM 7-bit too (counted in octets, split as text). A packed GSM part that would end
/// in '@' or CR exactly on an octet boundary before an escape pair ends two septets earlier, or the receiver would
/// take that septet for the padding of a part kept short for the pair; a last part ending in CR on an octet
/// boundary leaves room for the closing CR `GSM7Packing.pack` adds (a full one hands its last two septets on to one
/// more part). A message that fits one part gets no UDH and no SAR TLVs whatever the method.
public struct MessageSegmenter: Sendable, Hashable {
    /// Most parts a message may have (the UDH total is one octet).
    public static let maximumParts = 255
    /// Most octets message_payload may carry (16-bit TLV length).
    public static let maximumPayloadOctets = 65_535
    /// Air-interface user data octets.
    static let userDataOctets = 140
    /// sm_length is one octet and 255 is reserved.
    static let shortMessageOctets = 254

    /// How long messages are split (default `.udh8`).
    public var method: ConcatenationMethod
    /// Septets per GSM part when septets travel unpacked (default `.standard`: 153).
    public var gsmPartSize: GSMPartSize

    /// Creates a segmenter.
    public init(method: ConcatenationMethod = .udh8, gsmPartSize: GSMPartSize = .standard) {
        self.method = method
        self.gsmPartSize = gsmPartSize
    }

    /// Whether `text` goes as one submit (no reference needed): it fits one part, or the method is `payload`.
    public func isSinglePart(_ text: EncodedText, header: UserDataHeader? = nil) throws(SegmentationError) -> Bool {
        try fitsOnePart(text, callerHeader: header ?? UserDataHeader()) || method == .payload
    }

    /// Splits `text`, drawing a reference from `references` for `destination` only when more than one part is needed.
    /// - Parameter header: the caller's own UDH elements (binary requests), repeated in every part.
    public func segment(
        _ text: EncodedText,
        destination: String,
        references: inout ConcatenationReferences,
        header: UserDataHeader? = nil
    ) throws(SegmentationError) -> SegmentedMessage {
        let callerHeader = header ?? UserDataHeader()
        if try fitsOnePart(text, callerHeader: callerHeader) || method == .payload {
            return try segment(text, reference: 0, header: header)
        }
        let reference = references.next(for: destination, sixteenBit: method != .udh8)
        return try segment(text, reference: reference, header: header)
    }

    /// Splits `text` using `reference` if more than one part is needed (its low octet with `.udh8`).
    /// - Throws: `SegmentationError` beyond 255 parts, beyond 65 535 payload octets, or when the caller's UDH
    ///   leaves no room.
    public func segment(
        _ text: EncodedText,
        reference: UInt16,
        header: UserDataHeader? = nil
    ) throws(SegmentationError) -> SegmentedMessage {
        let callerHeader = header ?? UserDataHeader()
        var message = SegmentedMessage(
            encoding: text.encoding, alphabet: text.alphabet, dataCoding: text.dataCoding, count: text.count,
            method: method, reference: nil, parts: [])
        if try fitsOnePart(text, callerHeader: callerHeader) {
            message.parts = [makePart(text, range: 0..<text.units.count, cost: text.count, header: callerHeader, index: 1, total: 1)]
            return message
        }
        if method == .payload {
            // One PDU here, but the SMSC still sends it as a concatenated SMS of at most 255 parts: refuse what
            // needs more, as the other methods do (counted with an 8-bit reference, the smaller header: what the
            // SMSC can fit at best).
            var air = callerHeader.withoutConcatenation
            air.elements.append(UserDataHeader.concatenationElement(reference: 0, total: 255, index: 255, sixteenBit: false))
            let airHeader = air.encodedCount
            let airParts = try split(text, limits: try capacity(text, headerOctets: airHeader)).count
            guard airParts <= Self.maximumParts else { throw SegmentationError(code: .tooManyParts, amount: airParts) }
            message.parts = [try payloadPart(text, header: callerHeader)]
            return message
        }
        let reference = method == .udh8 ? reference & 0xFF : reference
        let probe = partHeader(callerHeader, reference: reference, total: 255, index: 255)
        var limits = try capacity(text, headerOctets: probe.effectiveOctets)
        if text.alphabet == .gsm7Packed {
            limits.packedFillBits = GSM7Packing.fillBits(afterUDHOctets: probe.inShortMessage.elements.isEmpty ? 0 : probe.inShortMessage.encodedCount)
        }
        let ranges = try split(text, limits: limits)
        guard ranges.count <= Self.maximumParts else {
            throw SegmentationError(code: .tooManyParts, amount: ranges.count)
        }
        let total = UInt8(truncatingIfNeeded: ranges.count)
        for (offset, range) in ranges.enumerated() {
            let index = UInt8(truncatingIfNeeded: offset + 1)
            let header = partHeader(callerHeader, reference: reference, total: total, index: index)
            var part = makePart(text, range: range.units, cost: range.cost, header: header.inShortMessage, index: offset + 1, total: ranges.count)
            if method == .sar {
                part.tlvs = ConcatenationInfo(scheme: .sar, reference: reference, total: total, index: index).sarTLVs
            }
            message.parts.append(part)
        }
        message.reference = reference
        return message
    }

    /// The UDH that goes into a part's short_message, and the UDH size the part must leave room for.
    private func partHeader(
        _ caller: UserDataHeader,
        reference: UInt16,
        total: UInt8,
        index: UInt8
    ) -> (inShortMessage: UserDataHeader, effectiveOctets: Int) {
        var withConcat = caller.withoutConcatenation
        withConcat.elements.append(
            UserDataHeader.concatenationElement(reference: reference, total: total, index: index, sixteenBit: method != .udh8))
        if method == .sar {
            // The SMSC adds the concatenation element itself; only the caller's elements travel in short_message.
            return (caller.withoutConcatenation, withConcat.encodedCount)
        }
        return (withConcat, withConcat.encodedCount)
    }

    private func fitsOnePart(_ text: EncodedText, callerHeader: UserDataHeader) throws(SegmentationError) -> Bool {
        let headerOctets = callerHeader.elements.isEmpty ? 0 : callerHeader.encodedCount
        let limits = try capacity(text, headerOctets: headerOctets)
        let octets = text.alphabet == .gsm7Packed ? 0 : text.units.count
        return text.count + closingCRSeptets(text, headerOctets: headerOctets) <= limits.cost && octets <= limits.octets
    }

    /// 1 when `pack` will add a closing CR after the packed septets of `text` (`GSM7Packing.needsClosingCR`).
    private func closingCRSeptets(_ text: EncodedText, headerOctets: Int) -> Int {
        let fill = GSM7Packing.fillBits(afterUDHOctets: headerOctets)
        return text.alphabet == .gsm7Packed && GSM7Packing.needsClosingCR(text.units, fillBits: fill) ? 1 : 0
    }

    private func payloadPart(_ text: EncodedText, header: UserDataHeader) throws(SegmentationError) -> SubmitPart {
        let udh = header.elements.isEmpty ? [] : header.octets
        let body = text.alphabet == .gsm7Packed
            ? GSM7Packing.pack(text.units, fillBits: GSM7Packing.fillBits(afterUDHOctets: udh.count)) : text.units
        let payload = udh + body
        guard payload.count <= Self.maximumPayloadOctets else {
            throw SegmentationError(code: .payloadTooLong, amount: payload.count)
        }
        return SubmitPart(
            index: 1, total: 1, shortMessage: [], udh: udh.isEmpty ? nil : udh, esmClassFlags: udh.isEmpty ? 0 : 0x40,
            tlvs: [TLV(tag: .messagePayload, value: payload)], dataCoding: text.dataCoding, count: text.count)
    }

    private func makePart(
        _ text: EncodedText,
        range: Range<Int>,
        cost: Int,
        header: UserDataHeader,
        index: Int,
        total: Int
    ) -> SubmitPart {
        let udh = header.elements.isEmpty ? [] : header.octets
        let units = text.units[range]
        // Only the last part gets a closing CR: the others are read whole, and a full one has no room for it.
        let body = text.alphabet == .gsm7Packed
            ? GSM7Packing.pack(
                units, fillBits: GSM7Packing.fillBits(afterUDHOctets: udh.count), closingCR: index == total)
            : Array(units)
        return SubmitPart(
            index: index, total: total, shortMessage: udh + body, udh: udh.isEmpty ? nil : udh,
            esmClassFlags: udh.isEmpty ? 0 : 0x40, tlvs: [], dataCoding: text.dataCoding, count: cost)
    }
}
