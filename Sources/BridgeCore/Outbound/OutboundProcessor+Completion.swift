import struct Foundation.Date
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import RabbitMQ
import SMPP

extension OutboundProcessor {
    /// Submits every segment through the machine and turns its end into the result.
    func run(
        _ send: SendRequest, built: SubmitPDUBuilder.Built, base: SubmitResultEvent, recovered: Bool, markedAt: Date,
        expiry: Date?, request: IncomingRequest
    ) async -> Settlement {
        let tags = lateOutcomes.allocate(built.pdus.count)
        var machine = OutboundRequestMachine(
            segmentCount: built.pdus.count, policy: settings.retry, receivedAt: request.receivedAt,
            recoveredInFlight: recovered)
        let submission = OutboundSubmission(pdus: built.pdus, tags: tags, expiresAt: expiry, now: now)
        let count = built.pdus.count
        let started = ContinuousClock.now
        // Built once, when the segment is accepted: the correlator uses it at once, the store at completion.
        let accepted = NIOLockedValueBox<[ReceiptCorrelation]>([])
        let action = await submission.run(&machine, submitter: submitter) { [self] index, answer in
            switch answer {
            case .response(let status, let messageID):
                metrics.segment(status: status)
                if status == .ok {
                    let correlation = correlation(send, from: built.from, segment: index + 1, of: count, messageID: messageID)
                    accepted.withLockedValue { $0.append(correlation) }
                    correlator.segmentAccepted(correlation)
                }
            case .unknown:
                metrics.segmentUnknown.increment()
                lateOutcomes.remember(tags[index], .init(
                    requestID: send.id, segment: index + 1, segments: count, to: send.to, from: built.from,
                    metadata: send.metadata, registeredAt: now()))
            case .unsendable, .withdrawn:
                break
            }
        }
        metrics.submitLatency.record(duration: ContinuousClock.now - started)
        guard case .finish(let outcome) = action else {
            metrics.request("requeued")
            // Nothing reached the SMSC and the mark is this delivery's own: without it the redelivery is submitted
            // as new, not flagged possible_duplicate. A mark found at begin (an earlier attempt) stays.
            if !recovered && !machine.sentAnySegment { await releaseMark(send.id, markedAt: markedAt) }
            logger.info("request handed back to the queue (shutdown, or no session slot)", metadata: [
                "request_id": "\(send.id)", "sent": "\(machine.sentAnySegment)",
            ])
            return .requeue
        }
        var event = base
        event.status = SubmitResultEvent.Status(rawValue: outcome.status.rawValue) ?? .failed
        event.segments = outcome.segments
        event.attempts = outcome.attempts
        event.possibleDuplicate = outcome.possibleDuplicate
        event.error = outcome.failure.map {
            .init(code: $0.code, commandStatus: $0.commandStatus, message: $0.message)
        }
        event.completedAt = now()
        let correlations = accepted.withLockedValue { $0 }.sorted { $0.segment < $1.segment }
        return await complete(event, correlations: correlations, request: request)
    }

    func correlation(_ send: SendRequest, from: String, segment: Int, of count: Int, messageID: String) -> ReceiptCorrelation {
        ReceiptCorrelation(
            keys: MessageIDMatching.matchKeys(for: messageID, format: settings.messageIDFormat, side: .submitResponse),
            messageID: messageID, requestID: send.id, segment: segment, segments: count, to: send.to, from: from,
            metadata: send.metadata, submittedAt: now())
    }

    /// Stores the outcome (with its correlations), then publishes it; the delivery is acked only after both.
    func complete(_ event: SubmitResultEvent, correlations: [ReceiptCorrelation], request: IncomingRequest) async -> Settlement {
        let stored = StoredResult(
            eventID: EventID.make(), status: event.status.rawValue, routingKey: event.routingKey,
            body: event.jsonBytes(), completedAt: event.completedAt)
        do {
            try await timed(.complete) { () async throws(BridgeStoreError) in
                try await self.store.complete(RequestCompletion(
                    requestID: event.requestID, result: stored, correlations: correlations))
            }
        } catch {
            logger.error("store write failed; request requeued", metadata: [
                "request_id": "\(event.requestID)", "error": "\(error)",
            ])
            metrics.request("requeued")
            return .requeue
        }
        correlator.committed(correlations)
        metrics.request(event.status.rawValue)
        log(event)
        return await publishResult(stored, requestID: event.requestID, receivedAt: request.receivedAt)
    }

    /// Publishes a stored result with its own event id; requeues when the broker does not confirm.
    func publishResult(_ stored: StoredResult, requestID: String, receivedAt: Date) async -> Settlement {
        let properties = AMQPProperties(
            contentType: "application/json", deliveryMode: .persistent, correlationID: requestID,
            messageID: stored.eventID, timestamp: stored.completedAt, type: "submit_result")
        do {
            try await publisher.publish(OutgoingMessage(
                exchange: settings.resultsExchange, routingKey: stored.routingKey, body: stored.body,
                properties: properties))
        } catch {
            logger.warning("result not confirmed by the broker; request requeued (its outcome is stored)", metadata: [
                "request_id": "\(requestID)", "error": "\(error)",
            ])
            return .requeue
        }
        metrics.resultLatency.recordNanoseconds(Int64(max(0, now().timeIntervalSince(receivedAt)) * 1e9))
        return .ack
    }

    /// A body with no usable id (or a poison request, `requestID` then its id) goes to the dead-letter exchange
    /// unchanged, the reason in a header.
    func deadLetter(_ request: IncomingRequest, reason: String, requestID: String? = nil) async -> Settlement {
        var properties = request.properties
        properties.headers["x-smpp-bridge-reason"] = .string(reason)
        if let requestID { properties.headers["x-smpp-bridge-request-id"] = .string(requestID) }
        properties.headers["x-smpp-bridge-received-at"] = .string(RFC3339.format(request.receivedAt))
        properties.deliveryMode = .persistent
        do {
            try await publisher.publish(OutgoingMessage(
                exchange: settings.deadExchange, routingKey: "", body: request.body, properties: properties))
        } catch {
            logger.warning("dead letter not confirmed; requeued", metadata: ["reason": "\(reason)", "error": "\(error)"])
            return .requeue
        }
        metrics.request("dead")
        logger.warning(
            requestID == nil ? "request without a usable id dead-lettered" : "request dead-lettered",
            metadata: ["reason": "\(reason)", "bytes": "\(request.body.count)", "request_id": "\(requestID ?? "")"])
        return .ack
    }

    func log(_ event: SubmitResultEvent) {
        // Accepted results are the bulk and go to debug: build nothing for them unless debug is on.
        let level: Logger.Level = event.status == .accepted ? .debug : .info
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

    /// Forgets the in-flight mark of a request handed back unsent; if that fails, the mark stays and the
    /// redelivery is flagged (conservative).
    func releaseMark(_ id: String, markedAt: Date) async {
        do {
            try await timed(.release) { () async throws(BridgeStoreError) in
                try await self.store.releaseInFlight(id: id, markedAt: markedAt)
            }
        } catch {
            logger.warning(
                "could not forget the in-flight mark of a request handed back unsent; its redelivery is flagged",
                metadata: ["request_id": "\(id)", "error": "\(error)"])
        }
    }

    func timed<T>(_ operation: StoreOperation, _ body: () async throws(BridgeStoreError) -> T) async throws(BridgeStoreError) -> T {
        let started = ContinuousClock.now
        defer { metrics.store(operation, took: ContinuousClock.now - started) }
        return try await body()
    }
}
