import struct Foundation.Date
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import RabbitMQ
import SMPP
import SMPPNIO

extension OutboundProcessor {
    /// Submits every segment through the machine and turns its end into the result. `foundMarks`: the count of the
    /// in-flight mark begin found (an earlier delivery stopped mid-submit), nil when there was none.
    func run(
        _ send: SendRequest, built: SubmitPDUBuilder.Built, base: SubmitResultEvent, foundMarks: Int?, markedAt: Date,
        expiry: Date?, request: IncomingRequest
    ) async -> Settlement {
        let tags = lateOutcomes.allocate(built.pdus.count)
        var machine = OutboundRequestMachine(
            segmentCount: built.pdus.count, policy: settings.retry, receivedAt: request.receivedAt,
            recoveredInFlight: foundMarks != nil)
        let acceptances = LateAcceptances()
        let submission = OutboundSubmission(
            pdus: built.pdus, tags: tags, expiresAt: expiry, now: now, lateAcceptances: acceptances)
        let started = ContinuousClock.now
        // Built once, when the segment is accepted: the correlator uses it at once, the store at completion.
        let accepted = NIOLockedValueBox<[ReceiptCorrelation]>([])
        let action = await submission.run(
            &machine, submitter: submitter,
            onAnswer: answerObserver(send, built: built, tags: tags, accepted: accepted, acceptances: acceptances))
        return await finishRun(
            action, machine: machine, send: send, base: base, foundMarks: foundMarks, markedAt: markedAt,
            submitStarted: started, accepted: accepted, request: request)
    }

    /// What sees every segment answer as it arrives (on the session's event loop): the segment metric, the
    /// correlation of an accepted segment handed to the correlator at once (a receipt may follow right behind),
    /// a send with an unknown outcome remembered for its late response (which `acceptances` then hears of, so the
    /// request calls off a resubmit the SMSC does not need).
    func answerObserver(
        _ send: SendRequest, built: SubmitPDUBuilder.Built, tags: [UInt64], accepted: NIOLockedValueBox<[ReceiptCorrelation]>,
        acceptances: LateAcceptances
    ) -> @Sendable (Int, SegmentAnswer) -> Void {
        let count = built.pdus.count
        return { [self] index, answer in
            // At debug, the line that ties the session's "submit response" / "submit failed" (same tag) to the
            // request and segment.
            logger.debug("segment answered", metadata: [
                "request_id": "\(send.id)", "segment": "\(index + 1)", SMPPLogKey.submitTag: "\(tags[index])",
                "answer": "\(answer)",
            ])
            switch answer {
            case .response(let status, let messageID):
                metrics.segment(status: status)
                if status == .ok, messageID.isEmpty {
                    // No key any receipt could name: no correlation (it would be kept under the empty id).
                    logger.warning("the SMSC accepted a segment without a message_id; its receipts cannot be matched",
                                   metadata: ["request_id": "\(send.id)", "segment": "\(index + 1)"])
                } else if status == .ok {
                    let correlation = correlation(send, from: built.from, segment: index + 1, of: count, messageID: messageID)
                    accepted.withLockedValue { $0.append(correlation) }
                    correlator.segmentAccepted(correlation)
                }
            case .unknown:
                metrics.segmentUnknown.increment()
                lateOutcomes.remember(tags[index], .init(
                    requestID: send.id, segment: index + 1, segments: count, to: send.to, from: built.from,
                    metadata: send.metadata, registeredAt: now()), acceptances: acceptances)
            case .unsendable, .withdrawn:
                break
            }
        }
    }

    /// The machine's last action turned into the settlement: a requeue (the in-flight mark released when nothing
    /// was sent), or the result stored and published.
    func finishRun(
        _ action: OutboundRequestMachine.Action, machine: OutboundRequestMachine, send: SendRequest,
        base: SubmitResultEvent, foundMarks: Int?, markedAt: Date, submitStarted: ContinuousClock.Instant,
        accepted: NIOLockedValueBox<[ReceiptCorrelation]>, request: IncomingRequest
    ) async -> Settlement {
        metrics.submitLatency.record(duration: ContinuousClock.now - submitStarted)
        guard case .finish(let outcome) = action else {
            metrics.request("requeued")
            // Nothing reached the SMSC: this delivery's mark goes, so the redelivery is submitted as new, not flagged
            // possible_duplicate. After a mark found at begin (an earlier attempt, which may have sent it) the request
            // stays in flight, so the redelivery is still flagged, with the count it had: this delivery is not
            // counted toward smpp.max_attempts.
            if !machine.sentAnySegment { await forgetMark(send.id, markedAt: markedAt, foundMarks: foundMarks) }
            // Segments the SMSC accepted before the hand-back have receipts coming: their correlations go to the
            // store (no outcome will carry them there), so those match on any instance and after a restart.
            let kept = acceptedInOrder(accepted)
            if !kept.isEmpty { await keepCorrelations(kept, requestID: send.id) }
            logger.info("request handed back to the queue (shutdown, or no session slot)", metadata: [
                "request_id": "\(send.id)", "sent": "\(machine.sentAnySegment)",
            ])
            return .requeue
        }
        let event = resultEvent(base, outcome)
        return await complete(
            event, correlations: acceptedInOrder(accepted), request: request,
            markedAt: heldMark(event, sent: machine.sentAnySegment, markedAt: markedAt))
    }

    /// The mark a completion names (``RequestCompletion/markedAt``): the delivery's own when its result is unflagged
    /// and it sent segments, so a takeover by another instance since (which may submit them again) is noticed and
    /// the result flagged; nil when the result is flagged already or nothing was sent.
    func heldMark(_ event: SubmitResultEvent, sent: Bool, markedAt: Date) -> Date? {
        sent && !event.possibleDuplicate ? markedAt : nil
    }

    /// The result of a request whose segments are all settled.
    func resultEvent(_ base: SubmitResultEvent, _ outcome: RequestOutcome) -> SubmitResultEvent {
        var event = base
        event.status = SubmitResultEvent.Status(rawValue: outcome.status.rawValue) ?? .failed
        event.segments = outcome.segments
        event.attempts = outcome.attempts
        event.possibleDuplicate = outcome.possibleDuplicate
        event.error = outcome.failure.map {
            .init(code: $0.code, commandStatus: $0.commandStatus, message: $0.message)
        }
        event.completedAt = now()
        return event
    }

    func acceptedInOrder(_ accepted: NIOLockedValueBox<[ReceiptCorrelation]>) -> [ReceiptCorrelation] {
        accepted.withLockedValue { $0 }.sorted { $0.segment < $1.segment }
    }

    func correlation(_ send: SendRequest, from: String, segment: Int, of count: Int, messageID: String) -> ReceiptCorrelation {
        ReceiptCorrelation(
            keys: MessageIDMatching.matchKeys(for: messageID, format: settings.messageIDFormat, side: .submitResponse),
            messageID: messageID, requestID: send.id, segment: segment, segments: count, to: send.to, from: from,
            metadata: send.metadata, submittedAt: now())
    }

    /// Stores the outcome (with its correlations), then publishes it; the delivery is acked only after both. A store
    /// that cannot take the outcome is asked again while the delivery is held (``retryCompletion``). `markedAt`: the
    /// mark the outcome holds under (``heldMark(_:sent:markedAt:)``).
    func complete(
        _ event: SubmitResultEvent, correlations: [ReceiptCorrelation], request: IncomingRequest, markedAt: Date? = nil
    ) async -> Settlement {
        let stored = storedResult(event)
        switch await tryCompletion(event, stored: stored, correlations: correlations, request: request, markedAt: markedAt) {
        case .settled(let settlement):
            return settlement
        case .storeFailed(let error):
            return await retryCompletion(
                event, stored: stored, correlations: correlations, request: request, markedAt: markedAt, after: error)
        }
    }

    /// What one try of a completion came to.
    enum CompletionTry: Sendable {
        /// The store holds the outcome; the publish of the result settled the delivery.
        case settled(Settlement)
        /// The store did not take the outcome; nothing was published.
        case storeFailed(BridgeStoreError)
    }

    /// One try of ``complete(_:correlations:request:markedAt:)``: stores `stored` (the result of `event`), then
    /// publishes it.
    func tryCompletion(
        _ event: SubmitResultEvent, stored: StoredResult, correlations: [ReceiptCorrelation], request: IncomingRequest,
        markedAt: Date?
    ) async -> CompletionTry {
        await withCheckedContinuation { continuation in
            tryCompletion(event, stored: stored, correlations: correlations, request: request, markedAt: markedAt) {
                continuation.resume(returning: $0)
            }
        }
    }

    /// One try of ``complete(_:correlations:request:markedAt:)`` without a task: stores `stored` (the result of
    /// `event`) while the request holds `markedAt` (when given), then publishes it. `then` runs on the thread of the
    /// broker's confirm (or of the store, when it failed).
    func tryCompletion(
        _ event: SubmitResultEvent, stored: StoredResult, correlations: [ReceiptCorrelation], request: IncomingRequest,
        markedAt: Date?, then: @escaping @Sendable (CompletionTry) -> Void
    ) {
        let started = ContinuousClock.now
        let completion = RequestCompletion(
            requestID: event.requestID, result: stored, correlations: correlations, markedAt: markedAt)
        store.complete(completion) { [self] result in
            metrics.store(.complete, took: ContinuousClock.now - started)
            switch result {
            case .failure(let error):
                then(.storeFailed(error))
            case .success(nil):
                completed(event, correlations: correlations)
                publishResult(stored, requestID: event.requestID, receivedAt: request.receivedAt) { then(.settled($0)) }
            case .success(.completed(let first)) where first.eventID == stored.eventID:
                // Our own outcome: an earlier try of this completion was reported failed but committed (a connection
                // lost during the commit). Event ids are fresh, so no other delivery stored this one.
                completed(event, correlations: correlations)
                publishResult(first, requestID: event.requestID, receivedAt: request.receivedAt) { then(.settled($0)) }
            case .success(.completed(let first)):
                completedElsewhere(event, first: first, correlations: correlations, request: request, then: then)
            case .success(.inFlight):
                // Another delivery (another instance's, with a shared store) took the request over since our mark
                // and may submit it again: the SMSC may get it twice, so the result says so (DESIGN §3 step 6).
                var flagged = event
                flagged.possibleDuplicate = true
                logger.warning("request taken over by another delivery while submitting; result flagged", metadata: [
                    "request_id": "\(event.requestID)", "status": "\(event.status.rawValue)",
                ])
                tryCompletion(
                    flagged, stored: storedResult(flagged, eventID: stored.eventID), correlations: correlations,
                    request: request, markedAt: nil, then: then)
            }
        }
    }

    /// Another delivery of this request (another instance's, with a shared store) completed it first: its result is
    /// the request's one, republished byte for byte, and ours is dropped (DESIGN §3). Ours is counted only as a
    /// `duplicate` (the first completion counted the request's status); the segments ours got accepted are still
    /// correlated, in memory and in the store, so their receipts match wherever they arrive.
    private func completedElsewhere(
        _ event: SubmitResultEvent, first: StoredResult, correlations: [ReceiptCorrelation], request: IncomingRequest,
        then: @escaping @Sendable (CompletionTry) -> Void
    ) {
        metrics.request("duplicate")
        logger.warning("request completed first by another delivery; its result republished, ours dropped", metadata: [
            "request_id": "\(event.requestID)", "status": "\(first.status)", "event_id": "\(first.eventID)",
            "dropped_status": "\(event.status.rawValue)", "dropped_message_ids": "\(event.segments.compactMap(\.messageID))",
        ])
        if !correlations.isEmpty { Task { await keepCorrelations(correlations, requestID: event.requestID) } }
        publishResult(first, requestID: event.requestID, receivedAt: request.receivedAt) { then(.settled($0)) }
    }

    /// Stores the receipt correlations of accepted segments whose request settles without an outcome of its own
    /// carrying them (handed back, or completed first elsewhere), then moves them out of this instance's pending
    /// set (into its recent memory), also when the store fails: a pending entry is never evicted otherwise.
    func keepCorrelations(_ correlations: [ReceiptCorrelation], requestID: String) async {
        do {
            try await store.addCorrelations(correlations)
        } catch {
            logger.error("receipt correlations of accepted segments not stored; their receipts may go unmatched",
                         metadata: ["request_id": "\(requestID)", "error": "\(error)"])
        }
        correlator.committed(correlations)
    }

    /// The result as stored and published, under `eventID` (a fresh one unless given).
    func storedResult(_ event: SubmitResultEvent, eventID: String = EventID.make()) -> StoredResult {
        StoredResult(
            eventID: eventID, status: event.status.rawValue, routingKey: event.routingKey,
            body: event.jsonBytes(), completedAt: event.completedAt)
    }

    func completionFailed(_ event: SubmitResultEvent, _ error: BridgeStoreError) -> Settlement {
        logger.error("store write failed; request requeued", metadata: [
            "request_id": "\(event.requestID)", "error": "\(error)",
        ])
        metrics.request("requeued")
        return .requeue
    }

    /// The store holds the outcome: the correlator forgets what it kept for the commit; the result is counted and
    /// logged.
    private func completed(_ event: SubmitResultEvent, correlations: [ReceiptCorrelation]) {
        correlator.committed(correlations)
        metrics.request(event.status.rawValue)
        log(event)
    }

    /// Publishes a stored result with its own event id; requeues when the broker does not confirm.
    func publishResult(_ stored: StoredResult, requestID: String, receivedAt: Date) async -> Settlement {
        await withCheckedContinuation { continuation in
            publishResult(stored, requestID: requestID, receivedAt: receivedAt) { continuation.resume(returning: $0) }
        }
    }

    /// ``publishResult(_:requestID:receivedAt:)`` without a task: `then` runs on the thread of the broker's confirm.
    private func publishResult(
        _ stored: StoredResult, requestID: String, receivedAt: Date, then: @escaping @Sendable (Settlement) -> Void
    ) {
        publisher.publish(resultMessage(stored, requestID: requestID)) { [self] error in
            then(published(error, requestID: requestID, receivedAt: receivedAt))
        }
    }

    private func resultMessage(_ stored: StoredResult, requestID: String) -> OutgoingMessage {
        let properties = AMQPProperties(
            contentType: "application/json", deliveryMode: .persistent, correlationID: requestID,
            messageID: stored.eventID, timestamp: stored.completedAt, type: "submit_result")
        return OutgoingMessage(
            exchange: settings.resultsExchange, routingKey: stored.routingKey, body: stored.body, properties: properties)
    }

    /// The settlement once the broker confirmed a result (`error` nil) or did not.
    private func published(_ error: (any Error)?, requestID: String, receivedAt: Date) -> Settlement {
        if let error {
            logger.warning("result not confirmed by the broker; request requeued (its outcome is stored)", metadata: [
                "request_id": "\(requestID)", "error": "\(error)",
            ])
            metrics.request("requeued")
            return .requeue
        }
        metrics.resultLatency.recordNanoseconds(Int64(max(0, now().timeIntervalSince(receivedAt)) * 1e9))
        return .ack
    }

    /// A body with no usable id (or a poison request, `requestID` then its id) goes to the dead-letter exchange
    /// unchanged, the reason in a header.
    func deadLetter(_ request: IncomingRequest, reason: String, requestID: String? = nil) async -> Settlement {
        var properties = Self.deadLetterProperties(request.properties)
        properties.headers["x-smpp-bridge-reason"] = .string(reason)
        if let requestID { properties.headers["x-smpp-bridge-request-id"] = .string(requestID) }
        properties.headers["x-smpp-bridge-received-at"] = .string(RFC3339.format(request.receivedAt))
        properties.deliveryMode = .persistent
        do {
            try await publisher.publish(OutgoingMessage(
                exchange: settings.deadExchange, routingKey: "", body: request.body, properties: properties))
        } catch {
            logger.warning("dead letter not confirmed; requeued", metadata: ["reason": "\(reason)", "error": "\(error)"])
            metrics.request("requeued")
            return .requeue
        }
        metrics.request("dead")
        logger.warning(
            requestID == nil ? "request without a usable id dead-lettered" : "request dead-lettered",
            metadata: ["reason": "\(reason)", "bytes": "\(request.body.count)", "request_id": "\(requestID ?? "")"])
        return .ack
    }

    /// The request's properties for its dead letter, without the two a republish must not carry, each kept in a
    /// header instead: `expiration` (the dead letter would expire out of `smpp.dead` as the request would have — a
    /// silent loss; RabbitMQ's own dead-lettering drops it too) and `user_id` (the broker refuses a publish whose
    /// user_id is not the bridge's login, so the dead letter would be requeued for ever).
    static func deadLetterProperties(_ original: AMQPProperties) -> AMQPProperties {
        var properties = original
        if let expiration = properties.expiration {
            properties.headers["x-smpp-bridge-original-expiration"] = .string(expiration)
            properties.expiration = nil
        }
        if let userID = properties.userID {
            properties.headers["x-smpp-bridge-original-user-id"] = .string(userID)
            properties.userID = nil
        }
        return properties
    }

    func log(_ event: SubmitResultEvent) {
        // Accepted results are the bulk and go to debug: build nothing for them unless debug is on. One flagged
        // possible_duplicate is worth an info line (the handset may get it twice).
        let level: Logger.Level = event.status == .accepted && !event.possibleDuplicate ? .debug : .info
        guard logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = [
            "request_id": "\(event.requestID)", "status": "\(event.status.rawValue)",
            "segments": "\(event.segments.count)", "attempts": "\(event.attempts)",
        ]
        let ids = event.segments.compactMap(\.messageID)
        if !ids.isEmpty { metadata["message_ids"] = "\(ids.joined(separator: ","))" }
        if event.possibleDuplicate { metadata["possible_duplicate"] = "true" }
        if let error = event.error {
            metadata["error"] = "\(error.code)"
            metadata["error_message"] = "\(error.message)"
            if let field = error.field { metadata["field"] = "\(field)" }
        }
        logger.log(level: level, "submit result", metadata: metadata)
    }

    /// Forgets this delivery's in-flight mark of a request handed back unsent: released, or — after a mark found at
    /// begin — given back that mark's count (``BridgeStore/restoreInFlight(id:markedAt:marks:)``). If that fails the
    /// mark stays: a released one is remembered as unused (``UnusedMarks``; a redelivery to another instance, or
    /// after a restart, is flagged), a restored one counts once more. Conservative either way.
    func forgetMark(_ id: String, markedAt: Date, foundMarks: Int?) async {
        do {
            try await timed(.release) { () async throws(BridgeStoreError) in
                if let foundMarks {
                    try await self.store.restoreInFlight(id: id, markedAt: markedAt, marks: foundMarks)
                } else {
                    try await self.store.releaseInFlight(id: id, markedAt: markedAt)
                }
            }
        } catch {
            if foundMarks == nil { unusedMarks.remember(id: id, markedAt: markedAt) }
            logger.warning(
                foundMarks == nil
                    ? "could not forget the in-flight mark of a request handed back unsent; flagged if redelivered elsewhere"
                    : "could not put back the earlier in-flight mark of a request handed back unsent; it counts once more",
                metadata: ["request_id": "\(id)", "error": "\(error)"])
        }
    }

    func timed<T>(_ operation: StoreOperation, _ body: () async throws(BridgeStoreError) -> T) async throws(BridgeStoreError) -> T {
        let started = ContinuousClock.now
        defer { metrics.store(operation, took: ContinuousClock.now - started) }
        return try await body()
    }
}
