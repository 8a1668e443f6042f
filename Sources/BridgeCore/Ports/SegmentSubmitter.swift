public import SMPP
public import SMPPNIO

/// Sends one submit_sm and returns what became of it (DESIGN §2 `Ports/`: the pipelines talk to SMPP through this).
/// ``SMPPClient`` is the real one; tests use fakes.
public protocol SegmentSubmitter: Sendable {
    /// Sends `pdu`. `tag` identifies the send in late outcomes (a response after the timeout). Cancelling the
    /// calling task withdraws the send if it was not written yet (the result is then `.cancelled`).
    func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError>
}
