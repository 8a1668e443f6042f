import NIOConcurrencyHelpers
import NIOCore

/// Completes one submit exactly once, from whichever event loop or task gets there first.
final class SubmitPromise: Sendable {
    typealias Completion = @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    private let completion: NIOLockedValueBox<Completion?>

    /// Calls `completion` with the first result only.
    init(_ completion: @escaping Completion) {
        self.completion = NIOLockedValueBox(completion)
    }

    /// Resumes `continuation` with the first result only.
    convenience init(_ continuation: CheckedContinuation<Result<SubmitOutcome, SMPPClientError>, Never>) {
        self.init { result in continuation.resume(returning: result) }
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
