public import struct Foundation.Date
public import SMPP

/// Decides, for one request, which segment to send when and when the request is finished (DESIGN §3 steps 4–6).
///
/// Pure: the driver feeds it answers and timer expiries with the current time and carries out the actions it
/// returns (send, schedule a retry, withdraw what is not yet sent, finish). Every segment is sent at once; each is
/// retried on its own.
public struct OutboundRequestMachine: Sendable {
    /// What the driver does next.
    public enum Action: Sendable, Hashable {
        /// Send segment `index` (0-based); `attempt` counts from 1.
        case send(index: Int, attempt: Int)
        /// Wake the machine with ``retryDue(index:now:)`` at `at`.
        case scheduleRetry(index: Int, at: Date)
        /// Withdraw every send not yet written (expiry, shutdown); their answers still come back.
        case withdrawOutstanding
        /// Every segment is settled: publish this outcome.
        case finish(RequestOutcome)
        /// Nothing of the request may stay decided: hand it back to the queue (shutdown before it was done).
        case requeue
    }

    /// One segment's progress.
    public struct Segment: Sendable, Hashable {
        /// Where the segment stands.
        public enum State: Sendable, Hashable {
            case sending, waitingRetry, accepted(messageID: String), failed(status: CommandStatus?, reason: String)
            case unknown(reason: String), expired, skipped
        }
        /// Current state.
        public var state: State = .sending
        /// Sends so far (withdrawn ones excluded).
        public var attempts = 0
        /// The last status the SMSC gave.
        public var lastStatus: CommandStatus?
        /// Why the last send that ended without a knowable outcome did so; nil when every send was answered.
        public var lastUnknownReason: String?
        /// Whether a send ended without a knowable outcome (so the SMSC may hold a copy, or an extra one).
        public var hadUnknownOutcome: Bool { lastUnknownReason != nil }

        var isSettled: Bool {
            switch state {
            case .sending, .waitingRetry: false
            default: true
            }
        }
    }

    /// The segments, in order.
    public private(set) var segments: [Segment]
    /// The retry policy.
    public let policy: RetryPolicy
    /// When the request was received (the age bound counts from here).
    public let receivedAt: Date
    /// Whether the request may already be at the SMSC (found *in flight* in the store).
    public let recoveredInFlight: Bool
    private var stopping: StopReason?
    private var finished = false

    private enum StopReason: Sendable, Hashable { case expired, shutdown }

    /// Creates a machine for `segmentCount` segments (≥ 1).
    public init(segmentCount: Int, policy: RetryPolicy, receivedAt: Date, recoveredInFlight: Bool = false) {
        self.segments = Array(repeating: Segment(), count: max(1, segmentCount))
        self.policy = policy
        self.receivedAt = receivedAt
        self.recoveredInFlight = recoveredInFlight
    }

    /// Starts: every segment is sent once.
    public mutating func start() -> [Action] {
        (0..<segments.count).map { index in
            segments[index].state = .sending
            return .send(index: index, attempt: 1)
        }
    }

    /// A send of segment `index` ended.
    public mutating func answerReceived(index: Int, _ answer: SegmentAnswer, now: Date) -> [Action] {
        guard segments.indices.contains(index), case .sending = segments[index].state else { return [] }
        var actions: [Action] = []
        switch answer {
        case .response(let status, let messageID):
            segments[index].attempts += 1
            segments[index].lastStatus = status
            if status == .ok {
                segments[index].state = .accepted(messageID: messageID)
            } else if RetryPolicy.isTransient(status) {
                actions += retryOrFail(index, now: now, failure: .failed(status: status, reason: status.name))
            } else {
                segments[index].state = .failed(status: status, reason: status.name)
                actions += skipWaitingSegments()
            }
        case .unknown(let reason):
            segments[index].attempts += 1
            segments[index].lastUnknownReason = reason
            if policy.resubmitUnknown {
                actions += retryOrFail(index, now: now, failure: .unknown(reason: reason))
            } else {
                segments[index].state = .unknown(reason: reason)
            }
        case .unsendable(let reason):
            segments[index].state = .failed(status: nil, reason: reason)
            actions += skipWaitingSegments()
        case .withdrawn:
            if stopping == nil { stopping = .shutdown }
            segments[index].state = stoppedState(of: index)
        }
        return actions + finishIfSettled()
    }

    /// A send of segment `index` that ended unknown was accepted after all: its submit_sm_resp came after the
    /// response timeout, with ESME_ROK and `messageID`. While the segment waits for its resubmit, the resubmit is
    /// called off — the SMSC has the message, and sending it again would deliver it twice. Ignored in any other
    /// state (a resubmit already written is answered on its own; a settled segment stays as it is).
    public mutating func lateAcceptance(index: Int, messageID: String, now: Date) -> [Action] {
        guard segments.indices.contains(index), segments[index].state == .waitingRetry,
              segments[index].hadUnknownOutcome, !messageID.isEmpty
        else { return [] }
        segments[index].state = .accepted(messageID: messageID)
        segments[index].lastStatus = .ok
        return finishIfSettled()
    }

    /// The backoff of segment `index` is over.
    public mutating func retryDue(index: Int, now: Date) -> [Action] {
        guard segments.indices.contains(index), segments[index].state == .waitingRetry else { return [] }
        if stopping != nil {
            segments[index].state = stoppedState(of: index)
            return finishIfSettled()
        }
        segments[index].state = .sending
        return [.send(index: index, attempt: segments[index].attempts + 1)]
    }

    /// Whether any send of any segment reached (or may have reached) the SMSC: false when every send was withdrawn
    /// before it was written.
    public var sentAnySegment: Bool { segments.contains { $0.attempts > 0 } }

    /// `expires_at` passed: nothing more is sent; what was not yet written is withdrawn.
    public mutating func expired(now: Date) -> [Action] { stop(.expired) }

    /// The bridge is shutting down: nothing more is sent; what was not yet written is withdrawn.
    public mutating func shutdownRequested() -> [Action] { stop(.shutdown) }

    private mutating func stop(_ reason: StopReason) -> [Action] {
        guard !finished, stopping == nil else { return [] }
        stopping = reason
        for index in segments.indices where segments[index].state == .waitingRetry {
            segments[index].state = stoppedState(of: index)
        }
        return [.withdrawOutstanding] + finishIfSettled()
    }

    /// Where a segment the stop keeps from another send ends. Shutdown skips it (the request is handed back). Expiry
    /// expires it — unless a send of it ended unknown: the SMSC may have that copy, so its outcome stays unknown
    /// (DESIGN §3 "Unknown outcomes"), never `expired`, which says it was not sent.
    private func stoppedState(of index: Int) -> Segment.State {
        guard stopping == .expired else { return .skipped }
        if let reason = segments[index].lastUnknownReason { return .unknown(reason: reason) }
        return .expired
    }

    private mutating func retryOrFail(_ index: Int, now: Date, failure: Segment.State) -> [Action] {
        // Another segment already failed for good: the request is failed whatever this one would get.
        if segments.contains(where: { if case .failed = $0.state { true } else { false } }) {
            segments[index].state = .skipped
            return []
        }
        guard let at = policy.nextAttemptTime(afterAttempts: segments[index].attempts, receivedAt: receivedAt, now: now)
        else {
            segments[index].state = failure
            if case .failed = failure { return skipWaitingSegments() }
            return []
        }
        // Attempts and age are left: the stop, not the policy, ends the segment — a shutdown hands it back, an
        // expiry ends it as expiry does (never RETRIES_EXHAUSTED after one attempt).
        if stopping != nil {
            segments[index].state = stoppedState(of: index)
            return []
        }
        segments[index].state = .waitingRetry
        return [.scheduleRetry(index: index, at: at)]
    }

    /// After a segment failed for good, the others waiting for a retry are not sent again: the long message is
    /// failed whatever they would get.
    private mutating func skipWaitingSegments() -> [Action] {
        for index in segments.indices where segments[index].state == .waitingRetry {
            segments[index].state = .skipped
        }
        return []
    }

    private mutating func finishIfSettled() -> [Action] {
        guard !finished, segments.allSatisfy(\.isSettled) else { return [] }
        finished = true
        return [outcome()]
    }
}
