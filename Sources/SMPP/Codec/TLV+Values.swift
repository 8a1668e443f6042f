/// network_error_code (TLV 0x0423): the network type and its error code (reference §5).
public struct NetworkErrorCode: Hashable, Sendable {
    /// Octet 1: 1 ANSI-136, 2 IS-95, 3 GSM (4–8 are SMPP 5.0).
    public var networkType: UInt8
    /// Octets 2–3: the network-specific error code.
    public var errorCode: UInt16

    /// Creates a network error code.
    public init(networkType: UInt8, errorCode: UInt16) {
        self.networkType = networkType
        self.errorCode = errorCode
    }
}

extension TLV {
    /// A TLV holding one octet.
    public static func uint8(_ tag: TLVTag, _ value: UInt8) -> TLV { TLV(tag: tag, value: [value]) }

    /// A TLV holding a big-endian 16-bit integer.
    public static func uint16(_ tag: TLVTag, _ value: UInt16) -> TLV {
        TLV(tag: tag, value: [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }

    /// A TLV holding a big-endian 32-bit integer.
    public static func uint32(_ tag: TLVTag, _ value: UInt32) -> TLV {
        TLV(tag: tag, value: (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) })
    }

    /// A TLV holding a C-Octet String: the characters as ISO-8859-1 octets (anything above U+00FF becomes `?`)
    /// followed by NUL.
    public static func cString(_ tag: TLVTag, _ value: String) -> TLV {
        var octets: [UInt8] = []
        octets.reserveCapacity(value.utf8.count + 1)
        for scalar in value.unicodeScalars {
            octets.append(scalar.value <= 0xFF && scalar.value != 0 ? UInt8(truncatingIfNeeded: scalar.value) : 0x3F)
        }
        octets.append(0)
        return TLV(tag: tag, value: octets)
    }

    /// receipted_message_id (0x001E): the SMSC message id a receipt refers to.
    public static func receiptedMessageID(_ id: String) -> TLV { .cString(.receiptedMessageID, id) }
    /// message_state (0x0427), reference §6.
    public static func messageState(_ state: UInt8) -> TLV { .uint8(.messageState, state) }
    /// network_error_code (0x0423).
    public static func networkErrorCode(_ code: NetworkErrorCode) -> TLV {
        TLV(tag: .networkErrorCode, value: [
            code.networkType, UInt8(truncatingIfNeeded: code.errorCode >> 8), UInt8(truncatingIfNeeded: code.errorCode),
        ])
    }
    /// message_payload (0x0424): up to 65 535 octets.
    public static func messagePayload(_ octets: [UInt8]) -> TLV { TLV(tag: .messagePayload, value: octets) }
    /// sar_msg_ref_num (0x020C).
    public static func sarMsgRefNum(_ reference: UInt16) -> TLV { .uint16(.sarMsgRefNum, reference) }
    /// sar_total_segments (0x020E), 1–255.
    public static func sarTotalSegments(_ total: UInt8) -> TLV { .uint8(.sarTotalSegments, total) }
    /// sar_segment_seqnum (0x020F), 1-based.
    public static func sarSegmentSeqnum(_ number: UInt8) -> TLV { .uint8(.sarSegmentSeqnum, number) }
    /// sc_interface_version (0x0210), in bind_*_resp.
    public static func scInterfaceVersion(_ version: UInt8) -> TLV { .uint8(.scInterfaceVersion, version) }
    /// user_message_reference (0x0204).
    public static func userMessageReference(_ reference: UInt16) -> TLV { .uint16(.userMessageReference, reference) }
    /// source_port (0x020A).
    public static func sourcePort(_ port: UInt16) -> TLV { .uint16(.sourcePort, port) }
    /// destination_port (0x020B).
    public static func destinationPort(_ port: UInt16) -> TLV { .uint16(.destinationPort, port) }
    /// more_messages_to_send (0x0426): 0 no more, 1 more to follow.
    public static func moreMessagesToSend(_ flag: UInt8) -> TLV { .uint8(.moreMessagesToSend, flag) }
    /// payload_type (0x0019): 0 WDP, 1 WCMP.
    public static func payloadType(_ type: UInt8) -> TLV { .uint8(.payloadType, type) }
    /// ms_availability_status (0x0422): 0 available, 1 denied, 2 unavailable.
    public static func msAvailabilityStatus(_ status: UInt8) -> TLV { .uint8(.msAvailabilityStatus, status) }
    /// delivery_failure_reason (0x0425).
    public static func deliveryFailureReason(_ reason: UInt8) -> TLV { .uint8(.deliveryFailureReason, reason) }

    /// The value as an unsigned big-endian integer when it is 1, 2 or 4 octets long, else `nil`.
    public var integerValue: UInt32? {
        switch value.count {
        case 1: UInt32(value[0])
        case 2: UInt32(value[0]) << 8 | UInt32(value[1])
        case 4: UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3])
        default: nil
        }
    }

    /// The value read as a C-Octet String: octets up to the first NUL (or all of them if there is none), as
    /// ISO-8859-1. Lenient on purpose: SMSCs do send receipted_message_id without its NUL.
    public var cStringValue: String {
        var scalars = String.UnicodeScalarView()
        for octet in value {
            if octet == 0 { break }
            scalars.append(Unicode.Scalar(octet))
        }
        return String(scalars)
    }
}

extension Array where Element == TLV {
    /// The first TLV with `tag`, if any.
    public func first(_ tag: TLVTag) -> TLV? { first { $0.tag == tag } }

    /// Replaces the first TLV with the same tag, or appends it.
    public mutating func set(_ tlv: TLV) {
        if let index = firstIndex(where: { $0.tag == tlv.tag }) { self[index] = tlv } else { append(tlv) }
    }

    private func integer(_ tag: TLVTag, octets: Int) -> UInt32? {
        guard let tlv = first(tag), tlv.value.count == octets else { return nil }
        return tlv.integerValue
    }

    private func uint8(_ tag: TLVTag) -> UInt8? { integer(tag, octets: 1).map { UInt8(truncatingIfNeeded: $0) } }
    private func uint16(_ tag: TLVTag) -> UInt16? { integer(tag, octets: 2).map { UInt16(truncatingIfNeeded: $0) } }

    /// receipted_message_id (0x001E), read leniently (see ``TLV/cStringValue``).
    public var receiptedMessageID: String? { first(.receiptedMessageID)?.cStringValue }
    /// message_state (0x0427), when present with 1 octet.
    public var messageState: UInt8? { uint8(.messageState) }
    /// network_error_code (0x0423), when present with 3 octets.
    public var networkErrorCode: NetworkErrorCode? {
        guard let value = first(.networkErrorCode)?.value, value.count == 3 else { return nil }
        return NetworkErrorCode(networkType: value[0], errorCode: UInt16(value[1]) << 8 | UInt16(value[2]))
    }
    /// message_payload (0x0424) octets.
    public var messagePayload: [UInt8]? { first(.messagePayload)?.value }
    /// sar_msg_ref_num (0x020C), when present with 2 octets.
    public var sarMsgRefNum: UInt16? { uint16(.sarMsgRefNum) }
    /// sar_total_segments (0x020E), when present with 1 octet.
    public var sarTotalSegments: UInt8? { uint8(.sarTotalSegments) }
    /// sar_segment_seqnum (0x020F), when present with 1 octet.
    public var sarSegmentSeqnum: UInt8? { uint8(.sarSegmentSeqnum) }
    /// sc_interface_version (0x0210), when present with 1 octet.
    public var scInterfaceVersion: UInt8? { uint8(.scInterfaceVersion) }
    /// user_message_reference (0x0204), when present with 2 octets.
    public var userMessageReference: UInt16? { uint16(.userMessageReference) }
    /// source_port (0x020A), when present with 2 octets.
    public var sourcePort: UInt16? { uint16(.sourcePort) }
    /// destination_port (0x020B), when present with 2 octets.
    public var destinationPort: UInt16? { uint16(.destinationPort) }
    /// more_messages_to_send (0x0426), when present with 1 octet.
    public var moreMessagesToSend: UInt8? { uint8(.moreMessagesToSend) }
    /// payload_type (0x0019), when present with 1 octet.
    public var payloadType: UInt8? { uint8(.payloadType) }
    /// ms_availability_status (0x0422), when present with 1 octet.
    public var msAvailabilityStatus: UInt8? { uint8(.msAvailabilityStatus) }
    /// delivery_failure_reason (0x0425), when present with 1 octet.
    public var deliveryFailureReason: UInt8? { uint8(.deliveryFailureReason) }
    /// additional_status_info_text (0x001D), read leniently.
    public var additionalStatusInfoText: String? { first(.additionalStatusInfoText)?.cStringValue }
    /// ms_validity (0x1204), when present with 1 octet.
    public var msValidity: UInt8? { uint8(.msValidity) }
}
