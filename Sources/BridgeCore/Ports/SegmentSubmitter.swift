public import SMPP
public import SMPPNIO

/// Sends one submit_sm and returns what became of it (DESIGN §2 `Ports/`: the pipelines talk to SMPP through this).
/// ``SMPPClient`` is the real one; tests use fakes.
public protocol SegmentSubmitter: Sendable {
    /// Sends `pdu`. `tag` identifies the send in late outcomes (a response after the timeout). Cancelling the
    /// calling task withdraws the send if it was not written yet (the result is then `.cancelled`).
    func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError>

    /// Sends `pdu` like ``submit(_:tag:)`` and hands the result to `observe` as soon as it is known, before
    /// returning it. ``SMPPClient`` calls `observe` on the session's event loop as the response is read, so a
    /// delivery receipt that follows the response on the same session always finds what `observe` registered —
    /// however late the calling task gets to run. The default calls it when `submit` returns.
    func submit(
        _ pdu: SubmitSM, tag: UInt64, observe: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) async -> Result<SubmitOutcome, SMPPClientError>

    /// Sends `pdu` without a task: `completion` gets what ``submit(_:tag:observe:)`` would hand `observe` (with
    /// ``SMPPClient``, on the session's event loop as the response is read); it must be quick. Returns what
    /// withdraws the send while it is not yet written (the result is then `.cancelled`). The default runs
    /// ``submit(_:tag:)`` in a task of its own (cancelled to withdraw).
    func startSubmit(
        _ pdu: SubmitSM, tag: UInt64, completion: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) -> @Sendable () -> Void
}

extension SegmentSubmitter {
    /// Observes the result when ``submit(_:tag:)`` returns.
    public func submit(
        _ pdu: SubmitSM, tag: UInt64, observe: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) async -> Result<SubmitOutcome, SMPPClientError> {
        let result = await submit(pdu, tag: tag)
        observe(result)
        return result
    }

    /// Runs ``submit(_:tag:)`` in a task of its own; cancelling it withdraws the send.
    public func startSubmit(
        _ pdu: SubmitSM, tag: UInt64, completion: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    ) -> @Sendable () -> Void {
        let task = Task { completion(await submit(pdu, tag: tag)) }
        return { task.cancel() }
    }
}
