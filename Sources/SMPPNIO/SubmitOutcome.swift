public import NIOCore
public import SMPP

/// The SMSC's answer to one submit: whatever command_status it gave, with the message_id when it accepted.
/// A throttle or any other error status is an outcome, not a thrown error: the caller decides whether to retry.
public struct SubmitOutcome: Sendable, Hashable {
    /// command_status of submit_sm_resp / data_sm_resp.
    public var commandStatus: CommandStatus
    /// message_id assigned by the SMSC (empty when the status is not ESME_ROK, or the SMSC sent none).
    public var messageID: String
    /// The index of the session (connection slot) that carried it, 0-based.
    public var sessionIndex: Int
    /// The sequence number it was sent with.
    public var sequenceNumber: UInt32
    /// Time from writing the request to reading its response.
    public var latency: TimeAmount

    /// Creates an outcome.
    public init(commandStatus: CommandStatus, messageID: String, sessionIndex: Int, sequenceNumber: UInt32,
                latency: TimeAmount) {
        self.commandStatus = commandStatus
        self.messageID = messageID
        self.sessionIndex = sessionIndex
        self.sequenceNumber = sequenceNumber
        self.latency = latency
    }
}

/// The SMSC's answer to a submit that arrived after the submit had already failed with
/// ``SMPPClientError/Code/responseTimeout`` or, arriving before the connection was gone,
/// ``SMPPClientError/Code/sessionLostOutcomeUnknown`` (its caller was told the outcome is unknown): a submit_sm_resp /
/// data_sm_resp, or a generic_nack (its status, empty message_id: the SMSC does not have it). Yielded on
/// ``SMPPClient/lateOutcomes`` so the caller can record the message_id for receipts and mark a resubmit as a known
/// duplicate.
public struct LateSubmitOutcome: Sendable, Hashable {
    /// The tag the caller gave ``SMPPClient/submit(_:tag:)`` (0 when it gave none).
    public var tag: UInt64
    /// The answer, as a timely one would have been reported (latency counted from the write).
    public var outcome: SubmitOutcome

    /// Creates a late outcome.
    public init(tag: UInt64, outcome: SubmitOutcome) {
        self.tag = tag
        self.outcome = outcome
    }
}
