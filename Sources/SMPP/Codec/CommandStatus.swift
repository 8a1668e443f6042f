/// An SMPP `command_status` (reference/SMPP-3.4.md §4).
///
/// An open struct: reserved, 5.0 and vendor values (0x400–0x4FF) are representable and keep their number.
public struct CommandStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The value as it appears on the wire.
    public var rawValue: UInt32

    /// Creates a status from its wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// What a sender should do about a non-zero status (reference §4, class column).
    public enum ErrorClass: String, Hashable, Sendable {
        /// Retry the same message later (and, for ``CommandStatus/throttled``, slow down).
        case transient
        /// Fix the session (rebind or reconnect); do not drop the message.
        case session
        /// Fail the message; a retry gets the same answer.
        case permanent
    }

    /// ESME_ROK (0x00): No error.
    public static let ok = CommandStatus(rawValue: 0x00)
    /// ESME_RINVMSGLEN (0x01): Message length invalid.
    public static let invalidMessageLength = CommandStatus(rawValue: 0x01)
    /// ESME_RINVCMDLEN (0x02): Command length invalid.
    public static let invalidCommandLength = CommandStatus(rawValue: 0x02)
    /// ESME_RINVCMDID (0x03): Invalid command ID.
    public static let invalidCommandID = CommandStatus(rawValue: 0x03)
    /// ESME_RINVBNDSTS (0x04): Wrong bind status for this command.
    public static let invalidBindStatus = CommandStatus(rawValue: 0x04)
    /// ESME_RALYBND (0x05): ESME already bound.
    public static let alreadyBound = CommandStatus(rawValue: 0x05)
    /// ESME_RINVPRTFLG (0x06): Invalid priority_flag.
    public static let invalidPriorityFlag = CommandStatus(rawValue: 0x06)
    /// ESME_RINVREGDLVFLG (0x07): Invalid registered_delivery.
    public static let invalidRegisteredDeliveryFlag = CommandStatus(rawValue: 0x07)
    /// ESME_RSYSERR (0x08): System error.
    public static let systemError = CommandStatus(rawValue: 0x08)
    /// ESME_RINVSRCADR (0x0A): Invalid source address.
    public static let invalidSourceAddress = CommandStatus(rawValue: 0x0A)
    /// ESME_RINVDSTADR (0x0B): Invalid destination address.
    public static let invalidDestinationAddress = CommandStatus(rawValue: 0x0B)
    /// ESME_RINVMSGID (0x0C): Message ID invalid.
    public static let invalidMessageID = CommandStatus(rawValue: 0x0C)
    /// ESME_RBINDFAIL (0x0D): Bind failed.
    public static let bindFailed = CommandStatus(rawValue: 0x0D)
    /// ESME_RINVPASWD (0x0E): Invalid password.
    public static let invalidPassword = CommandStatus(rawValue: 0x0E)
    /// ESME_RINVSYSID (0x0F): Invalid system_id.
    public static let invalidSystemID = CommandStatus(rawValue: 0x0F)
    /// ESME_RCANCELFAIL (0x11): cancel_sm failed.
    public static let cancelFailed = CommandStatus(rawValue: 0x11)
    /// ESME_RREPLACEFAIL (0x13): replace_sm failed.
    public static let replaceFailed = CommandStatus(rawValue: 0x13)
    /// ESME_RMSGQFUL (0x14): Message queue full.
    public static let messageQueueFull = CommandStatus(rawValue: 0x14)
    /// ESME_RINVSERTYP (0x15): Invalid service_type.
    public static let invalidServiceType = CommandStatus(rawValue: 0x15)
    /// ESME_RINVNUMDESTS (0x33): Invalid number of destinations.
    public static let invalidNumberOfDestinations = CommandStatus(rawValue: 0x33)
    /// ESME_RINVDLNAME (0x34): Invalid distribution list name.
    public static let invalidDistributionListName = CommandStatus(rawValue: 0x34)
    /// ESME_RINVDESTFLAG (0x40): Invalid dest_flag (submit_multi).
    public static let invalidDestinationFlag = CommandStatus(rawValue: 0x40)
    /// ESME_RINVSUBREP (0x42): Invalid submit with replace request.
    public static let invalidSubmitWithReplace = CommandStatus(rawValue: 0x42)
    /// ESME_RINVESMCLASS (0x43): Invalid esm_class.
    public static let invalidESMClass = CommandStatus(rawValue: 0x43)
    /// ESME_RCNTSUBDL (0x44): Cannot submit to a distribution list.
    public static let cannotSubmitToDistributionList = CommandStatus(rawValue: 0x44)
    /// ESME_RSUBMITFAIL (0x45): submit_sm / submit_multi failed.
    public static let submitFailed = CommandStatus(rawValue: 0x45)
    /// ESME_RINVSRCTON (0x48): Invalid source TON.
    public static let invalidSourceTON = CommandStatus(rawValue: 0x48)
    /// ESME_RINVSRCNPI (0x49): Invalid source NPI.
    public static let invalidSourceNPI = CommandStatus(rawValue: 0x49)
    /// ESME_RINVDSTTON (0x50): Invalid destination TON.
    public static let invalidDestinationTON = CommandStatus(rawValue: 0x50)
    /// ESME_RINVDSTNPI (0x51): Invalid destination NPI.
    public static let invalidDestinationNPI = CommandStatus(rawValue: 0x51)
    /// ESME_RINVSYSTYP (0x53): Invalid system_type.
    public static let invalidSystemType = CommandStatus(rawValue: 0x53)
    /// ESME_RINVREPFLAG (0x54): Invalid replace_if_present_flag.
    public static let invalidReplaceIfPresentFlag = CommandStatus(rawValue: 0x54)
    /// ESME_RINVNUMMSGS (0x55): Invalid number of messages.
    public static let invalidNumberOfMessages = CommandStatus(rawValue: 0x55)
    /// ESME_RTHROTTLED (0x58): Throttling: ESME exceeded its allowed rate.
    public static let throttled = CommandStatus(rawValue: 0x58)
    /// ESME_RINVSCHED (0x61): Invalid schedule_delivery_time.
    public static let invalidScheduledDeliveryTime = CommandStatus(rawValue: 0x61)
    /// ESME_RINVEXPIRY (0x62): Invalid validity_period.
    public static let invalidValidityPeriod = CommandStatus(rawValue: 0x62)
    /// ESME_RINVDFTMSGID (0x63): Predefined message invalid or not found.
    public static let invalidDefaultMessageID = CommandStatus(rawValue: 0x63)
    /// ESME_RX_T_APPN (0x64): ESME receiver temporary application error.
    public static let receiverTemporaryAppError = CommandStatus(rawValue: 0x64)
    /// ESME_RX_P_APPN (0x65): ESME receiver permanent application error.
    public static let receiverPermanentAppError = CommandStatus(rawValue: 0x65)
    /// ESME_RX_R_APPN (0x66): ESME receiver rejected the message.
    public static let receiverRejectedMessage = CommandStatus(rawValue: 0x66)
    /// ESME_RQUERYFAIL (0x67): query_sm failed.
    public static let queryFailed = CommandStatus(rawValue: 0x67)
    /// ESME_RINVOPTPARSTREAM (0xC0): Error in the TLV part of the body.
    public static let invalidOptionalParameterStream = CommandStatus(rawValue: 0xC0)
    /// ESME_ROPTPARNOTALLWD (0xC1): TLV not allowed.
    public static let optionalParameterNotAllowed = CommandStatus(rawValue: 0xC1)
    /// ESME_RINVPARLEN (0xC2): Invalid parameter length.
    public static let invalidParameterLength = CommandStatus(rawValue: 0xC2)
    /// ESME_RMISSINGOPTPARAM (0xC3): Expected TLV missing.
    public static let missingOptionalParameter = CommandStatus(rawValue: 0xC3)
    /// ESME_RINVOPTPARAMVAL (0xC4): Invalid TLV value.
    public static let invalidOptionalParameterValue = CommandStatus(rawValue: 0xC4)
    /// ESME_RDELIVERYFAILURE (0xFE): Delivery failure (data_sm_resp).
    public static let deliveryFailure = CommandStatus(rawValue: 0xFE)
    /// ESME_RUNKNOWNERR (0xFF): Unknown error.
    public static let unknownError = CommandStatus(rawValue: 0xFF)

    /// Every status the 3.4 table in reference §4 names, in wire order.
    public static let allNamed: [CommandStatus] = [
        .ok, .invalidMessageLength, .invalidCommandLength, .invalidCommandID, .invalidBindStatus, .alreadyBound,
        .invalidPriorityFlag, .invalidRegisteredDeliveryFlag, .systemError, .invalidSourceAddress,
        .invalidDestinationAddress, .invalidMessageID, .bindFailed, .invalidPassword, .invalidSystemID,
        .cancelFailed, .replaceFailed, .messageQueueFull, .invalidServiceType, .invalidNumberOfDestinations,
        .invalidDistributionListName, .invalidDestinationFlag, .invalidSubmitWithReplace, .invalidESMClass,
        .cannotSubmitToDistributionList, .submitFailed, .invalidSourceTON, .invalidSourceNPI,
        .invalidDestinationTON, .invalidDestinationNPI, .invalidSystemType, .invalidReplaceIfPresentFlag,
        .invalidNumberOfMessages, .throttled, .invalidScheduledDeliveryTime, .invalidValidityPeriod,
        .invalidDefaultMessageID, .receiverTemporaryAppError, .receiverPermanentAppError, .receiverRejectedMessage,
        .queryFailed, .invalidOptionalParameterStream, .optionalParameterNotAllowed, .invalidParameterLength,
        .missingOptionalParameter, .invalidOptionalParameterValue, .deliveryFailure, .unknownError,
    ]

    /// Whether the value lies in the SMSC vendor range 0x400–0x4FF.
    public var isVendorSpecific: Bool { (0x400...0x4FF).contains(rawValue) }

    /// The reference name, e.g. `ESME_RTHROTTLED`; a vendor value reads `VENDOR_0x00000401`, anything else
    /// unnamed `0x000000c5`.
    public var name: String {
        if let known = Self.table(rawValue)?.name { return known }
        return isVendorSpecific ? "VENDOR_" + hex32(rawValue) : hex32(rawValue)
    }

    /// The reference's one-line meaning, or a generic text for unnamed values.
    public var meaning: String {
        if let known = Self.table(rawValue)?.meaning { return known }
        return isVendorSpecific ? "SMSC vendor-specific error" : "Unknown or reserved status"
    }

    /// The class from reference §4: `nil` for ``ok``; transient for RSYSERR, RMSGQFUL, RTHROTTLED and RX_T_APPN;
    /// session for bind and bind-state problems; permanent for every other value, vendor and unknown ones included.
    public var errorClass: ErrorClass? {
        if rawValue == 0 { return nil }
        return Self.table(rawValue)?.errorClass ?? .permanent
    }

    /// `NAME (0x…)`.
    public var description: String { name + " (" + hex32(rawValue) + ")" }

    /// Whether the SMPP 3.4 reference names this status (else it is vendor-specific or reserved).
    public var isNamed: Bool { Self.table(rawValue) != nil }

    private static func table(_ value: UInt32) -> (name: String, meaning: String, errorClass: ErrorClass?)? {
        switch value {
        case 0x00: return ("ESME_ROK", "No error", nil)
        case 0x01: return ("ESME_RINVMSGLEN", "Message length invalid", .permanent)
        case 0x02: return ("ESME_RINVCMDLEN", "Command length invalid", .permanent)
        case 0x03: return ("ESME_RINVCMDID", "Invalid command ID", .permanent)
        case 0x04: return ("ESME_RINVBNDSTS", "Wrong bind status for this command", .session)
        case 0x05: return ("ESME_RALYBND", "ESME already bound", .session)
        case 0x06: return ("ESME_RINVPRTFLG", "Invalid priority_flag", .permanent)
        case 0x07: return ("ESME_RINVREGDLVFLG", "Invalid registered_delivery", .permanent)
        case 0x08: return ("ESME_RSYSERR", "System error", .transient)
        case 0x0A: return ("ESME_RINVSRCADR", "Invalid source address", .permanent)
        case 0x0B: return ("ESME_RINVDSTADR", "Invalid destination address", .permanent)
        case 0x0C: return ("ESME_RINVMSGID", "Message ID invalid", .permanent)
        case 0x0D: return ("ESME_RBINDFAIL", "Bind failed", .session)
        case 0x0E: return ("ESME_RINVPASWD", "Invalid password", .session)
        case 0x0F: return ("ESME_RINVSYSID", "Invalid system_id", .session)
        case 0x11: return ("ESME_RCANCELFAIL", "cancel_sm failed", .permanent)
        case 0x13: return ("ESME_RREPLACEFAIL", "replace_sm failed", .permanent)
        case 0x14: return ("ESME_RMSGQFUL", "Message queue full", .transient)
        case 0x15: return ("ESME_RINVSERTYP", "Invalid service_type", .permanent)
        case 0x33: return ("ESME_RINVNUMDESTS", "Invalid number of destinations", .permanent)
        case 0x34: return ("ESME_RINVDLNAME", "Invalid distribution list name", .permanent)
        case 0x40: return ("ESME_RINVDESTFLAG", "Invalid dest_flag (submit_multi)", .permanent)
        case 0x42: return ("ESME_RINVSUBREP", "Invalid submit with replace request", .permanent)
        case 0x43: return ("ESME_RINVESMCLASS", "Invalid esm_class", .permanent)
        case 0x44: return ("ESME_RCNTSUBDL", "Cannot submit to a distribution list", .permanent)
        case 0x45: return ("ESME_RSUBMITFAIL", "submit_sm / submit_multi failed", .permanent)
        case 0x48: return ("ESME_RINVSRCTON", "Invalid source TON", .permanent)
        case 0x49: return ("ESME_RINVSRCNPI", "Invalid source NPI", .permanent)
        case 0x50: return ("ESME_RINVDSTTON", "Invalid destination TON", .permanent)
        case 0x51: return ("ESME_RINVDSTNPI", "Invalid destination NPI", .permanent)
        case 0x53: return ("ESME_RINVSYSTYP", "Invalid system_type", .permanent)
        case 0x54: return ("ESME_RINVREPFLAG", "Invalid replace_if_present_flag", .permanent)
        case 0x55: return ("ESME_RINVNUMMSGS", "Invalid number of messages", .permanent)
        case 0x58: return ("ESME_RTHROTTLED", "Throttling: ESME exceeded its allowed rate", .transient)
        case 0x61: return ("ESME_RINVSCHED", "Invalid schedule_delivery_time", .permanent)
        case 0x62: return ("ESME_RINVEXPIRY", "Invalid validity_period", .permanent)
        case 0x63: return ("ESME_RINVDFTMSGID", "Predefined message invalid or not found", .permanent)
        case 0x64: return ("ESME_RX_T_APPN", "ESME receiver temporary application error", .transient)
        case 0x65: return ("ESME_RX_P_APPN", "ESME receiver permanent application error", .permanent)
        case 0x66: return ("ESME_RX_R_APPN", "ESME receiver rejected the message", .permanent)
        case 0x67: return ("ESME_RQUERYFAIL", "query_sm failed", .permanent)
        case 0xC0: return ("ESME_RINVOPTPARSTREAM", "Error in the TLV part of the body", .permanent)
        case 0xC1: return ("ESME_ROPTPARNOTALLWD", "TLV not allowed", .permanent)
        case 0xC2: return ("ESME_RINVPARLEN", "Invalid parameter length", .permanent)
        case 0xC3: return ("ESME_RMISSINGOPTPARAM", "Expected TLV missing", .permanent)
        case 0xC4: return ("ESME_RINVOPTPARAMVAL", "Invalid TLV value", .permanent)
        case 0xFE: return ("ESME_RDELIVERYFAILURE", "Delivery failure (data_sm_resp)", .permanent)
        case 0xFF: return ("ESME_RUNKNOWNERR", "Unknown error", .permanent)
        default: return nil
        }
    }
}
