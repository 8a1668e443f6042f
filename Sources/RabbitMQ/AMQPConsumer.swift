public import Logging

/// Consumes one queue with manual acknowledgements on its own connection and thread.
///
/// Deliveries arrive through ``deliveries``; the application acknowledges each with ``ack(_:multiple:)``,
/// ``nack(_:multiple:requeue:)`` or ``reject(_:requeue:)`` — the layer never acknowledges by itself. On a lost
/// connection or a broker cancel (queue deleted) it reconnects with backoff and jitter, declares its topology again
/// and resumes; deliveries of the lost connection are redelivered by the broker (`redelivered` set).
public final class AMQPConsumer: Sendable {
    let loop: ConnectionLoop<ConsumerDriver>
    private let tags = DeliveryTags()
    /// The deliveries, in arrival order (iterate from one task).
    public let deliveries: AMQPDeliveries
    /// Connection events (connected, disconnected, consumerCancelled, …); the newest 64 are kept.
    public let events: AsyncStream<AMQPConnectionEvent>

    /// Creates a consumer of `queue`; nothing happens until ``connect()``.
    ///
    /// - Parameters:
    ///   - configuration: the broker.
    ///   - queue: the queue to consume.
    ///   - prefetch: most unacknowledged deliveries at a time (1...65535; default 64); also the local buffer size.
    ///   - topology: declared (or checked) on every connect, before subscribing. Default: nothing.
    ///   - logger: where connection events are logged (never credentials).
    ///   - consuming: false: ``connect()`` declares the topology but subscribes only at ``resume()``.
    public init(
        configuration: AMQPConfiguration,
        queue: String,
        prefetch: UInt16 = 64,
        topology: AMQPTopology = AMQPTopology(),
        logger: Logger = Logger(label: "smpp-bridge.amqp.consumer"),
        consuming: Bool = true
    ) {
        var logger = logger
        logger[metadataKey: "amqp.broker"] = "\(configuration)"
        logger[metadataKey: "amqp.role"] = "consumer"
        let (events, continuation) = AsyncStream<AMQPConnectionEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))
        self.events = events
        let wake = WakeBox()
        let buffer = DeliveryBuffer(highWater: Int(max(prefetch, 1))) { wake.loop?.mailbox.wake() }
        self.deliveries = AMQPDeliveries(buffer: buffer)
        let driver = ConsumerDriver(
            queue: queue, prefetch: prefetch, topology: topology, maxBodySize: configuration.maxMessageSize,
            buffer: buffer, tags: tags, logger: logger, events: continuation, consuming: consuming)
        loop = ConnectionLoop(
            configuration: configuration, driver: driver, name: "amqp-consumer", logger: logger, events: continuation)
        wake.loop = loop
    }

    /// Dropped without ``close()``: the connection thread closes the connection and stops; ``deliveries`` ends.
    deinit {
        loop.abandon()
    }

    /// True while connected and set up (topology declared; consuming or in confirm mode); false while
    /// reconnecting and after ``close()``. For readiness checks.
    public var isConnected: Bool { loop.isConnected }

    /// The broker node the connection is up on (one of ``AMQPConfiguration/addresses``), or nil while there is none.
    public var connectedNode: AMQPAddress? { loop.connectedNode }

    /// Connects, declares the topology and subscribes (once per consumer). Throws the reason when the first
    /// connection cannot be made or the queue cannot be consumed; later losses are repaired in the background.
    public func connect() async throws {
        _ = try loop.configuration.validated()
        try await loop.start()
    }

    /// Acknowledges a delivery (and, with `multiple`, every earlier one on the same connection). Returns at once;
    /// the consumer thread sends the frame.
    /// - Throws: `staleDelivery` when its connection is gone (the broker redelivers it anyway); `alreadySettled`
    ///   when it was acknowledged, nacked or rejected before (or never delivered here) — nothing is sent, so the
    ///   channel stays open; `closed` once ``close()`` was called (nothing is sent). Consecutive acks are sent as one
    ///   `multiple` ack when they settle a contiguous run of deliveries.
    public func ack(_ delivery: AMQPDelivery, multiple: Bool = false) throws {
        try settle(
            delivery, multiple: multiple,
            .ack(deliveryTag: delivery.deliveryTag, multiple: multiple, generation: delivery.generation))
    }

    /// Negatively acknowledges a delivery: `requeue` puts it back in the queue, otherwise it is dead-lettered
    /// (or dropped when the queue has no dead-letter exchange).
    /// - Throws: like ``ack(_:multiple:)``: `staleDelivery`, `alreadySettled` or `closed`.
    public func nack(_ delivery: AMQPDelivery, multiple: Bool = false, requeue: Bool = true) throws {
        try settle(
            delivery, multiple: multiple,
            .nack(deliveryTag: delivery.deliveryTag, multiple: multiple, requeue: requeue, generation: delivery.generation))
    }

    /// Rejects one delivery: `requeue` puts it back, otherwise it is dead-lettered or dropped.
    /// - Throws: like ``ack(_:multiple:)``: `staleDelivery`, `alreadySettled` or `closed`.
    public func reject(_ delivery: AMQPDelivery, requeue: Bool = true) throws {
        try settle(
            delivery, multiple: false,
            .reject(deliveryTag: delivery.deliveryTag, requeue: requeue, generation: delivery.generation))
    }

    /// Whether `delivery` came on the current connection: false once that connection was lost (the broker then
    /// redelivers the message, with another ``AMQPDelivery/connectionGeneration``) and after ``close()``. Its ack
    /// would fail with `staleDelivery`; whoever is still working on it should not start it a second time.
    public func isCurrent(_ delivery: AMQPDelivery) -> Bool {
        tags.tracker.withLock { $0.generation != 0 && $0.generation == delivery.generation }
    }

    /// Stops consuming (basic.cancel), also across later reconnects: the broker sends no more deliveries, and those
    /// already received can still be acknowledged, nacked or rejected on the open channel. Deliveries already in
    /// flight when the broker processes the cancel still arrive.
    /// - Throws: ``AMQPError`` (`closed` after ``close()``, or why the broker refused).
    public func cancel() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.post(.cancel(continuation))
        }
    }

    /// Consumes again after ``cancel()`` (basic.consume on the open channel, and on every later connection).
    /// Does nothing while consuming already.
    /// - Throws: ``AMQPError`` (`closed` after ``close()``, or why the broker refused).
    public func resume() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.post(.resume(continuation))
        }
    }

    /// Changes how many unacknowledged deliveries the broker may hand out at once, clamped to 1 ... the prefetch
    /// given at creation (the local buffer's size), on the open channel and every later connection. While
    /// consuming, it subscribes again (basic.cancel, basic.qos, basic.consume): RabbitMQ applies a per-consumer
    /// prefetch only to consumers started after it. Nothing already delivered is taken back; until those are
    /// settled the channel may hold them beside the new subscription's prefetch.
    /// - Throws: ``AMQPError`` (`closed` after ``close()``, or why the broker refused).
    public func setPrefetch(_ prefetch: UInt16) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.post(.setPrefetch(prefetch, continuation))
        }
    }

    /// Sends the acknowledgements already given, then closes; unacknowledged deliveries go back to the queue.
    /// From the call on, ``deliveries`` hands out nothing more (buffered ones are dropped: the broker redelivers
    /// them) and ends, and `ack`/`nack`/`reject` throw `closed` instead of being dropped silently.
    public func close() async {
        tags.tracker.withLock { $0.close() }
        deliveries.buffer.finish()
        await loop.close()
    }

    /// Settles the delivery's tag(s) in the tracker and posts the frame under the tracker's lock, so frames reach
    /// the mailbox in the order they were checked: a multiple ack checked after a single one can never overtake it
    /// and make the broker see the single one as unknown.
    private func settle(_ delivery: AMQPDelivery, multiple: Bool, _ command: ConsumerDriver.Command) throws(AMQPError) {
        let failure = tags.tracker.withLock { tracker -> AMQPError? in
            switch tracker.settle(delivery.deliveryTag, multiple: multiple, generation: delivery.generation) {
            case .settled:
                // An ack may wait a little for the thread (it coalesces with the ones after it); nacks and rejects
                // go at once (a requeue should be redelivered promptly).
                let delay: Duration? = if case .ack = command { ConsumerDriver.ackDelay } else { nil }
                guard loop.post(command, within: delay) else {
                    return AMQPError(code: .closed, message: "the consumer was closed")
                }
                return nil
            case .stale:
                return AMQPError(
                    code: .staleDelivery,
                    message: "delivery \(delivery.deliveryTag) came on an earlier connection; the broker redelivers it")
            case .closed:
                return AMQPError(code: .closed, message: "the consumer is closed; nothing was sent")
            case .alreadySettled:
                return AMQPError(
                    code: .alreadySettled,
                    message: "delivery \(delivery.deliveryTag) was already acknowledged, nacked or rejected (or never "
                        + "delivered on this connection); nothing was sent")
            }
        }
        if let failure { throw failure }
    }
}

/// Lets the delivery buffer, created before the loop, wake the loop later. Weak: the loop owns the buffer
/// (through its driver), so a strong reference here would keep every consumer's loop and pipe alive forever.
private final class WakeBox: @unchecked Sendable {
    // Written once in AMQPConsumer.init before any delivery exists, then only read.
    weak var loop: ConnectionLoop<ConsumerDriver>?
}
