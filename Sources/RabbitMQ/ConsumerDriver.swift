import Logging
import Synchronization

/// The consumer's side of its connection thread: declares the topology, subscribes with manual acks on channel 1,
/// feeds the delivery buffer, and carries the application's acks out (coalesced, see ``AckCoalescer``). Any
/// channel loss or broker cancel means a reconnect, which declares and subscribes again; buffered deliveries of the
/// lost connection are dropped (the broker redelivers them) and never acknowledged by the layer.
final class ConsumerDriver: ConnectionDriver {
    enum Command: Sendable {
        case ack(deliveryTag: UInt64, multiple: Bool, generation: UInt64)
        case nack(deliveryTag: UInt64, multiple: Bool, requeue: Bool, generation: UInt64)
        case reject(deliveryTag: UInt64, requeue: Bool, generation: UInt64)
        /// basic.cancel: stop consuming (also after reconnects), keep the channel for acks.
        case cancel(CheckedContinuation<Void, any Error>)
        /// basic.consume again after a cancel (also after reconnects).
        case resume(CheckedContinuation<Void, any Error>)
        /// basic.qos with a new prefetch count on this channel and every later one.
        case setPrefetch(UInt16, CheckedContinuation<Void, any Error>)
    }

    static let channel: UInt16 = 1

    let buffer: DeliveryBuffer
    /// The current connection generation and its unsettled delivery tags, shared with the callers of `ack`.
    let tags: DeliveryTags
    let maxBodySize: Int
    private let queue: String
    private var prefetch: UInt16
    /// The prefetch given at creation: the local buffer's size, so the most ``Command/setPrefetch(_:_:)`` sets.
    private let maxPrefetch: UInt16
    private let topology: AMQPTopology
    private let logger: Logger
    private let events: AsyncStream<AMQPConnectionEvent>.Continuation
    private var generation: UInt64 = 0
    private var consumerTag: String?
    private var cancelled = false
    private var acks = AckCoalescer()

    init(
        queue: String, prefetch: UInt16, topology: AMQPTopology, maxBodySize: Int, buffer: DeliveryBuffer,
        tags: DeliveryTags, logger: Logger, events: AsyncStream<AMQPConnectionEvent>.Continuation, consuming: Bool = true
    ) {
        self.cancelled = !consuming
        self.tags = tags
        self.queue = queue
        self.prefetch = max(prefetch, 1)
        self.maxPrefetch = max(prefetch, 1)
        self.topology = topology
        self.maxBodySize = maxBodySize
        self.buffer = buffer
        self.logger = logger
        self.events = events
    }

    var readsFrames: Bool { buffer.count < buffer.highWater }
    let waitsForWritable = false
    let hasOutstandingWork = false

    func connected(_ link: RawConnection, generation: UInt64, now: Instant) throws(AMQPError) {
        acks.reset()
        consumerTag = nil
        try link.openChannel(Self.channel)
        try link.declare(topology, channel: Self.channel)
        if !cancelled {
            try link.qos(prefetch: prefetch, channel: Self.channel)
            consumerTag = try link.consume(queue: queue, channel: Self.channel)
        }
        self.generation = generation
        tags.tracker.withLock { $0.reset(generation: generation) }
        logger.info(
            "\(cancelled ? "connected; not consuming (cancelled, or waiting for resume())" : "consuming")",
            metadata: ["amqp.queue": "\(queue)", "amqp.consumer_tag": "\(consumerTag ?? "")",
                       "amqp.generation": "\(generation)"])
    }

    func execute(_ command: Command, link: RawConnection?, now: Instant) throws(AMQPError) {
        switch command {
        case .ack(let tag, let multiple, let generation):
            guard usable(link, generation) != nil else { return }
            acks.acked(tag, multiple: multiple)
        case .nack(let tag, let multiple, let requeue, let generation):
            guard let link = usable(link, generation) else { return }
            try flushAcks(link)
            try link.nack(channel: Self.channel, deliveryTag: tag, multiple: multiple, requeue: requeue)
            acks.settledOtherwise(tag, multiple: multiple)
        case .reject(let tag, let requeue, let generation):
            guard let link = usable(link, generation) else { return }
            try flushAcks(link)
            try link.reject(channel: Self.channel, deliveryTag: tag, requeue: requeue)
            acks.settledOtherwise(tag, multiple: false)
        case .cancel(let waiter):
            cancelled = true
            guard let link, let consumerTag else {
                waiter.resume()
                return
            }
            do throws(AMQPError) {
                try link.cancel(consumerTag: consumerTag, channel: Self.channel)
                self.consumerTag = nil
                logger.info("stopped consuming (basic.cancel)", metadata: ["amqp.queue": "\(queue)"])
                waiter.resume()
            } catch {
                waiter.resume(throwing: error)
                throw error
            }
        case .resume(let waiter):
            cancelled = false
            guard let link, consumerTag == nil else {
                waiter.resume()  // consuming already, or the next connect subscribes
                return
            }
            do throws(AMQPError) {
                try link.qos(prefetch: prefetch, channel: Self.channel)
                consumerTag = try link.consume(queue: queue, channel: Self.channel)
                logger.info("consuming again (basic.consume)", metadata: [
                    "amqp.queue": "\(queue)", "amqp.consumer_tag": "\(consumerTag ?? "")",
                    "amqp.prefetch": "\(prefetch)",
                ])
                waiter.resume()
            } catch {
                waiter.resume(throwing: error)
                throw error
            }
        case .setPrefetch(let wanted, let waiter):
            let clamped = min(max(wanted, 1), maxPrefetch)
            guard clamped != prefetch else { return waiter.resume() }
            prefetch = clamped
            guard let link, let current = consumerTag else {
                waiter.resume()  // applied with the next basic.consume
                return
            }
            // RabbitMQ applies a per-consumer prefetch (basic.qos, global false) to consumers started after it:
            // subscribe again. Deliveries of the old subscription stay unacknowledged on the channel as they were.
            do throws(AMQPError) {
                try link.cancel(consumerTag: current, channel: Self.channel)
                consumerTag = nil
                try link.qos(prefetch: clamped, channel: Self.channel)
                consumerTag = try link.consume(queue: queue, channel: Self.channel)
                logger.info("prefetch changed (basic.qos, subscribed again)", metadata: [
                    "amqp.queue": "\(queue)", "amqp.prefetch": "\(clamped)",
                    "amqp.consumer_tag": "\(consumerTag ?? "")",
                ])
                waiter.resume()
            } catch {
                waiter.resume(throwing: error)
                throw error
            }
        }
    }

    func commandsDone(link: RawConnection, now: Instant) throws(AMQPError) {
        try flushAcks(link)
    }

    func writable(_ link: RawConnection, now: Instant) throws(AMQPError) {}

    /// Sends the coalesced acks; several go out batched (one write and one TCP segment for all of them).
    private func flushAcks(_ link: RawConnection) throws(AMQPError) {
        let due = acks.flush()
        try link.batched(when: due.count > 1) { () throws(AMQPError) in
            for ack in due { try link.ack(channel: Self.channel, deliveryTag: ack.tag, multiple: ack.multiple) }
        }
    }

    /// The link, if the acknowledgement belongs to it; tags of an earlier connection mean nothing on this one.
    private func usable(_ link: RawConnection?, _ generation: UInt64) -> RawConnection? {
        guard let link, generation == self.generation else {
            logger.debug("dropped an acknowledgement for an earlier connection")
            return nil
        }
        return link
    }

    func handle(_ event: RawEvent, link: RawConnection, now: Instant) throws(AMQPError) {
        switch event {
        case .delivery(_, let tag, let redelivered, let exchange, let routingKey, let consumerTag, let properties, let body):
            // Tracked before the application can see it, so its ack always finds the tag.
            tags.tracker.withLock { $0.delivered(tag) }
            acks.delivered(tag)
            buffer.push(
                AMQPDelivery(
                    body: body, properties: properties, deliveryTag: tag, redelivered: redelivered, exchange: exchange,
                    routingKey: routingKey, consumerTag: consumerTag, generation: generation))
        case .oversizedDelivery(_, let tag, let size):
            logger.warning(
                "rejected a delivery larger than amqp.max_message_size (not requeued: dead-lettered if the queue has a dead-letter exchange)",
                metadata: ["amqp.queue": "\(queue)", "amqp.size": "\(size)", "amqp.limit": "\(maxBodySize)"])
            try link.reject(channel: Self.channel, deliveryTag: tag, requeue: false)
            events.yield(.deliveryTooLarge(size: size, limit: maxBodySize))
        case .consumerCancelled(_, let consumerTag):
            let error = AMQPError(
                code: .consumerCancelled,
                message: "the broker cancelled consumer \(consumerTag) on queue \(queue) (queue deleted?)")
            events.yield(.consumerCancelled(error))
            throw error
        case .channelClosed(_, let error):
            throw error
        case .blocked(let reason):
            events.yield(.blocked(reason: reason))
        case .unblocked:
            events.yield(.unblocked)
        default:
            break
        }
    }

    func disconnected(_ error: AMQPError, now: Instant) {
        tags.tracker.withLock { $0.reset(generation: 0) }
        acks.reset()
        consumerTag = nil
        buffer.removeAll()
    }

    /// Longest an ack waits for the thread: it does not wake the thread for each ack while deliveries are
    /// unsettled, but sleeps at most this long then (``tick(now:)``), taking every ack posted meanwhile at once.
    static let ackDelay = Duration.milliseconds(5)

    func tick(now: Instant) -> Instant? {
        tags.tracker.withLock { $0.outstandingCount } > 0 ? now + Self.ackDelay : nil
    }

    func finished(_ error: AMQPError) {
        tags.tracker.withLock { $0.close() }
        buffer.finish()
    }

    static func reject(_ command: Command, _ error: AMQPError) {
        switch command {
        case .cancel(let waiter), .resume(let waiter), .setPrefetch(_, let waiter): waiter.resume(throwing: error)
        case .ack, .nack, .reject: break
        }
    }
}

/// The consumer's current connection generation and unsettled delivery tags, shared between its thread (which
/// records deliveries and resets on connect and loss) and the callers of `ack`/`nack`/`reject` (which settle).
final class DeliveryTags: Sendable {
    let tracker = Mutex(DeliveryTagTracker())
}
