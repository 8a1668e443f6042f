/// The tags of reference/SMPP-3.4.md §5, with their reference names.
extension TLVTag {
    /// dest_addr_subunit (0x0005): 1 octet.
    public static let destAddrSubunit = TLVTag(rawValue: 0x0005)
    /// dest_network_type (0x0006): 1 octet.
    public static let destNetworkType = TLVTag(rawValue: 0x0006)
    /// dest_bearer_type (0x0007): 1 octet.
    public static let destBearerType = TLVTag(rawValue: 0x0007)
    /// dest_telematics_id (0x0008): 2 octets.
    public static let destTelematicsID = TLVTag(rawValue: 0x0008)
    /// source_addr_subunit (0x000D): 1 octet.
    public static let sourceAddrSubunit = TLVTag(rawValue: 0x000D)
    /// source_network_type (0x000E): 1 octet.
    public static let sourceNetworkType = TLVTag(rawValue: 0x000E)
    /// source_bearer_type (0x000F): 1 octet.
    public static let sourceBearerType = TLVTag(rawValue: 0x000F)
    /// source_telematics_id (0x0010): 1 octet.
    public static let sourceTelematicsID = TLVTag(rawValue: 0x0010)
    /// qos_time_to_live (0x0017): 4 octets.
    public static let qosTimeToLive = TLVTag(rawValue: 0x0017)
    /// payload_type (0x0019): 1 octet.
    public static let payloadType = TLVTag(rawValue: 0x0019)
    /// additional_status_info_text (0x001D): C-Octet String, at most 256 octets with NUL.
    public static let additionalStatusInfoText = TLVTag(rawValue: 0x001D)
    /// receipted_message_id (0x001E): C-Octet String, at most 65 octets with NUL.
    public static let receiptedMessageID = TLVTag(rawValue: 0x001E)
    /// ms_msg_wait_facilities (0x0030): 1 octet.
    public static let msMsgWaitFacilities = TLVTag(rawValue: 0x0030)
    /// privacy_indicator (0x0201): 1 octet.
    public static let privacyIndicator = TLVTag(rawValue: 0x0201)
    /// source_subaddress (0x0202): 2–23 octets.
    public static let sourceSubaddress = TLVTag(rawValue: 0x0202)
    /// dest_subaddress (0x0203): 2–23 octets.
    public static let destSubaddress = TLVTag(rawValue: 0x0203)
    /// user_message_reference (0x0204): 2 octets.
    public static let userMessageReference = TLVTag(rawValue: 0x0204)
    /// user_response_code (0x0205): 1 octet.
    public static let userResponseCode = TLVTag(rawValue: 0x0205)
    /// source_port (0x020A): 2 octets.
    public static let sourcePort = TLVTag(rawValue: 0x020A)
    /// destination_port (0x020B): 2 octets.
    public static let destinationPort = TLVTag(rawValue: 0x020B)
    /// sar_msg_ref_num (0x020C): 2 octets.
    public static let sarMsgRefNum = TLVTag(rawValue: 0x020C)
    /// language_indicator (0x020D): 1 octet.
    public static let languageIndicator = TLVTag(rawValue: 0x020D)
    /// sar_total_segments (0x020E): 1 octet.
    public static let sarTotalSegments = TLVTag(rawValue: 0x020E)
    /// sar_segment_seqnum (0x020F): 1 octet.
    public static let sarSegmentSeqnum = TLVTag(rawValue: 0x020F)
    /// sc_interface_version (0x0210): 1 octet.
    public static let scInterfaceVersion = TLVTag(rawValue: 0x0210)
    /// callback_num_pres_ind (0x0302): 1 octet.
    public static let callbackNumPresInd = TLVTag(rawValue: 0x0302)
    /// callback_num_atag (0x0303): 65 octets.
    public static let callbackNumAtag = TLVTag(rawValue: 0x0303)
    /// number_of_messages (0x0304): 1 octet.
    public static let numberOfMessages = TLVTag(rawValue: 0x0304)
    /// callback_num (0x0381): 4–19 octets.
    public static let callbackNum = TLVTag(rawValue: 0x0381)
    /// dpf_result (0x0420): 1 octet.
    public static let dpfResult = TLVTag(rawValue: 0x0420)
    /// set_dpf (0x0421): 1 octet.
    public static let setDpf = TLVTag(rawValue: 0x0421)
    /// ms_availability_status (0x0422): 1 octet.
    public static let msAvailabilityStatus = TLVTag(rawValue: 0x0422)
    /// network_error_code (0x0423): 3 octets.
    public static let networkErrorCode = TLVTag(rawValue: 0x0423)
    /// message_payload (0x0424): octet string, up to 65 535 octets.
    public static let messagePayload = TLVTag(rawValue: 0x0424)
    /// delivery_failure_reason (0x0425): 1 octet.
    public static let deliveryFailureReason = TLVTag(rawValue: 0x0425)
    /// more_messages_to_send (0x0426): 1 octet.
    public static let moreMessagesToSend = TLVTag(rawValue: 0x0426)
    /// message_state (0x0427): 1 octet.
    public static let messageState = TLVTag(rawValue: 0x0427)
    /// ussd_service_op (0x0501): 1 octet.
    public static let ussdServiceOp = TLVTag(rawValue: 0x0501)
    /// display_time (0x1201): 1 octet.
    public static let displayTime = TLVTag(rawValue: 0x1201)
    /// sms_signal (0x1203): 2 octets.
    public static let smsSignal = TLVTag(rawValue: 0x1203)
    /// ms_validity (0x1204): 1 octet.
    public static let msValidity = TLVTag(rawValue: 0x1204)
    /// alert_on_message_delivery (0x130C): no value (a presence flag).
    public static let alertOnMessageDelivery = TLVTag(rawValue: 0x130C)
    /// its_reply_type (0x1380): 1 octet.
    public static let itsReplyType = TLVTag(rawValue: 0x1380)
    /// its_session_info (0x1383): 2 octets.
    public static let itsSessionInfo = TLVTag(rawValue: 0x1383)

    /// Every tag reference §5 lists, in wire order.
    public static let allKnown: [TLVTag] = [
        .destAddrSubunit, .destNetworkType, .destBearerType, .destTelematicsID, .sourceAddrSubunit,
        .sourceNetworkType, .sourceBearerType, .sourceTelematicsID, .qosTimeToLive, .payloadType,
        .additionalStatusInfoText, .receiptedMessageID, .msMsgWaitFacilities, .privacyIndicator, .sourceSubaddress,
        .destSubaddress, .userMessageReference, .userResponseCode, .sourcePort, .destinationPort, .sarMsgRefNum,
        .languageIndicator, .sarTotalSegments, .sarSegmentSeqnum, .scInterfaceVersion, .callbackNumPresInd,
        .callbackNumAtag, .numberOfMessages, .callbackNum, .dpfResult, .setDpf, .msAvailabilityStatus,
        .networkErrorCode, .messagePayload, .deliveryFailureReason, .moreMessagesToSend, .messageState,
        .ussdServiceOp, .displayTime, .smsSignal, .msValidity, .alertOnMessageDelivery, .itsReplyType,
        .itsSessionInfo,
    ]

    /// Whether the tag lies in the SMSC vendor range 0x1400–0x3FFF.
    public var isVendorSpecific: Bool { (0x1400...0x3FFF).contains(rawValue) }

    /// The reference name, e.g. `message_payload`, or `nil` for a tag reference §5 does not list.
    public var knownName: String? {
        switch rawValue {
        case 0x0005: "dest_addr_subunit"
        case 0x0006: "dest_network_type"
        case 0x0007: "dest_bearer_type"
        case 0x0008: "dest_telematics_id"
        case 0x000D: "source_addr_subunit"
        case 0x000E: "source_network_type"
        case 0x000F: "source_bearer_type"
        case 0x0010: "source_telematics_id"
        case 0x0017: "qos_time_to_live"
        case 0x0019: "payload_type"
        case 0x001D: "additional_status_info_text"
        case 0x001E: "receipted_message_id"
        case 0x0030: "ms_msg_wait_facilities"
        case 0x0201: "privacy_indicator"
        case 0x0202: "source_subaddress"
        case 0x0203: "dest_subaddress"
        case 0x0204: "user_message_reference"
        case 0x0205: "user_response_code"
        case 0x020A: "source_port"
        case 0x020B: "destination_port"
        case 0x020C: "sar_msg_ref_num"
        case 0x020D: "language_indicator"
        case 0x020E: "sar_total_segments"
        case 0x020F: "sar_segment_seqnum"
        case 0x0210: "sc_interface_version"
        case 0x0302: "callback_num_pres_ind"
        case 0x0303: "callback_num_atag"
        case 0x0304: "number_of_messages"
        case 0x0381: "callback_num"
        case 0x0420: "dpf_result"
        case 0x0421: "set_dpf"
        case 0x0422: "ms_availability_status"
        case 0x0423: "network_error_code"
        case 0x0424: "message_payload"
        case 0x0425: "delivery_failure_reason"
        case 0x0426: "more_messages_to_send"
        case 0x0427: "message_state"
        case 0x0501: "ussd_service_op"
        case 0x1201: "display_time"
        case 0x1203: "sms_signal"
        case 0x1204: "ms_validity"
        case 0x130C: "alert_on_message_delivery"
        case 0x1380: "its_reply_type"
        case 0x1383: "its_session_info"
        default: nil
        }
    }

    /// The reference name; a vendor tag reads `vendor_0x1400`, any other unknown tag `0x0042`.
    public var name: String {
        if let knownName { return knownName }
        let digits = String(rawValue, radix: 16)
        let hex = "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return isVendorSpecific ? "vendor_" + hex : hex
    }
}
