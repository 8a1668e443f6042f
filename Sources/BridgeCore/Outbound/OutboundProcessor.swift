public import struct Foundation.Date
public import Logging
import NIOConcurrencyHelpers
import SMPP

/// The outbound pipeline (DESIGN §3 steps 1–7) for one delivery at a time, many at once: decode and validate,
/// dedup through the store, expiry, encoding and segmentation, submission with retries, then the result — stored,
/// published with a confirm, and only then acknowledged.
public final class OutboundProcessor: Sendable {
    let settings: OutboundPipelineSettings
    let store: any BridgeStore
    let publisher: any EventPublishing
    let submitter: any SegmentSubmitter
    let correlator: ReceiptCorrelator
    let lateOutcomes: LateOutcomeBook
    let metrics: BridgeMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    let gate = RequestGate()
    /// Marks set by begins reported failed (and by releases that failed): not a crash mid-submit when found again.
    let unusedMarks = UnusedMarks()
    /// Tests only: runs before a request is processed; a settlement it returns ends the delivery there (a request
    /// that fails every time, to exercise the delivery limit).
    let faultHook: (@Sendable (IncomingRequest) async -> Settlement?)?
    let references = NIOLockedValueBox(ConcatenationReferences(seed: UInt16.random(in: 0...UInt16.max)))

    /// Creates the pipeline over its ports.
    public convenience init(
        settings: OutboundPipelineSettings, store: any BridgeStore, publisher: any EventPublishing,
        submitter: any SegmentSubmitter, correlator: ReceiptCorrelator, lateOutcomes: LateOutcomeBook,
        metrics: BridgeMetrics, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            settings: settings, store: store, publisher: publisher, submitter: submitter, correlator: correlator,
            lateOutcomes: lateOutcomes, metrics: metrics, logger: logger, now: now, faultHook: nil)
    }

    init(
        settings: OutboundPipelineSettings, store: any BridgeStore, publisher: any EventPublishing,
        submitter: any SegmentSubmitter, correlator: ReceiptCorrelator, lateOutcomes: LateOutcomeBook,
        metrics: BridgeMetrics, logger: Logger, now: @escaping @Sendable () -> Date,
        faultHook: (@Sendable (IncomingRequest) async -> Settlement?)?
    ) {
        self.faultHook = faultHook
        self.settings = settings
        self.store = store
        self.publisher = publisher
        self.submitter = submitter
        self.correlator = correlator
        self.lateOutcomes = lateOutcomes
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// Handles one delivery to its end and says how to settle it. Never throws: every failure is a result, a dead
    /// letter, or a requeue (the store cannot be read or marked now, the broker does not confirm the result, or
    /// shutdown comes, or the store closes, before the store took a known outcome).
    public func process(_ request: IncomingRequest) async -> Settlement {
        await process(request, decoded: decode(request), built: nil)
    }

    func decode(_ request: IncomingRequest) -> RequestDecoding {
        SendRequestDecoder.decode(body: request.body, messageID: request.properties.messageID, now: now())
    }

    /// ``process(_:)`` of a request already decoded, its PDUs perhaps already built (`built`, for a valid one).
    func process(
        _ request: IncomingRequest, decoded: RequestDecoding, built: Result<SubmitPDUBuilder.Built, SubmitPDUBuilder.Refusal>?
    ) async -> Settlement {
        if let limit = settings.deliveryLimit, let count = request.deliveryCount, count >= limit {
            return await overDeliveryLimit(request, decoded, count: count, limit: limit)
        }
        if let faultHook, let settlement = await faultHook(request) { return settlement }
        switch decoded {
        case .unidentifiable(let reason):
            return await deadLetter(request, reason: reason)
        case .rejected(let rejection):
            return await gated(rejection.requestID) { await self.reject(rejection, request) }
        case .valid(let send):
            return await gated(send.id) { await self.submit(send, request, built: built) }
        }
    }

    /// A request the broker gave back `limit` times or more: whatever happens to it fails or stops the bridge
    /// every time (a poison request). One already completed is republished as usual; any other is dead-lettered
    /// with the reason, so it stops cycling (the quorum queue's own `x-delivery-limit` catches one that never
    /// gets this far). It gets no submit result: its outcome is for an operator to decide (DESIGN §3).
    private func overDeliveryLimit(
        _ request: IncomingRequest, _ decoded: RequestDecoding, count: Int, limit: Int
    ) async -> Settlement {
        let reason = "redelivered \(count) times (amqp.delivery_limit \(limit)): it failed or stopped the bridge every time"
        let id: String?
        switch decoded {
        case .unidentifiable: id = nil
        case .rejected(let rejection): id = rejection.requestID
        case .valid(let send): id = send.id
        }
        guard let id else { return await deadLetter(request, reason: reason, requestID: nil) }
        return await gated(id) {
            let state: StoredRequestState?
            do throws(BridgeStoreError) {
                state = try await self.timed(.lookup) { () async throws(BridgeStoreError) in
                    try await self.store.requestState(id: id)
                }
            } catch {
                return self.storeFailed(id, error)
            }
            if case .completed(let stored)? = state { return await self.republish(stored, id: id, request) }
            return await self.deadLetter(request, reason: reason, requestID: id)
        }
    }

    private func gated(_ id: String, _ body: () async -> Settlement) async -> Settlement {
        await gate.enter(id)
        defer { gate.leave(id) }
        return await body()
    }

    /// A request the store already completed is republished as it was first (same bytes, same event id).
    private func republish(_ stored: StoredResult, id: String, _ request: IncomingRequest) async -> Settlement {
        metrics.request("duplicate")
        logger.info("duplicate request: result republished", metadata: [
            "request_id": "\(id)", "status": "\(stored.status)", "event_id": "\(stored.eventID)",
        ])
        return await publishResult(stored, requestID: id, receivedAt: request.receivedAt)
    }

    func storeFailed(_ id: String, _ error: BridgeStoreError) -> Settlement {
        logger.error("store failed; request requeued", metadata: ["request_id": "\(id)", "error": "\(error)"])
        metrics.request("requeued")
        return .requeue
    }

    /// The begin of request `id` (its mark `markedAt`) was reported failed: requeued. The write may have committed
    /// all the same; its mark is remembered as unused, so the redelivery does not take it for a crash mid-submit.
    func beginFailed(_ id: String, markedAt: Date, _ error: BridgeStoreError) -> Settlement {
        unusedMarks.remember(id: id, markedAt: markedAt)
        return storeFailed(id, error)
    }

    private func reject(_ rejection: RequestRejection, _ request: IncomingRequest) async -> Settlement {
        let id = rejection.requestID
        let state: StoredRequestState?
        do {
            state = try await timed(.lookup) { () async throws(BridgeStoreError) in try await self.store.requestState(id: id) }
            if case .completed(let stored)? = state { return await republish(stored, id: id, request) }
        } catch {
            return storeFailed(id, error)
        }
        var event = SubmitResultEvent(
            requestID: rejection.requestID, status: .rejected, to: rejection.to, from: rejection.from,
            error: .rejected(rejection), receivedAt: request.receivedAt, completedAt: now(),
            metadata: rejection.metadata)
        // Found in flight: an earlier delivery (before a restart with stricter checks) may have reached the SMSC.
        if case .inFlight? = state { event.possibleDuplicate = true }
        return await complete(event, correlations: [], request: request)
    }

    private func submit(
        _ send: SendRequest, _ request: IncomingRequest, built: Result<SubmitPDUBuilder.Built, SubmitPDUBuilder.Refusal>?
    ) async -> Settlement {
        let started = now()
        // Dedup and the in-flight mark in one store round trip (DESIGN §3 steps 2 and 4).
        let previous: StoredRequestState?
        do {
            previous = try await timed(.begin) { () async throws(BridgeStoreError) in
                try await self.store.beginRequest(id: send.id, at: started)
            }
        } catch {
            return beginFailed(send.id, markedAt: started, error)
        }
        return await afterBegin(send, request, previous: previous, markedAt: started, built: built)
    }

    /// The rest of ``submit``, once the store said where the request stood (`previous`) and marked it in flight at
    /// `markedAt`: republish, expiry, the unknown-outcome policy, the PDUs (`built` when already built), submission.
    func afterBegin(
        _ send: SendRequest, _ request: IncomingRequest, previous: StoredRequestState?, markedAt started: Date,
        built prebuilt: Result<SubmitPDUBuilder.Built, SubmitPDUBuilder.Refusal>?
    ) async -> Settlement {
        let previous = unusedMarks.discounting(previous, id: send.id)
        if case .completed(let stored)? = previous { return await republish(stored, id: send.id, request) }
        let recovered = previous != nil
        let foundMarks: Int? = if case .inFlight(_, let marks)? = previous { marks } else { nil }
        var base = baseEvent(send, request, markedAt: started)
        let expiry = [send.expiresAt, request.amqpExpiry].compactMap { $0 }.min()
        if let expiry, expiry <= started {
            if recovered {
                // Found in flight: the delivery that marked it may have reached the SMSC, so it is not `expired`
                // (never submitted) but of unknown outcome, as an expiry during submission after an unknown send.
                base.status = settings.retry.resubmitUnknown ? .failed : .unknown
                base.possibleDuplicate = true
                base.error = .init(
                    code: SubmitResultEvent.ErrorInfo.outcomeUnknown,
                    message: "expired while an earlier delivery of it was in flight (a bridge stopped, or another "
                        + "instance holds it); the SMSC may or may not have it")
            } else {
                base.status = .expired
                base.error = .init(code: SubmitResultEvent.ErrorInfo.expired, message: "expired before it could be sent")
            }
            return await complete(base, correlations: [], request: request)
        }
        if recovered && !settings.retry.resubmitUnknown {
            // Found in flight: DESIGN §3 "Unknown outcomes" flags it, as the SMSC may hold a copy already.
            base.status = .unknown
            base.possibleDuplicate = true
            base.error = .init(
                code: SubmitResultEvent.ErrorInfo.outcomeUnknown,
                message: "the bridge stopped while submitting; the SMSC may or may not have it")
            return await complete(base, correlations: [], request: request)
        }
        if case .inFlight(_, let marks)? = previous, marks >= settings.retry.maxAttempts {
            return await completeInterrupted(send, base: base, marks: marks, request: request)
        }
        let built: SubmitPDUBuilder.Built
        switch prebuilt ?? build(send) {
        case .success(let pdus):
            built = pdus
        case .failure(let refusal):
            base.status = .rejected
            base.error = .init(code: SubmitResultEvent.ErrorInfo.invalidRequest, message: refusal.reason, field: refusal.field)
            // Found in flight, the request was built before (the configuration changed since): the SMSC may have it.
            base.possibleDuplicate = recovered
            return await complete(base, correlations: [], request: request)
        }
        base.from = built.from
        base.encoding = built.encoding
        return await run(
            send, built: built, base: base, foundMarks: foundMarks, markedAt: started, expiry: expiry, request: request)
    }

    /// A request whose submission was interrupted `marks` times (each delivery marked it in flight and stopped before
    /// its outcome was stored: a crash loop, repeated shutdowns, takeovers) is not submitted again once that reaches
    /// `smpp.max_attempts`: each may have reached the SMSC, and a classic queue redelivers it for ever. Failed,
    /// OUTCOME_UNKNOWN, flagged — as when the resubmits of an unknown outcome run out within one delivery.
    func completeInterrupted(
        _ send: SendRequest, base: SubmitResultEvent, marks: Int, request: IncomingRequest
    ) async -> Settlement {
        var event = base
        event.status = .failed
        event.possibleDuplicate = true
        event.error = .init(
            code: SubmitResultEvent.ErrorInfo.outcomeUnknown,
            message: "submission was interrupted \(marks) times (the bridge stopped while submitting it); not "
                + "submitted again (smpp.max_attempts \(settings.retry.maxAttempts)); the SMSC may have it")
        logger.warning("request interrupted too often while submitting; failed without submitting it again", metadata: [
            "request_id": "\(send.id)", "interruptions": "\(marks)",
        ])
        return await complete(event, correlations: [], request: request)
    }

    /// The result as far as it is known before submission.
    func baseEvent(_ send: SendRequest, _ request: IncomingRequest, markedAt: Date) -> SubmitResultEvent {
        SubmitResultEvent(
            requestID: send.id, status: .accepted, to: send.to, from: send.from ?? settings.sourceAddress,
            receivedAt: request.receivedAt, completedAt: markedAt, metadata: send.metadata)
    }

    func build(_ send: SendRequest) -> Result<SubmitPDUBuilder.Built, SubmitPDUBuilder.Refusal> {
        do throws(SubmitPDUBuilder.Refusal) {
            return .success(try SubmitPDUBuilder(settings: settings).build(send, references: references))
        } catch {
            return .failure(error)
        }
    }
}
