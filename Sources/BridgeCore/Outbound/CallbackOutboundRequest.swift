import struct Foundation.Date
import NIOConcurrencyHelpers

extension OutboundProcessor {
    /// How to handle one delivery: most requests as a ``CallbackOutboundRequest``, the rest in a task.
    public enum Start: Sendable {
        /// A request for the callback path, its id held in the gate: call ``CallbackOutboundRequest/start(settle:)``.
        case callbacks(CallbackOutboundRequest)
        /// Anything else: run ``OutboundProcessor/process(_:prepared:)`` in a task.
        case task(PreparedRequest)
    }

    /// A delivery decoded (and, when valid, its PDUs built) by ``OutboundProcessor/start(_:)``.
    public struct PreparedRequest: Sendable {
        let decoded: RequestDecoding
        let built: Result<SubmitPDUBuilder.Built, SubmitPDUBuilder.Refusal>?
    }

    /// ``process(_:)`` of a request ``start(_:)`` prepared: nothing is decoded or built twice.
    public func process(_ request: IncomingRequest, prepared: PreparedRequest) async -> Settlement {
        await process(request, decoded: prepared.decoded, built: prepared.built)
    }

    /// Decodes `request` and picks its path. The callback path takes the common request: valid, one segment, no
    /// expiry (`expires_at` or AMQP `expiration`), under the delivery limit, no other delivery of its id in flight.
    public func start(_ request: IncomingRequest) -> Start {
        let decoded = decode(request)
        guard let send = callbackCandidate(decoded, request) else {
            return .task(PreparedRequest(decoded: decoded, built: nil))
        }
        let built = build(send)
        guard case .success(let pdus) = built, pdus.pdus.count == 1, gate.tryEnter(send.id) else {
            return .task(PreparedRequest(decoded: decoded, built: built))
        }
        return .callbacks(CallbackOutboundRequest(processor: self, request: request, send: send, built: pdus))
    }

    /// The valid request, unless something already rules the callback path out.
    private func callbackCandidate(_ decoded: RequestDecoding, _ request: IncomingRequest) -> SendRequest? {
        guard faultHook == nil, case .valid(let send) = decoded, send.expiresAt == nil, request.amqpExpiry == nil
        else { return nil }
        if let limit = settings.deliveryLimit, let count = request.deliveryCount, count >= limit { return nil }
        return send
    }
}

/// One common request (valid, one segment, no expiry) carried through the outbound pipeline without a task: each
/// step runs as the completion of the one before, on the thread that finished it — the store's writer after the
/// begin, the session's event loop after submit_sm_resp, the store's writer after the completion, the publisher's
/// thread after the broker's confirm. Four task resumptions fewer per request. The steps are
/// ``OutboundProcessor``'s own, in its order (DESIGN §3): anything off the common way — a request found in the
/// store, a retry or backoff, a store that cannot take the outcome, a shutdown — goes on from where it is in a task,
/// exactly as ``OutboundProcessor/process(_:)`` would.
public final class CallbackOutboundRequest: Sendable {
    private struct State {
        var cancelled = false
        /// Withdraws the submit under way.
        var withdraw: (@Sendable () -> Void)?
        /// The task the request went on in, if it did.
        var task: Task<Void, Never>?
        /// Given by ``CallbackOutboundRequest/start(settle:)``.
        var settle: (@Sendable (Settlement) -> Void)?
    }

    private let processor: OutboundProcessor
    private let request: IncomingRequest
    private let send: SendRequest
    private let built: SubmitPDUBuilder.Built
    private let tags: [UInt64]
    private let accepted = NIOLockedValueBox<[ReceiptCorrelation]>([])
    /// Hears of a late ESME_ROK for a send that ended unknown, while a resubmit waits (``OutboundSubmission``).
    private let acceptances = LateAcceptances()
    /// Sees every answer as it arrives (``OutboundProcessor/answerObserver(_:built:tags:accepted:acceptances:)``).
    private let observe: @Sendable (Int, SegmentAnswer) -> Void
    private let state = NIOLockedValueBox(State())

    init(processor: OutboundProcessor, request: IncomingRequest, send: SendRequest, built: SubmitPDUBuilder.Built) {
        self.processor = processor
        self.request = request
        self.send = send
        self.built = built
        let tags = processor.lateOutcomes.allocate(built.pdus.count)
        self.tags = tags
        self.observe = processor.answerObserver(
            send, built: built, tags: tags, accepted: accepted, acceptances: acceptances)
    }

    /// Begins: dedup and the in-flight mark in one store write. `settle` gets the settlement once the request
    /// ended (on whichever thread ended it); the request's id is held in the gate until then.
    public func start(settle: @escaping @Sendable (Settlement) -> Void) {
        state.withLockedValue { $0.settle = settle }
        let markedAt = processor.now()
        let began = ContinuousClock.now
        processor.store.beginRequest(id: send.id, at: markedAt) { [self] result in
            processor.metrics.store(.begin, took: ContinuousClock.now - began)
            switch result {
            case .failure(let error):
                finish(processor.beginFailed(send.id, markedAt: markedAt, error))
            case .success(let found):
                // A mark of this instance's that was never submitted under is not a crash mid-submit.
                if let previous = processor.unusedMarks.discounting(found, id: send.id) {
                    continueInTask { [self] in
                        await processor.afterBegin(
                            send, request, previous: previous, markedAt: markedAt, built: .success(built))
                    }
                } else {
                    submitFirst(markedAt: markedAt)
                }
            }
        }
    }

    /// Shutdown: a submit not yet written is withdrawn, a task the request went on in is cancelled; either way the
    /// request then ends as ``OutboundProcessor/process(_:)`` ends a cancelled one.
    public func cancel() {
        let (withdraw, task) = state.withLockedValue { state in
            state.cancelled = true
            return (state.withdraw, state.task)
        }
        withdraw?()
        task?.cancel()
    }

    private var isCancelled: Bool { state.withLockedValue { $0.cancelled } }

    private func submitFirst(markedAt: Date) {
        var machine = OutboundRequestMachine(
            segmentCount: 1, policy: processor.settings.retry, receivedAt: request.receivedAt, recoveredInFlight: false)
        let actions = machine.start()
        let submitStarted = ContinuousClock.now
        guard actions == [.send(index: 0, attempt: 1)], !isCancelled else {
            return continueRun(machine, actions: actions, answered: nil, markedAt: markedAt, submitStarted: submitStarted)
        }
        let sent = machine
        let withdraw = processor.submitter.startSubmit(built.pdus[0], tag: tags[0]) { [self] result in
            let answer = SegmentAnswer(result)
            observe(0, answer)
            answered(sent, answer, markedAt: markedAt, submitStarted: submitStarted)
        }
        let cancelledMeanwhile = state.withLockedValue { state in
            if !state.cancelled { state.withdraw = withdraw }
            return state.cancelled
        }
        if cancelledMeanwhile { withdraw() }
    }

    private func answered(
        _ sent: OutboundRequestMachine, _ answer: SegmentAnswer, markedAt: Date, submitStarted: ContinuousClock.Instant
    ) {
        let cancelled = state.withLockedValue { state in
            state.withdraw = nil
            return state.cancelled
        }
        var machine = sent
        if cancelled {
            return continueRun(
                machine, actions: [], answered: (0, answer), markedAt: markedAt, submitStarted: submitStarted)
        }
        let actions = machine.answerReceived(index: 0, answer, now: processor.now())
        guard actions.count == 1, case .finish(let outcome) = actions[0] else {
            return continueRun(machine, actions: actions, answered: nil, markedAt: markedAt, submitStarted: submitStarted)
        }
        processor.metrics.submitLatency.record(duration: ContinuousClock.now - submitStarted)
        let event = processor.resultEvent(resultBase(markedAt: markedAt), outcome)
        complete(event, markedAt: processor.heldMark(event, sent: true, markedAt: markedAt))
    }

    /// Stores and publishes the result, then settles; a store that cannot take it now is asked again in a task
    /// (which shutdown cancels), as ``OutboundProcessor/complete(_:correlations:request:)`` does.
    private func complete(_ event: SubmitResultEvent, markedAt: Date?) {
        let stored = processor.storedResult(event)
        let correlations = processor.acceptedInOrder(accepted)
        processor.tryCompletion(
            event, stored: stored, correlations: correlations, request: request, markedAt: markedAt
        ) { [self] tried in
            switch tried {
            case .settled(let settlement):
                finish(settlement)
            case .storeFailed(let error):
                continueInTask { [self] in
                    await processor.retryCompletion(
                        event, stored: stored, correlations: correlations, request: request, markedAt: markedAt,
                        after: error)
                }
            }
        }
    }

    /// The machine wants more than one send and its answer — a retry, a backoff — or shutdown came: the rest runs
    /// in a task, as ``OutboundSubmission`` runs it for every request.
    private func continueRun(
        _ machine: OutboundRequestMachine, actions: [OutboundRequestMachine.Action],
        answered: (index: Int, answer: SegmentAnswer)?, markedAt: Date, submitStarted: ContinuousClock.Instant
    ) {
        continueInTask { [self] in
            var machine = machine
            let submission = OutboundSubmission(
                pdus: built.pdus, tags: tags, expiresAt: nil, now: processor.now, lateAcceptances: acceptances)
            let action = await submission.continueSingle(
                &machine, actions: actions, answered: answered, submitter: processor.submitter, onAnswer: observe)
            return await processor.finishRun(
                action, machine: machine, send: send, base: resultBase(markedAt: markedAt), foundMarks: nil,
                markedAt: markedAt, submitStarted: submitStarted, accepted: accepted, request: request)
        }
    }

    /// The result as far as it is known once the PDUs are built (``OutboundProcessor/afterBegin`` builds it so too).
    private func resultBase(markedAt: Date) -> SubmitResultEvent {
        var base = processor.baseEvent(send, request, markedAt: markedAt)
        base.from = built.from
        base.encoding = built.encoding
        return base
    }

    /// Goes on in a task (cancelled at once when shutdown already asked for it), then settles.
    private func continueInTask(_ work: @escaping @Sendable () async -> Settlement) {
        let task = Task { [self] in finish(await work()) }
        let cancelled = state.withLockedValue { state in
            if !state.cancelled { state.task = task }
            return state.cancelled
        }
        if cancelled { task.cancel() }
    }

    /// Releases the request's id and settles, once.
    private func finish(_ settlement: Settlement) {
        let settle = state.withLockedValue { state -> (@Sendable (Settlement) -> Void)? in
            defer { state.settle = nil }
            return state.settle
        }
        guard let settle else { return }
        processor.gate.leave(send.id)
        settle(settlement)
    }
}
