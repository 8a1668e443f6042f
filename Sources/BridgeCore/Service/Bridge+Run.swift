import struct Foundation.Date
import Logging
import RabbitMQ
import SMPP
import SMPPNIO
import ServiceLifecycle

extension Bridge {
    /// Runs the loops until the shutdown signal, then stops them in the order of DESIGN §3 (Shutdown).
    func runParts(
        _ parts: BridgeParts, shutdownSignal: AsyncStream<Void>, requestShutdown: @escaping @Sendable () -> Void
    ) async {
        // The slot gate before the client: the group stops services in reverse order, so the gate outlives the
        // sessions and releases their slots once they are closed.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = parts.gate.map { [.init(service: $0)] } ?? []
        services.append(.init(service: parts.client))
        if let http = parts.http { services.append(.init(service: http)) }
        // Their own group, without signals: the SMPP sessions must outlive the drain of in-flight requests.
        let inner = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        let requestsInFlight = parts.metrics.requestsInFlight
        let requests = InFlightRequests(onCountChange: { requestsInFlight.record($0) })
        // Outside the group below: the event streams end only when the connections are closed, after it.
        let connectionWatch = Task { await self.watchConnections(parts) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Detached: a child task would inherit the graceful-shutdown manager of the group running the
                // bridge (a task-local), and ServiceGroup.run then follows that group's shutdown — the sessions,
                // the HTTP endpoint and the slot gate would stop at the first signal, during the drain below.
                let running = Task.detached { try await inner.run() }
                do {
                    try await withTaskCancellationHandler {
                        try await running.value
                    } onCancel: {
                        running.cancel()
                    }
                } catch {
                    // Without sessions (or the HTTP port) the bridge cannot do its work: stop rather than hold
                    // deliveries forever. Everything in flight is handed back.
                    self.logger.critical("SMPP or HTTP service failed; stopping", metadata: ["error": "\(error)"])
                    requestShutdown()
                }
                // The client has stopped: nothing more reaches its inbound handler.
                parts.pendingInboundContinuation.finish()
            }
            group.addTask { await self.inboundLoop(parts) }
            group.addTask { await self.lateOutcomeLoop(parts) }
            let reader = Task { await self.outboundLoop(parts, requests: requests) }
            let slotShare = parts.gate.map { gate in Task { await self.followSlotShare(parts, gate: gate) } }
            let housekeeping = Task { await self.housekeepingLoop(parts) }
            for await _ in shutdownSignal {}
            logger.info("shutdown: no new deliveries; finishing requests in flight", metadata: [
                "in_flight": "\(requests.count)",
            ])
            // Before the cancel below, so that it cannot subscribe again after it.
            slotShare?.cancel()
            await slotShare?.value
            status.withLockedValue { $0.consuming = false }
            // The reader first: it starts nothing more, not even what is buffered (up to the prefetch), while the
            // basic.cancel below takes its round trip. What it leaves returns to the queue when the consumer closes.
            reader.cancel()
            await reader.value
            do { try await parts.consumer.cancel() } catch {
                logger.warning("basic.cancel failed (deliveries not yet handed out return to the queue at close)",
                               metadata: ["error": "\(error)"])
            }
            let handedBack = await requests.drain(timeout: drainTimeout)
            if handedBack > 0 {
                logger.warning("shutdown: requests still in flight after the drain timeout were handed back",
                               metadata: ["count": "\(handedBack)"])
            }
            housekeeping.cancel()
            await housekeeping.value
            logger.info("shutdown: unbinding SMPP sessions")
            await inner.triggerGracefulShutdown()
            await group.waitForAll()
        }
        await parts.consumer.close()
        await parts.publisher.close()
        connectionWatch.cancel()
        await connectionWatch.value
        await parts.store.close()
        status.withLockedValue { $0 = BridgeStatus() }
    }

    /// Takes deliveries (the broker's prefetch bounds how many are in flight) and starts each: on the callback path
    /// (``OutboundProcessor/start(_:)``) or in a task of its own, both tracked for shutdown.
    func outboundLoop(_ parts: BridgeParts, requests: InFlightRequests) async {
        // The closures below capture these, not `parts`: a closure holding the whole struct would retain and
        // release every one of its references for each request.
        let consumer = parts.consumer
        let outbound = parts.outbound
        let amqpMetrics = parts.amqpMetrics
        for await delivery in consumer.deliveries {
            amqpMetrics.deliveries.increment()
            guard consumer.isCurrent(delivery) else { continue }  // its connection is gone; the broker redelivers it
            let request = IncomingRequest(
                body: delivery.body, properties: delivery.properties, redelivered: delivery.redelivered,
                receivedAt: outbound.now())
            switch outbound.start(request) {
            case .callbacks(let callbacks):
                let registeredID = requests.register(cancel: callbacks.cancel)
                callbacks.start { settlement in
                    self.settleWithoutTask(
                        delivery, settlement, consumer: consumer, metrics: amqpMetrics, requests: requests)
                    requests.finished(registeredID)
                }
            case .task(let prepared):
                requests.start {
                    let settlement = await outbound.process(request, prepared: prepared)
                    await self.settle(delivery, settlement, consumer: consumer, metrics: amqpMetrics)
                }
            }
        }
    }

    /// Settles a delivery the callback path finished: an ack at once; a requeue (delayed) in a tracked task.
    private func settleWithoutTask(
        _ delivery: AMQPDelivery, _ settlement: Settlement, consumer: AMQPConsumer, metrics: AMQPMetrics,
        requests: InFlightRequests
    ) {
        guard case .ack = settlement else {
            requests.start { await self.settle(delivery, settlement, consumer: consumer, metrics: metrics) }
            return
        }
        ack(delivery, consumer: consumer, metrics: metrics)
    }

    func settle(
        _ delivery: AMQPDelivery, _ settlement: Settlement, consumer: AMQPConsumer, metrics: AMQPMetrics
    ) async {
        switch settlement {
        case .ack:
            ack(delivery, consumer: consumer, metrics: metrics)
        case .requeue:
            // Not at once: a broker or store that is down would otherwise spin the request around.
            if !Task.isCancelled { try? await Task.sleep(for: .seconds(1)) }
            settled {
                try consumer.nack(delivery, requeue: true)
                metrics.requeues.increment()
            }
        }
    }

    private func ack(_ delivery: AMQPDelivery, consumer: AMQPConsumer, metrics: AMQPMetrics) {
        settled {
            try consumer.ack(delivery)
            metrics.acks.increment()
        }
    }

    /// Runs one ack or nack; one that cannot be sent (its connection is gone) is left to the broker, which
    /// redelivers the message.
    private func settled(_ body: () throws -> Void) {
        do {
            try body()
        } catch {
            logger.debug("delivery not settled (the broker redelivers it)", metadata: ["error": "\(error)"])
        }
    }

    /// Keeps the AMQP connection metrics current until cancelled.
    func watchConnections(_ parts: BridgeParts) async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await event in parts.consumer.events { parts.amqpMetrics.record(event, connection: "consumer") }
            }
            group.addTask {
                for await event in parts.publisher.events { parts.amqpMetrics.record(event, connection: "publisher") }
            }
        }
    }

    /// Every deliver_sm / data_sm the client's inbound handler did not finish at once (a receipt whose segment is
    /// known here is published where its session read it, and answered on the broker's confirm) is handled in its
    /// own task. The client bounds how many are unanswered; the loop ends once the client stopped.
    func inboundLoop(_ parts: BridgeParts) async {
        let inbound = parts.inbound  // captured per task instead of the whole `parts`
        await withDiscardingTaskGroup { group in
            for await pending in parts.pendingInbound {
                group.addTask { await inbound.handle(pending) }
            }
        }
    }

    /// Delays between the retries of a late message_id's store write (then it is given up, logged at error).
    static let lateCorrelationRetryDelays: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16)]

    /// Stores a late response's correlation again after each of `retryDelays`; it leaves the correlator's pending
    /// set once stored or given up (it stays in recent memory for a while either way). Returns whether it was stored.
    @discardableResult
    static func storeLateCorrelation(
        _ correlation: ReceiptCorrelation, store: any BridgeStore, correlator: ReceiptCorrelator,
        retryDelays: [Duration], logger: Logger
    ) async -> Bool {
        defer { correlator.committed([correlation]) }
        for delay in retryDelays {
            do {
                try await Task.sleep(for: delay)
                try await store.addCorrelations([correlation])
                return true
            } catch is CancellationError {
                return false
            } catch let error as BridgeStoreError where error.code == .closed {
                return false  // shut down: the write cannot land any more
            } catch {
                continue
            }
        }
        logger.error("late message_id not stored after retries; its receipts match only here, for a while",
                     metadata: ["request_id": "\(correlation.requestID)", "message_id": "\(correlation.messageID)"])
        return false
    }

    /// A submit_sm_resp after its timeout: if the SMSC accepted that send, its message_id is recorded so the
    /// receipts of that copy match too.
    func lateOutcomeLoop(_ parts: BridgeParts) async {
        await Self.recordLateOutcomes(
            parts.client.lateOutcomes, book: parts.lateOutcomes, store: parts.store, correlator: parts.correlator,
            format: configuration.outbound.messageIDFormat, now: parts.outbound.now, metrics: parts.metrics,
            logger: logger)
    }

    /// ``lateOutcomeLoop(_:)`` over any source: each accepted late send's correlation goes to the correlator at once
    /// and is written to the store aside, so a burst of late responses (an SMSC that stalled, then answered a full
    /// window) reaches the correlator together — written one after another, each waiting for its commit, the last
    /// ones came after their receipts' hold and those receipts went out unmatched. Concurrent writes share commits.
    static func recordLateOutcomes(
        _ outcomes: some AsyncSequence<LateSubmitOutcome, Never>, book: LateOutcomeBook, store: any BridgeStore,
        correlator: ReceiptCorrelator, format: MessageIDFormat, now: @escaping @Sendable () -> Date,
        metrics: BridgeMetrics, logger: Logger
    ) async {
        await withDiscardingTaskGroup { writes in
            for await late in outcomes {
                metrics.lateOutcomes.increment()
                guard late.outcome.commandStatus == .ok, !late.outcome.messageID.isEmpty,
                      let entry = book.entry(for: late.tag) else { continue }
                let correlation = ReceiptCorrelation(
                    keys: MessageIDMatching.matchKeys(for: late.outcome.messageID, format: format, side: .submitResponse),
                    messageID: late.outcome.messageID, requestID: entry.requestID, segment: entry.segment,
                    segments: entry.segments, to: entry.to, from: entry.from, metadata: entry.metadata,
                    submittedAt: now())
                correlator.segmentAccepted(correlation)
                // Its request, if it still waits to resubmit that segment, calls the resubmit off.
                book.lateAcceptance(tag: late.tag, messageID: late.outcome.messageID)
                writes.addTask {
                    do {
                        try await store.addCorrelations([correlation])
                        correlator.committed([correlation])
                    } catch {
                        logger.warning("late message_id not stored; retrying", metadata: ["error": "\(error)"])
                        await storeLateCorrelation(
                            correlation, store: store, correlator: correlator, retryDelays: lateCorrelationRetryDelays,
                            logger: logger)
                    }
                }
                logger.info("late submit response: the SMSC accepted a send whose outcome was unknown", metadata: [
                    "request_id": "\(entry.requestID)", "segment": "\(entry.segment)",
                    "message_id": "\(late.outcome.messageID)",
                ])
            }
            // The source ended (shutdown): writes under way finish, retries of failed ones stop waiting — the
            // shutdown waits for this loop before it closes the store.
            writes.cancelAll()
        }
    }
}
