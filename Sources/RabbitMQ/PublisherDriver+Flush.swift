extension PublisherDriver {
    /// Sends waiting publishes in order while the socket takes them without waiting (``RawConnection/canPublish``):
    /// when it does not (the broker stopped reading), the rest stay pending and the loop waits for `POLLOUT`, so the
    /// thread never blocks in a send and timeouts keep running. A send failure breaks the connection; the publish
    /// is already tracked, so it fails as `connectionLost` with the rest. A connection lost in the exchange check
    /// before the send leaves the publish pending (it was not sent).
    ///
    /// Several publishes go out batched (``RawConnection/batched(when:_:)``): one write for all of them, and TCP
    /// carries them in as few segments as fit, instead of three writes per publish and one segment (and one wake-up of
    /// the broker's reader) per publish.
    func flush(_ link: RawConnection, now: Instant) throws(AMQPError) {
        try link.batched(when: pending.count - pendingHead > 1) { () throws(AMQPError) in try flushPending(link, now: now) }
    }

    private func flushPending(_ link: RawConnection, now: Instant) throws(AMQPError) {
        while pendingHead < pending.count {
            guard link.canPublish else {
                heldForSpace = true
                break
            }
            let publish = pending[pendingHead]
            pendingHead += 1
            if now - publish.enqueuedAt >= confirmTimeout {
                publish.waiter.resume(
                    throwing: AMQPError(code: .notConnected, message: "publish not sent within the timeout"))
                continue
            }
            if let problem = publishEncodingProblem(
                exchange: publish.exchange, routingKey: publish.routingKey, properties: publish.properties,
                frameMax: link.frameMax) ?? publishRefusal(properties: publish.properties, user: user)
            {
                publish.waiter.resume(throwing: AMQPError(code: .invalidMessage, message: problem))
                continue
            }
            let missing: AMQPError?
            do throws(AMQPError) {
                missing = try missingExchange(publish.exchange, link)
            } catch {
                // The check lost the connection before the publish was sent or tracked: it stays first in line for
                // the next connection (or fails with the waiting publishes), instead of being dropped with its waiter.
                pendingHead -= 1
                throw error
            }
            if let missing {
                publish.waiter.resume(throwing: missing)
                continue
            }
            let fingerprint = publish.mandatory
                ? publishFingerprint(exchange: publish.exchange, routingKey: publish.routingKey, body: publish.body)
                : nil
            // One deadline per publish, from when it was handed over, whether it waited for a connection or not.
            _ = tracker.published(publish.waiter, fingerprint: fingerprint, now: publish.enqueuedAt)
            try link.publish(
                channel: Self.publishChannel, exchange: publish.exchange, routingKey: publish.routingKey,
                mandatory: publish.mandatory, properties: publish.properties, body: publish.body)
        }
        compactPending()
    }

    /// A publish to an exchange that does not exist would make the broker close the shared confirm channel (404)
    /// and fail every publish in flight with it. So each exchange is checked once per connection with a passive
    /// declare on the topology channel; a missing one fails only the publishes to it (`unroutable`, reply 404).
    private func missingExchange(_ exchange: String, _ link: RawConnection) throws(AMQPError) -> AMQPError? {
        guard !exchange.isEmpty, !knownExchanges.contains(exchange) else { return nil }
        do throws(AMQPError) {
            try link.unbatched { () throws(AMQPError) in
                try onTopologyChannel(link) { () throws(AMQPError) in
                    try link.declare(AMQPExchange(name: exchange), passive: true, channel: Self.topologyChannel)
                }
            }
            knownExchanges.insert(exchange)
            return nil
        } catch {
            guard !error.breaksConnection else { throw error }
            return AMQPError(
                code: .unroutable, message: "exchange \(exchange) cannot be published to; the publish was not sent",
                replyCode: error.replyCode, replyText: error.replyText)
        }
    }

    /// Runs RPCs on the topology channel, opening it first if needed; a broker close of it is remembered.
    func onTopologyChannel(_ link: RawConnection, _ body: () throws(AMQPError) -> Void) throws(AMQPError) {
        do throws(AMQPError) {
            if !topologyChannelOpen {
                try link.openChannel(Self.topologyChannel)
                topologyChannelOpen = true
            }
            try body()
        } catch {
            if error.code == .channelClosed { topologyChannelOpen = false }
            throw error
        }
    }

    /// Declares a topology this publisher declared before, after a reconnect. A refusal (e.g. someone declared the
    /// queue with other arguments meanwhile) is logged, not fatal: publishes still go out.
    func redeclare(_ topology: AMQPTopology, _ link: RawConnection) throws(AMQPError) {
        do throws(AMQPError) {
            try onTopologyChannel(link) { () throws(AMQPError) in
                try link.declare(topology, channel: Self.topologyChannel)
            }
        } catch {
            guard !error.breaksConnection else { throw error }
            logger.warning("could not declare the topology again after a reconnect", metadata: ["amqp.error": "\(error)"])
        }
    }

    func compactPending() {
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        } else if pendingHead > 1024 {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }
}
