import NIOConcurrencyHelpers
import NIOCore

/// Completes one submit exactly once, from whichever event loop or task gets there first.
///
/// One lock guards both the phase (queued → sent or withdrawn) and the pending completion: a submit pays for one
/// lock, not one per field.
final class SubmitPromise: Sendable {
    typealias Completion = @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    private enum Phase { case queued, sent, withdrawn }
    private struct State {
        var phase = Phase.queued
        /// Taken (set to nil) by the call that completes the submit.
        var completion: Completion?
    }
    private let state: NIOLockedValueBox<State>

    /// Calls `completion` with the first result only.
    init(_ completion: @escaping Completion) {
        self.state = NIOLockedValueBox(State(completion: completion))
    }

    /// Resumes `continuation` with the first result only.
    convenience init(_ continuation: CheckedContinuation<Result<SubmitOutcome, SMPPClientError>, Never>) {
        self.init { result in continuation.resume(returning: result) }
    }

    /// Whether the caller withdrew it before it was sent.
    var isWithdrawn: Bool { state.withLockedValue { $0.phase == .withdrawn } }

    /// A session is about to write it: true unless the caller withdrew it first. After this, withdrawing is
    /// refused, so a request is either sent or cancelled, never both.
    func claimForSending() -> Bool {
        state.withLockedValue { state in
            if state.phase == .withdrawn { return false }
            state.phase = .sent
            return true
        }
    }

    /// The caller gives up: succeeds (and completes the submit as cancelled) only if no session has sent it yet.
    @discardableResult
    func withdraw() -> Bool {
        let withdrawn = state.withLockedValue { state in
            guard state.phase == .queued else { return false }
            state.phase = .withdrawn
            return true
        }
        if withdrawn { complete(.failure(SMPPClientError(code: .cancelled))) }
        return withdrawn
    }

    /// Completes the submit; later calls do nothing. Returns whether this call was the one that completed it.
    @discardableResult
    func complete(_ result: Result<SubmitOutcome, SMPPClientError>) -> Bool {
        // Called outside the lock: the completion resumes a continuation.
        guard let completion = state.withLockedValue({ state in
            defer { state.completion = nil }
            return state.completion
        }) else { return false }
        completion(result)
        return true
    }
}

/// A submit on its way: the PDU already encoded with sequence number 0 (the session patches in its own), and the
/// promise of its caller. The machine's `Request`.
struct OutboundSubmit: Sendable {
    /// The whole PDU; octets 12–15 are the sequence number, set by the session when it writes.
    var encoded: ByteBuffer
    /// command_id of the request, for logs.
    var commandName: String
    let promise: SubmitPromise
    /// The caller's tag, echoed in a ``LateSubmitOutcome``.
    var tag: UInt64 = 0
}
