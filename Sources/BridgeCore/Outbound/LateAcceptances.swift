import Synchronization

/// One request's late acceptances: a send of one of its segments ended unknown (response timeout, session lost),
/// and its submit_sm_resp came later after all, with ESME_ROK. The late-outcome loop hands them in
/// (``LateOutcomeBook/lateAcceptance(tag:messageID:)``); the request's backoff before the resubmit of that segment
/// waits for one (``OutboundSubmission``), so a resubmit the SMSC does not need is called off instead of sent.
public final class LateAcceptances: Sendable {
    private struct State {
        /// The message_id of each segment accepted late, by segment index.
        var accepted: [Int: String] = [:]
        var waiters: [Int: CheckedContinuation<String?, Never>] = [:]
    }

    private let state = Mutex(State())

    /// An empty inbox.
    public init() {}

    /// Segment `index` was accepted late with `messageID` (the first acceptance is kept).
    public func accept(index: Int, messageID: String) {
        let waiter = state.withLock { state -> CheckedContinuation<String?, Never>? in
            if state.accepted[index] == nil { state.accepted[index] = messageID }
            return state.waiters.removeValue(forKey: index)
        }
        waiter?.resume(returning: messageID)
    }

    /// The late acceptance of segment `index`: at once when it came already, else when it comes; nil when the
    /// calling task is cancelled first. One waiter per segment at a time (a segment has one backoff at a time).
    func acceptance(of index: Int) async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                let now = state.withLock { state -> String?? in
                    if let messageID = state.accepted[index] { return .some(messageID) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[index]?.resume(returning: nil)
                    state.waiters[index] = continuation
                    return .none
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: index) }
            waiter?.resume(returning: nil)
        }
    }
}
