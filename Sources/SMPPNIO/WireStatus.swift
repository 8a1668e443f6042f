import SMPP

/// The few command_status values the session state machine reacts to (reference/SMPP-3.4.md §5.1.3). The machine
/// works on raw wire values; a status's class comes from the codec's table. Everything else passes through untouched.
enum WireStatus {
    static let ok: UInt32 = 0x0000_0000
    static let invalidCommandLength: UInt32 = 0x0000_0002
    static let invalidCommandID: UInt32 = 0x0000_0003
    static let systemError: UInt32 = 0x0000_0008
    static let incorrectBindStatus: UInt32 = 0x0000_0004
    static let bindFailed: UInt32 = 0x0000_000D
    static let invalidPassword: UInt32 = 0x0000_000E
    static let invalidSystemID: UInt32 = 0x0000_000F
    static let messageQueueFull: UInt32 = 0x0000_0014
    static let throttled: UInt32 = 0x0000_0058
    static let temporaryAppError: UInt32 = 0x0000_0064

    /// A bind rejection that retrying soon cannot fix: wrong system_id or password, or a plain refusal.
    static func isCredentialRejection(_ status: UInt32) -> Bool {
        status == invalidPassword || status == invalidSystemID || status == bindFailed
    }

    /// A submit answer that asks the ESME to slow down: ESME_RTHROTTLED, ESME_RMSGQFUL, and ESME_RSYSERR (an SMSC
    /// in trouble; DESIGN §3.5 treats it with the other two).
    static func isThrottle(_ status: UInt32) -> Bool {
        status == throttled || status == messageQueueFull || status == systemError
    }

    /// ESME_RTHROTTLED or ESME_RMSGQFUL: statuses that refuse a request of ours and never an answer, so a
    /// generic_nack carrying one is never taken for the refusal of a response we wrote.
    static func refusesOnlyRequests(_ status: UInt32) -> Bool {
        status == throttled || status == messageQueueFull
    }

    /// The session-class statuses (reference §4 class S: "fix the session, do not drop the message"): the SMSC
    /// refused a request for the session's state (ESME_RINVBNDSTS, ESME_RALYBND, the bind failures). The codec's
    /// one table decides (`CommandStatus.errorClass`), as it does for the bridge's retries.
    static func isSessionState(_ status: UInt32) -> Bool {
        status != ok && CommandStatus(rawValue: status).errorClass == .session
    }
}
