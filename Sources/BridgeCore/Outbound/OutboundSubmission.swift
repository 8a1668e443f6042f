public import struct Foundation.Date
public import SMPP

/// Runs one request's ``OutboundRequestMachine`` against a ``SegmentSubmitter``: sends segments concurrently,
/// sleeps through backoffs, withdraws unsent segments at `expiresAt` or when the calling task is cancelled, and
/// returns the machine's final action (`.finish` or `.requeue`). The machine decides; this only carries out.
public struct OutboundSubmission: Sendable {
    /// The segments' PDUs, in order.
    public var pdus: [SubmitSM]
    /// Late-outcome tag of each segment's sends (`tags[i]` for segment i).
    public var tags: [UInt64]
    /// When unsent segments stop being sent.
    public var expiresAt: Date?
    /// The clock.
    public var now: @Sendable () -> Date

    /// Creates a submission.
    public init(pdus: [SubmitSM], tags: [UInt64], expiresAt: Date?, now: @escaping @Sendable () -> Date) {
        self.pdus = pdus
        self.tags = tags
        self.expiresAt = expiresAt
        self.now = now
    }

    private enum Event: Sendable {
        case answer(index: Int, SegmentAnswer)
        case retryDue(index: Int)
        case expired
    }

    /// Runs the machine to its end. `onAnswer` sees every answer as it arrives — through
    /// ``SegmentSubmitter/submit(_:tag:observe:)``, so before the machine does and, with ``SMPPClient``, before the
    /// session reads its next PDU: a receipt right behind its submit_sm_resp finds the accepted message_id.
    public func run(
        _ machine: inout OutboundRequestMachine, submitter: some SegmentSubmitter,
        onAnswer: @escaping @Sendable (Int, SegmentAnswer) -> Void = { _, _ in }
    ) async -> OutboundRequestMachine.Action {
        let pdus = self.pdus, tags = self.tags, now = self.now
        return await withTaskGroup(of: Event?.self, returning: OutboundRequestMachine.Action.self) { group in
            var pendingActions = machine.start()
            if let expiresAt {
                group.addTask {
                    let wait = expiresAt.timeIntervalSince(now())
                    if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
                    return Task.isCancelled ? nil : .expired
                }
            }
            var stopped = false
            while true {
                for action in pendingActions {
                    switch action {
                    case .send(let index, _):
                        let tag = index < tags.count ? tags[index] : 0
                        group.addTask {
                            let result = await submitter.submit(pdus[index], tag: tag) { result in
                                onAnswer(index, SegmentAnswer(result))
                            }
                            return .answer(index: index, SegmentAnswer(result))
                        }
                    case .scheduleRetry(let index, let at):
                        group.addTask {
                            let wait = at.timeIntervalSince(now())
                            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
                            return .retryDue(index: index)
                        }
                    case .withdrawOutstanding:
                        // Cancels every child: unsent submits are withdrawn (answers come back as withdrawn),
                        // written ones still return their real outcome, backoff sleeps end early.
                        group.cancelAll()
                    case .finish, .requeue:
                        // Ends the expiry timer and backoff sleeps of segments the machine no longer wants.
                        group.cancelAll()
                        return action
                    }
                }
                pendingActions = []
                if Task.isCancelled && !stopped {
                    stopped = true
                    pendingActions = machine.shutdownRequested()
                    continue
                }
                guard let next = await group.next() else {
                    // Cannot happen while the machine has unsettled segments; treat as a shutdown to stay safe.
                    return .requeue
                }
                switch next {
                case .answer(let index, let answer)?:
                    pendingActions = machine.answerReceived(index: index, answer, now: now())
                case .retryDue(let index)?:
                    pendingActions = machine.retryDue(index: index, now: now())
                case .expired?:
                    pendingActions = machine.expired(now: now())
                case nil:
                    continue
                }
            }
        }
    }
}
