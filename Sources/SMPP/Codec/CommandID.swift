/// An SMPP `command_id` (reference/SMPP-3.4.md §2).
///
/// An open struct: every 32-bit value is representable, so an unknown operation can be answered with generic_nack
/// instead of failing the session. Responses have bit 31 set (`resp_id = req_id | 0x80000000`).
public struct CommandID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The value as it appears on the wire.
    public var rawValue: UInt32

    /// Creates a command id from its wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// bind_receiver, 0x00000001.
    public static let bindReceiver = CommandID(rawValue: 0x0000_0001)
    /// bind_receiver_resp, 0x80000001.
    public static let bindReceiverResp = CommandID(rawValue: 0x8000_0001)
    /// bind_transmitter, 0x00000002.
    public static let bindTransmitter = CommandID(rawValue: 0x0000_0002)
    /// bind_transmitter_resp, 0x80000002.
    public static let bindTransmitterResp = CommandID(rawValue: 0x8000_0002)
    /// query_sm, 0x00000003.
    public static let querySM = CommandID(rawValue: 0x0000_0003)
    /// query_sm_resp, 0x80000003.
    public static let querySMResp = CommandID(rawValue: 0x8000_0003)
    /// submit_sm, 0x00000004.
    public static let submitSM = CommandID(rawValue: 0x0000_0004)
    /// submit_sm_resp, 0x80000004.
    public static let submitSMResp = CommandID(rawValue: 0x8000_0004)
    /// deliver_sm, 0x00000005.
    public static let deliverSM = CommandID(rawValue: 0x0000_0005)
    /// deliver_sm_resp, 0x80000005.
    public static let deliverSMResp = CommandID(rawValue: 0x8000_0005)
    /// unbind, 0x00000006.
    public static let unbind = CommandID(rawValue: 0x0000_0006)
    /// unbind_resp, 0x80000006.
    public static let unbindResp = CommandID(rawValue: 0x8000_0006)
    /// replace_sm, 0x00000007.
    public static let replaceSM = CommandID(rawValue: 0x0000_0007)
    /// replace_sm_resp, 0x80000007.
    public static let replaceSMResp = CommandID(rawValue: 0x8000_0007)
    /// cancel_sm, 0x00000008.
    public static let cancelSM = CommandID(rawValue: 0x0000_0008)
    /// cancel_sm_resp, 0x80000008.
    public static let cancelSMResp = CommandID(rawValue: 0x8000_0008)
    /// bind_transceiver, 0x00000009.
    public static let bindTransceiver = CommandID(rawValue: 0x0000_0009)
    /// bind_transceiver_resp, 0x80000009.
    public static let bindTransceiverResp = CommandID(rawValue: 0x8000_0009)
    /// outbind, 0x0000000B (no response exists).
    public static let outbind = CommandID(rawValue: 0x0000_000B)
    /// enquire_link, 0x00000015.
    public static let enquireLink = CommandID(rawValue: 0x0000_0015)
    /// enquire_link_resp, 0x80000015.
    public static let enquireLinkResp = CommandID(rawValue: 0x8000_0015)
    /// submit_multi, 0x00000021.
    public static let submitMulti = CommandID(rawValue: 0x0000_0021)
    /// submit_multi_resp, 0x80000021.
    public static let submitMultiResp = CommandID(rawValue: 0x8000_0021)
    /// alert_notification, 0x00000102 (no response exists).
    public static let alertNotification = CommandID(rawValue: 0x0000_0102)
    /// data_sm, 0x00000103.
    public static let dataSM = CommandID(rawValue: 0x0000_0103)
    /// data_sm_resp, 0x80000103.
    public static let dataSMResp = CommandID(rawValue: 0x8000_0103)
    /// generic_nack, 0x80000000 (exists only as a response).
    public static let genericNack = CommandID(rawValue: 0x8000_0000)

    /// Every command id SMPP 3.4 defines, requests and responses.
    public static let allKnown: [CommandID] = [
        .bindReceiver, .bindReceiverResp, .bindTransmitter, .bindTransmitterResp, .querySM, .querySMResp,
        .submitSM, .submitSMResp, .deliverSM, .deliverSMResp, .unbind, .unbindResp, .replaceSM, .replaceSMResp,
        .cancelSM, .cancelSMResp, .bindTransceiver, .bindTransceiverResp, .outbind, .enquireLink, .enquireLinkResp,
        .submitMulti, .submitMultiResp, .alertNotification, .dataSM, .dataSMResp, .genericNack,
    ]

    /// Whether bit 31 is set, i.e. this is a response (generic_nack included).
    public var isResponse: Bool { rawValue & 0x8000_0000 != 0 }

    /// Whether this is one of the ids SMPP 3.4 defines.
    public var isKnown: Bool { Self.knownName(rawValue) != nil }

    /// The id of the response to this request, or `nil` for responses, outbind, alert_notification and unknown ids.
    public var responseID: CommandID? {
        if isResponse || self == .outbind || self == .alertNotification || !isKnown { return nil }
        return CommandID(rawValue: rawValue | 0x8000_0000)
    }

    /// The reference name, e.g. `submit_sm_resp`; unknown ids read `0x%08x`.
    public var name: String { Self.knownName(rawValue) ?? hex32(rawValue) }

    /// Same as ``name``.
    public var description: String { name }

    private static func knownName(_ value: UInt32) -> String? {
        let base: String
        switch value & 0x7FFF_FFFF {
        case 0x01: base = "bind_receiver"
        case 0x02: base = "bind_transmitter"
        case 0x03: base = "query_sm"
        case 0x04: base = "submit_sm"
        case 0x05: base = "deliver_sm"
        case 0x06: base = "unbind"
        case 0x07: base = "replace_sm"
        case 0x08: base = "cancel_sm"
        case 0x09: base = "bind_transceiver"
        case 0x0B: return value == 0x0B ? "outbind" : nil
        case 0x15: base = "enquire_link"
        case 0x21: base = "submit_multi"
        case 0x102: return value == 0x102 ? "alert_notification" : nil
        case 0x103: base = "data_sm"
        case 0x00: return value == 0x8000_0000 ? "generic_nack" : nil
        default: return nil
        }
        return value & 0x8000_0000 != 0 ? base + "_resp" : base
    }
}

/// `0x` and eight lower-case hex digits.
func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
