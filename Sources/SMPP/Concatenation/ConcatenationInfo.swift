/// Where one part sits in a concatenated message: from a UDH (8/16-bit reference) or from SAR TLVs.
public struct ConcatenationInfo: Sendable, Hashable {
    /// How the concatenation was signalled.
    public enum Scheme: String, Sendable, Hashable, CaseIterable {
        /// UDH IEI 0x00, 8-bit reference.
        case udh8
        /// UDH IEI 0x08, 16-bit reference.
        case udh16
        /// TLVs sar_msg_ref_num, sar_total_segments, sar_segment_seqnum.
        case sar
    }

    /// The signalling used.
    public var scheme: Scheme
    /// The reference shared by every part (0–255 for `.udh8`).
    public var reference: UInt16
    /// Number of parts, as the part claims it (1–255 when valid).
    public var total: UInt8
    /// This part's 1-based position, as the part claims it.
    public var index: UInt8

    /// Creates concatenation information.
    public init(scheme: Scheme, reference: UInt16, total: UInt8, index: UInt8) {
        self.scheme = scheme
        self.reference = reference
        self.total = total
        self.index = index
    }

    /// Whether the part's position can be right: at least one part, and its index within 1…total. A part without it
    /// can never complete a message.
    public var isWithinTotal: Bool { index >= 1 && index <= total }

    /// The SAR triple, if all three TLVs are present with their reference lengths (2, 1, 1).
    public static func sar(in tlvs: [TLV]) -> ConcatenationInfo? {
        guard let reference = tlvs.first(where: { $0.tag == TLVTag.sarMsgRefNum })?.value, reference.count == 2,
            let total = tlvs.first(where: { $0.tag == TLVTag.sarTotalSegments })?.value, total.count == 1,
            let index = tlvs.first(where: { $0.tag == TLVTag.sarSegmentSeqnum })?.value, index.count == 1
        else { return nil }
        return ConcatenationInfo(
            scheme: .sar, reference: UInt16(reference[0]) << 8 | UInt16(reference[1]), total: total[0], index: index[0])
    }

    /// The SAR TLVs for this part (reference/SMPP-3.4.md §8): sar_msg_ref_num (I2), sar_total_segments (I1),
    /// sar_segment_seqnum (I1).
    public var sarTLVs: [TLV] {
        [
            TLV(tag: .sarMsgRefNum, value: [UInt8(truncatingIfNeeded: reference >> 8), UInt8(truncatingIfNeeded: reference)]),
            TLV(tag: .sarTotalSegments, value: [total]),
            TLV(tag: .sarSegmentSeqnum, value: [index]),
        ]
    }
}

/// How a long message is split (DESIGN §1.2 `concat`, reference/SMPP-3.4.md §8).
public enum ConcatenationMethod: String, Sendable, Hashable, CaseIterable {
    /// UDH with an 8-bit reference in each short_message (UDHI set).
    case udh8
    /// UDH with a 16-bit reference in each short_message (UDHI set).
    case udh16
    /// Plain short_messages with sar_msg_ref_num / sar_total_segments / sar_segment_seqnum; the SMSC builds the UDH.
    case sar
    /// The whole message in one message_payload TLV with an empty short_message.
    case payload
}

/// How many GSM septets a part may carry when septets travel unpacked (reference/SMPP-3.4.md §8).
public enum GSMPartSize: String, Sendable, Hashable, CaseIterable {
    /// The air-interface capacity: 160 alone, 153 with an 8-bit-ref UDH, 152 with a 16-bit one. Unpacked, a part's
    /// short_message is then up to 159 octets. The default.
    case standard
    /// For strict SMSCs that refuse a short_message over 140 octets even when unpacked: 140 alone, 134 with an
    /// 8-bit-ref UDH, 133 with a 16-bit one.
    case shortMessage140 = "short-message-140"
}
