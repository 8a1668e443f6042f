public import Logging

/// Publishes messages with publisher confirms on its own connection and thread, and declares topology.
///
/// `publish` returns once the broker has confirmed the message (throws on nack, on an unroutable mandatory publish,
/// and when the connection is lost with the message in flight: the caller decides whether to retry). While the
/// broker blocks publishing (resource alarm) or the connection is being re-established, publishes wait (up to the
/// confirm timeout) instead of being dropped. The connection reconnects by itself with backoff and jitter.
public final class AMQPPublisher: Sendable {
    let loop: ConnectionLoop<PublisherDriver>
    /// At most this many publishes are held at once (pending, in the socket, awaiting confirms); more wait.
    let gate: PublishGate
    /// The default bound on publishes held at once.
    static let defaultMaxOutstanding = 8192
    /// Connection events (connected, disconnected, blocked, unblocked); the newest 64 are kept if nobody reads.
    public let events: AsyncStream<AMQPConnectionEvent>

    /// Creates a publisher; nothing happens until ``connect()``.
    public convenience init(
        configuration: AMQPConfiguration, logger: Logger = Logger(label: "smpp-bridge.amqp.publisher")
    ) {
        self.init(configuration: configuration, maxOutstanding: Self.defaultMaxOutstanding, logger: logger)
    }

    init(configuration: AMQPConfiguration, maxOutstanding: Int, logger: Logger) {
        gate = PublishGate(limit: maxOutstanding)
        var logger = logger
        logger[metadataKey: "amqp.broker"] = "\(configuration)"
        logger[metadataKey: "amqp.role"] = "publisher"
        let (events, continuation) = AsyncStream<AMQPConnectionEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))
        self.events = events
        let driver = PublisherDriver(
            confirmTimeout: configuration.confirmTimeout, user: configuration.user, logger: logger,
            events: continuation)
        self.loop = ConnectionLoop(
            configuration: configuration, driver: driver, name: "amqp-publisher", logger: logger, events: continuation)
    }

    /// Dropped without ``close()``: the connection thread closes the connection and stops. (A publish in progress
    /// keeps its publisher alive, so nothing is waiting on it at this point.)
    deinit {
        loop.abandon()
    }

    /// True while connected and set up (topology declared; consuming or in confirm mode); false while
    /// reconnecting and after ``close()``. For readiness checks.
    public var isConnected: Bool { loop.isConnected }

    /// The broker node the connection is up on (one of ``AMQPConfiguration/addresses``), or nil while there is none.
    public var connectedNode: AMQPAddress? { loop.connectedNode }

    /// Connects (once per publisher). Throws the reason when the first connection cannot be made: wrong
    /// credentials (`authenticationFailed`), nothing listening (`connectionFailed`), TLS (`tlsFailed`) or a bad
    /// configuration. After that, losses are repaired in the background.
    public func connect() async throws {
        _ = try loop.configuration.validated()
        try await loop.start()
    }

    /// Publishes one message and returns when the broker confirms it.
    ///
    /// - Parameters:
    ///   - body: the message body.
    ///   - exchange: target exchange; "" is the default exchange (routing key = queue name).
    ///   - routingKey: routing key.
    ///   - properties: properties and headers; persistent by default.
    ///   - mandatory: when true, a message no queue receives fails with `unroutable` (reply 312).
    ///   - waitForConnection: when false, a publish that cannot be written now — no connection, or the broker blocks
    ///     publishing (a resource alarm) — fails at once with `notConnected` instead of waiting for the reconnect or
    ///     the unblock, also when that happens after the call but before it was written. For callers whose own
    ///     sender retries (an SMSC redelivering a deliver_sm): a publish sent late would duplicate the retry.
    ///     ``publish(_:exchange:routingKey:properties:mandatory:connectionWait:)`` bounds the wait instead.
    /// At most 8192 publishes are held at once (waiting to be sent or for their confirm); a publish beyond that
    /// waits for one of them to finish. The confirm timeout runs from the call, whatever it waited for.
    ///
    /// - Throws: ``AMQPError`` with code `publishNacked`, `unroutable` (mandatory and returned, reply 312; or the
    ///   exchange does not exist, reply 404, never sent), `connectionLost` / `channelClosed` (in flight at a loss;
    ///   may or may not have arrived), `publishTimedOut`, `notConnected` (never sent), `invalidMessage` (cannot be
    ///   encoded — a name or property over 255 octets, properties larger than a frame — or the broker would refuse
    ///   it — an `expiration` that is not whole milliseconds, a `user_id` other than the connection's user; never
    ///   sent) or `closed`.
    public func publish(
        _ body: [UInt8],
        exchange: String = "",
        routingKey: String,
        properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false,
        waitForConnection: Bool = true
    ) async throws {
        try await publish(
            body, exchange: exchange, routingKey: routingKey, properties: properties, mandatory: mandatory,
            connectionWait: waitForConnection ? .untilConfirmTimeout : .never)
    }

    /// Publishes one message and returns when the broker confirms it, waiting for a connection (or an unblock) at
    /// most as `connectionWait` says before it is written; a publish that could not be written in that time fails
    /// with `notConnected` (never sent). Otherwise as
    /// ``publish(_:exchange:routingKey:properties:mandatory:waitForConnection:)``.
    public func publish(
        _ body: [UInt8],
        exchange: String = "",
        routingKey: String,
        properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false,
        connectionWait: AMQPPublishWait
    ) async throws {
        // The confirm timeout runs from the call, whatever it waits for here.
        let enqueuedAt = ContinuousClock.now
        await gate.enter()
        defer { gate.leave() }
        let sendDeadline = connectionWait.sendDeadline(from: enqueuedAt)
        let connected = sendDeadline == nil || loop.isConnected
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.post(.publish(OutgoingPublish(
                body: body, exchange: exchange, routingKey: routingKey, properties: properties, mandatory: mandatory,
                enqueuedAt: enqueuedAt, waiter: .task(continuation), sendDeadline: sendDeadline,
                connectedWhenPosted: connected)), within: PublisherDriver.publishDelay)
        }
    }

    /// Publishes one message without waiting for it: `completion` gets nil once the broker confirmed it, else the
    /// error `publish(_:exchange:routingKey:properties:mandatory:connectionWait:)` would throw. It runs on the
    /// publisher's thread — it must be quick and must not block — or, for a publish refused at once (a publisher not
    /// connected yet, or closed), before this returns. Saves a task and a hop for callers with nothing else to do
    /// until the confirm.
    ///
    /// - Returns: false, and `completion` is never called, when the publisher already holds its maximum of publishes
    ///   (the async `publish` would wait for room): use that one then.
    public func publish(
        _ body: [UInt8],
        exchange: String = "",
        routingKey: String,
        properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false,
        connectionWait: AMQPPublishWait,
        completion: @escaping @Sendable (AMQPError?) -> Void
    ) -> Bool {
        guard gate.tryEnter() else { return false }
        let (enqueuedAt, gate) = (ContinuousClock.now, self.gate)
        let sendDeadline = connectionWait.sendDeadline(from: enqueuedAt)
        let connected = sendDeadline == nil || loop.isConnected
        loop.post(.publish(OutgoingPublish(
            body: body, exchange: exchange, routingKey: routingKey, properties: properties, mandatory: mandatory,
            enqueuedAt: enqueuedAt,
            waiter: .callback { error in
                gate.leave()
                completion(error)
            },
            sendDeadline: sendDeadline, connectedWhenPosted: connected)), within: PublisherDriver.publishDelay)
        return true
    }

    /// Declares (or, when `topology.passive`, checks) exchanges, queues and bindings. A declared (not passive)
    /// topology is remembered and declared again after every reconnect (a refusal then is logged, not fatal).
    /// A passive check of something missing throws `channelClosed` with reply code 404.
    public func declare(_ topology: AMQPTopology) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.post(.declare(topology, continuation))
        }
    }

    /// Declares one queue (or checks it when `passive`) and returns its message and consumer counts.
    @discardableResult
    public func declareQueue(_ queue: AMQPQueue, passive: Bool = false) async throws -> AMQPQueueInfo {
        let result = ResultBox<AMQPQueueInfo>()
        try await run { link, channel throws(AMQPError) in
            result.value = try link.declare(queue, passive: passive, channel: channel)
        }
        guard let info = result.value else { throw AMQPError(code: .operationFailed, message: "no queue info") }
        return info
    }

    /// Deletes a queue (consumers on it are cancelled by the broker); returns how many messages it held.
    @discardableResult
    public func deleteQueue(_ name: String) async throws -> UInt32 {
        let result = ResultBox<UInt32>()
        try await run { link, channel throws(AMQPError) in result.value = try link.deleteQueue(name, channel: channel) }
        return result.value ?? 0
    }

    /// Removes the ready messages of a queue; returns how many.
    @discardableResult
    public func purgeQueue(_ name: String) async throws -> UInt32 {
        let result = ResultBox<UInt32>()
        try await run { link, channel throws(AMQPError) in result.value = try link.purgeQueue(name, channel: channel) }
        return result.value ?? 0
    }

    /// Deletes an exchange.
    public func deleteExchange(_ name: String) async throws {
        try await run { link, channel throws(AMQPError) in try link.deleteExchange(name, channel: channel) }
    }

    /// Waits for outstanding confirms (at most the confirm timeout), then closes the connection. Publishes still
    /// waiting fail with `closed`.
    public func close() async {
        await loop.close()
    }

    private func run(_ operation: @escaping @Sendable (RawConnection, UInt16) throws(AMQPError) -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.post(.topology(operation, continuation))
        }
    }
}

/// How long a publish may wait for a connection, or for the broker to unblock publishing, before it is written. A
/// publish held back only because the socket's send buffer is full waits for neither: it goes out when the socket
/// drains, within the confirm timeout, whatever this says (docs/rabbitmq.md).
public enum AMQPPublishWait: Sendable, Hashable {
    /// As long as the confirm timeout allows (the default).
    case untilConfirmTimeout
    /// Not at all: without a connection now, or if it goes before the publish is written, fail with `notConnected`.
    case never
    /// Up to this long from the call; then fail with `notConnected` (never sent).
    case atMost(Duration)

    /// Until when a publish handed over at `enqueuedAt` may wait to be written (nil: as the confirm timeout allows).
    func sendDeadline(from enqueuedAt: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        switch self {
        case .untilConfirmTimeout: nil
        case .never: enqueuedAt
        case .atMost(let duration): enqueuedAt + max(duration, .zero)
        }
    }
}

/// Carries a result out of a closure that runs on the connection thread; the continuation orders the accesses.
final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
