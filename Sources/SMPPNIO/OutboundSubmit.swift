import NIOConcurrencyHelpers
import NIOCore

/// Completes one submit exactly once, from whichever event loop or task gets there first.
final class SubmitPromise: Sendable {
    typealias Completion = @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    private let completion: NIOLockedValueBox<Completion?>
    private enum Phase { case queued, sent, withdrawn }
    private let phase = NIOLockedValueBox(Phase.queued)

    /// Calls `completion` with the first result only.
    init(_ completion: @escaping Completion) {
        self.completion = NIOLockedValueBox(completion)
    }

    /// Resumes `continuation` with the first result only.
    convenience init(_ continuation: CheckedContinuation<Result<SubmitOutcome, SMPPClientError>, Never>) {
        self.init { result in continuation.resume(returning: result) }
    }

    /// Whether the caller withdrew it before it was sent.
    var isWithdrawn: Bool { phase.withLockedValue { $0 == .withdrawn } }

    /// A session is about to write it: true unless the caller withdrew it first. After this, withdrawing is
    /// refused, so a request is either sent or cancelled, never both.
    func claimForSending() -> Bool {
        phase.withLockedValue { phase in
            if phase == .withdrawn { return false }
            phase = .sent
            return true
        }
    }

    /// The caller gives up: succeeds (and completes the submit as cancelled) only if no session has sent it yet.
    @discardableResult
    func withdraw() -> Bool {
        let withdrawn = phase.withLockedValue { phase in
            guard phase == .queued else { return false }
            phase = .withdrawn
            return true
        }
        if withdrawn { complete(.failure(SMPPClientError(code: .cancelled))) }
        return withdrawn
    }

    /// Completes the submit; later calls do nothing. Returns whether this call was the one that completed it.
    @discardableResult
    func complete(_ result: Result<SubmitOutcome, SMPPClientError>) -> Bool {
        guard let completion = self.completion.withLockedValue({ value in
            defer { value = nil }
            return value
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
}
