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
    /// Where a late ESME_ROK for a send that ended unknown arrives: a backoff before that segment's resubmit ends
    /// with it, and the resubmit is called off (``OutboundRequestMachine/lateAcceptance(index:messageID:now:)``).
    public var lateAcceptances: LateAcceptances?

    /// Creates a submission.
    public init(
        pdus: [SubmitSM], tags: [UInt64], expiresAt: Date?, now: @escaping @Sendable () -> Date,
        lateAcceptances: LateAcceptances? = nil
    ) {
        self.pdus = pdus
        self.tags = tags
        self.expiresAt = expiresAt
        self.now = now
        self.lateAcceptances = lateAcceptances
    }

    private enum Event: Sendable {
        case answer(index: Int, SegmentAnswer)
        case retryDue(index: Int)
        case lateAcceptance(index: Int, messageID: String)
        case expired
    }

    /// Runs the machine to its end. `onAnswer` sees every answer as it arrives — through
    /// ``SegmentSubmitter/submit(_:tag:observe:)``, so before the machine does and, with ``SMPPClient``, before the
    /// session reads its next PDU: a receipt right behind its submit_sm_resp finds the accepted message_id.
    public func run(
        _ machine: inout OutboundRequestMachine, submitter: some SegmentSubmitter,
        onAnswer: @escaping @Sendable (Int, SegmentAnswer) -> Void = { _, _ in }
    ) async -> OutboundRequestMachine.Action {
        if pdus.count == 1 && expiresAt == nil {
            return await runSingle(&machine, submitter: submitter, onAnswer: onAnswer)
        }
        let now = self.now
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
                        group.addTask { await self.send(index, submitter: submitter, onAnswer: onAnswer) }
                    case .scheduleRetry(let index, let at):
                        group.addTask { await self.backoff(index, until: at) }
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
                pendingActions = Self.shutdownIfCancelled(&machine, stopped: &stopped)
                if !pendingActions.isEmpty { continue }
                guard let next = await group.next() else {
                    // Cannot happen while the machine has unsettled segments; treat as a shutdown to stay safe.
                    return .requeue
                }
                if let next { pendingActions = Self.feed(next, to: &machine, now: now()) }
            }
        }
    }

    /// One segment and no expiry (most requests): the machine has at most one send or backoff under way, so it runs
    /// in the calling task — no task group, no child task and no hop between them per request. Cancellation acts as
    /// in the group: a send not yet written is withdrawn (the submitter sees the cancelled task), a backoff ends
    /// early, then the machine hears of the shutdown.
    private func runSingle(
        _ machine: inout OutboundRequestMachine, submitter: some SegmentSubmitter,
        onAnswer: @escaping @Sendable (Int, SegmentAnswer) -> Void
    ) async -> OutboundRequestMachine.Action {
        await continueSingle(&machine, actions: machine.start(), answered: nil, submitter: submitter, onAnswer: onAnswer)
    }

    /// Carries a one-segment submission without expiry on to its end, as ``run(_:submitter:onAnswer:)`` would: from
    /// `actions` the machine asked for, after `answered` (a send that ended before, not yet fed to the machine).
    /// For a request whose first steps ran without a task (``OutboundProcessor``'s callback path) and now needs one:
    /// a backoff, another send, or a shutdown.
    public func continueSingle(
        _ machine: inout OutboundRequestMachine, actions: [OutboundRequestMachine.Action],
        answered: (index: Int, answer: SegmentAnswer)?, submitter: some SegmentSubmitter,
        onAnswer: @escaping @Sendable (Int, SegmentAnswer) -> Void
    ) async -> OutboundRequestMachine.Action {
        var pendingActions = actions
        var next: Event? = answered.map { .answer(index: $0.index, $0.answer) }
        var stopped = false
        while true {
            for action in pendingActions {
                switch action {
                case .send(let index, _):
                    next = await send(index, submitter: submitter, onAnswer: onAnswer)
                case .scheduleRetry(let index, let at):
                    next = await backoff(index, until: at)
                case .withdrawOutstanding:
                    break  // nothing runs beside this task: whatever it started has already ended
                case .finish, .requeue:
                    return action
                }
            }
            pendingActions = Self.shutdownIfCancelled(&machine, stopped: &stopped)
            if !pendingActions.isEmpty { continue }
            guard let event = next else { return .requeue }  // cannot happen while the segment is unsettled
            next = nil
            pendingActions = Self.feed(event, to: &machine, now: now())
        }
    }

    /// Sends segment `index` once; its answer.
    private func send(
        _ index: Int, submitter: some SegmentSubmitter, onAnswer: @escaping @Sendable (Int, SegmentAnswer) -> Void
    ) async -> Event {
        let tag = index < tags.count ? tags[index] : 0
        let result = await submitter.submit(pdus[index], tag: tag) { result in onAnswer(index, SegmentAnswer(result)) }
        return .answer(index: index, SegmentAnswer(result))
    }

    /// Sleeps until `at` (less when the task is cancelled); then the retry of segment `index` is due — unless the
    /// send that ended unknown is accepted late meanwhile: then that acceptance.
    private func backoff(_ index: Int, until at: Date) async -> Event {
        let wait = max(0, at.timeIntervalSince(now()))
        guard let lateAcceptances else {
            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
            return .retryDue(index: index)
        }
        return await withTaskGroup(of: Event?.self) { race in
            race.addTask {
                if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
                return .retryDue(index: index)
            }
            race.addTask {
                guard let messageID = await lateAcceptances.acceptance(of: index) else { return nil }
                return .lateAcceptance(index: index, messageID: messageID)
            }
            var first: Event = .retryDue(index: index)
            while let event = await race.next() {
                guard let event else { continue }
                first = event
                break
            }
            race.cancelAll()
            return first
        }
    }

    /// The machine's actions for a shutdown when the task is cancelled, once (`stopped` remembers); else none.
    private static func shutdownIfCancelled(
        _ machine: inout OutboundRequestMachine, stopped: inout Bool
    ) -> [OutboundRequestMachine.Action] {
        guard Task.isCancelled && !stopped else { return [] }
        stopped = true
        return machine.shutdownRequested()
    }

    /// Hands one event to the machine; returns what it wants done next.
    private static func feed(_ event: Event, to machine: inout OutboundRequestMachine, now: Date) -> [OutboundRequestMachine.Action] {
        switch event {
        case .answer(let index, let answer): machine.answerReceived(index: index, answer, now: now)
        case .retryDue(let index): machine.retryDue(index: index, now: now)
        case .lateAcceptance(let index, let messageID): machine.lateAcceptance(index: index, messageID: messageID, now: now)
        case .expired: machine.expired(now: now)
        }
    }
}
