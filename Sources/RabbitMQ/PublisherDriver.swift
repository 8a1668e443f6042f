import Logging

/// Who learns how a publish ended: a task waiting on its continuation, or a callback that runs on the publisher's
/// thread (or, when the publish is refused before it reaches that thread, on the caller's).
enum PublishWaiter: Sendable {
    case task(CheckedContinuation<Void, any Error>)
    case callback(@Sendable (AMQPError?) -> Void)

    /// The broker confirmed the publish.
    func resume() {
        switch self {
        case .task(let continuation): continuation.resume()
        case .callback(let completion): completion(nil)
        }
    }

    /// The publish failed with `error`.
    func resume(throwing error: AMQPError) {
        switch self {
        case .task(let continuation): continuation.resume(throwing: error)
        case .callback(let completion): completion(error)
        }
    }
}

/// A publish handed to the publisher thread, with whoever waits for its outcome.
struct OutgoingPublish: Sendable {
    var body: [UInt8]
    var exchange: String
    var routingKey: String
    var properties: AMQPProperties
    var mandatory: Bool
    var enqueuedAt: ContinuousClock.Instant
    var waiter: PublishWaiter
    /// Until when it may wait for a connection (or an unblock) before it is written: nil = as long as the confirm
    /// timeout allows; else it fails (`notConnected`, never sent) once this passes without a connection, also
    /// when the connection goes after it was queued but before it was written.
    var sendDeadline: ContinuousClock.Instant?
    /// Whether the publisher was connected when it was handed over (always true without a send deadline). One handed
    /// over without a connection and taken by the thread only after its deadline — the thread was in a reconnect's
    /// handshake meanwhile — fails, never sent, even though the connection is up by then.
    var connectedWhenPosted = true

    /// Whether it may still wait for a connection at `now`.
    func mayWait(at now: ContinuousClock.Instant) -> Bool { sendDeadline.map { now < $0 } ?? true }
}

/// Identifies a mandatory publish in a basic.return, which carries no delivery tag.
func publishFingerprint(exchange: String, routingKey: String, body: [UInt8]) -> Int {
    var hasher = Hasher()
    hasher.combine(exchange)
    hasher.combine(routingKey)
    hasher.combine(body)
    return hasher.finalize()
}

/// The publisher's side of its connection thread: channel 1 in confirm mode for publishes, channel 2 for
/// topology calls (so a failed passive declare never takes publishes in flight down with it).
final class PublisherDriver: ConnectionDriver {
    enum Command: Sendable {
        case publish(OutgoingPublish)
        case topology(@Sendable (RawConnection, UInt16) throws(AMQPError) -> Void, CheckedContinuation<Void, any Error>)
        /// Declares a topology and remembers it, to declare it again on every reconnect.
        case declare(AMQPTopology, CheckedContinuation<Void, any Error>)
    }

    static let publishChannel: UInt16 = 1
    static let topologyChannel: UInt16 = 2

    let logger: Logger
    private let events: AsyncStream<AMQPConnectionEvent>.Continuation
    let confirmTimeout: Duration
    /// The user the connection logs in as: a publish with another `user_id` would be refused by the broker (406).
    let user: String
    var tracker: ConfirmTracker<PublishWaiter>
    var pending: [OutgoingPublish] = []
    var pendingHead = 0
    var connected = false
    var blocked = false
    /// Publishes wait because the socket holds `notSentLowWater` unsent bytes (the broker is not reading).
    var heldForSpace = false
    var topologyChannelOpen = false
    /// Exchanges seen to exist on this connection (checked once, passively, before the first publish to each).
    var knownExchanges: Set<String> = []
    /// Topologies declared through this publisher, declared again after every reconnect.
    private var declared: [AMQPTopology] = []

    init(
        confirmTimeout: Duration, user: String, logger: Logger, events: AsyncStream<AMQPConnectionEvent>.Continuation
    ) {
        self.confirmTimeout = confirmTimeout
        self.user = user
        self.logger = logger
        self.events = events
        self.tracker = ConfirmTracker(timeout: confirmTimeout)
    }

    let maxBodySize = Int.max
    var readsFrames: Bool { true }
    var waitsForWritable: Bool { heldForSpace && !blocked && pendingHead < pending.count }
    var hasOutstandingWork: Bool { tracker.outstanding > 0 || pendingHead < pending.count }

    func connected(_ link: RawConnection, generation: UInt64, now: Instant) throws(AMQPError) {
        // Publishes tracked on an earlier channel (e.g. sent before that connection failed during its set-up) are
        // lost with it: the new channel numbers its publishes from 1 again, and its acks must not settle them.
        failOutstanding("an earlier connection failed before they were confirmed")
        connected = false
        blocked = false
        heldForSpace = false
        topologyChannelOpen = false
        knownExchanges = []
        // Those whose wait for a connection ended during the handshake (`now` is taken after it) fail, never sent.
        failPublishesThatCannotWait(cannotWait(blocked: false), now: now)
        try link.openChannel(Self.publishChannel)
        try link.confirmSelect(channel: Self.publishChannel)
        for topology in declared { try redeclare(topology, link) }
        connected = true
        try flush(link, now: now)
    }

    func writable(_ link: RawConnection, now: Instant) throws(AMQPError) {
        heldForSpace = false
        if !blocked { try flush(link, now: now) }
    }

    func commandsDone(link: RawConnection, now: Instant) throws(AMQPError) {
        try flushIfSending(link, now: now)
    }

    /// Sends what is pending unless the connection is not ready, the broker blocked publishing, or the socket is
    /// full (then `writable` sends it).
    private func flushIfSending(_ link: RawConnection, now: Instant) throws(AMQPError) {
        if connected, !blocked, !heldForSpace { try flush(link, now: now) }
    }

    func execute(_ command: Command, link: RawConnection?, now: Instant) throws(AMQPError) {
        switch command {
        case .publish(let publish):
            guard publish.mayWait(at: now) || (link != nil && connected && !blocked && publish.connectedWhenPosted)
            else {
                publish.waiter.resume(throwing: cannotWait(blocked: blocked && connected))
                return
            }
            // Sent in `commandsDone`, together with every other publish of this batch of commands.
            pending.append(publish)
        case .declare(let topology, let waiter):
            guard let link else {
                waiter.resume(throwing: AMQPError(code: .notConnected, message: "not connected to the broker"))
                return
            }
            do throws(AMQPError) {
                try onTopologyChannel(link) { () throws(AMQPError) in
                    try link.declare(topology, channel: Self.topologyChannel)
                }
                if !topology.passive, !declared.contains(topology) { declared.append(topology) }
                waiter.resume()
            } catch {
                waiter.resume(throwing: error)
                if error.breaksConnection { throw error }
            }
        case .topology(let operation, let waiter):
            guard let link else {
                waiter.resume(throwing: AMQPError(code: .notConnected, message: "not connected to the broker"))
                return
            }
            do throws(AMQPError) {
                // Publishes handed over before the operation (a purge, a delete) reach the broker before it. Inside
                // the `do`: a flush that breaks the connection still answers the waiter (it would wait forever).
                try flushIfSending(link, now: now)
                try onTopologyChannel(link) { () throws(AMQPError) in try operation(link, Self.topologyChannel) }
                waiter.resume()
            } catch {
                waiter.resume(throwing: error)
                if error.breaksConnection { throw error }
            }
        }
    }

    func handle(_ event: RawEvent, link: RawConnection, now: Instant) throws(AMQPError) {
        switch event {
        case .confirmAck(Self.publishChannel, let tag, let multiple):
            resolve(tracker.ackReceived(deliveryTag: tag, multiple: multiple))
        case .confirmNack(Self.publishChannel, let tag, let multiple):
            resolve(tracker.nackReceived(deliveryTag: tag, multiple: multiple))
        case .returned(Self.publishChannel, let code, let text, let exchange, let routingKey, let body):
            let fingerprint = publishFingerprint(exchange: exchange, routingKey: routingKey, body: body)
            if !tracker.returnReceived(fingerprint: fingerprint, replyCode: code, replyText: text) {
                logger.warning("unmatched basic.return", metadata: ["amqp.reply": "\(code) \(text)"])
            }
        case .channelClosed(Self.publishChannel, let error):
            // E.g. an exchange deleted after it was checked (404): what was in flight on the channel is lost with it.
            logger.warning("publish channel closed by the broker", metadata: ["amqp.error": "\(error)"])
            fail(tracker.channelLost(), error)
            knownExchanges = []
            try link.openChannel(Self.publishChannel)
            try link.confirmSelect(channel: Self.publishChannel)
            if !blocked { try flush(link, now: now) }
        case .channelClosed(Self.topologyChannel, _):
            topologyChannelOpen = false
        case .blocked(let reason):
            blocked = true
            failPublishesThatCannotWait(cannotWait(blocked: true), now: now)
            logger.warning("the broker blocked publishing", metadata: ["amqp.reason": "\(reason)"])
            events.yield(.blocked(reason: reason))
        case .unblocked:
            blocked = false
            logger.info("the broker unblocked publishing")
            events.yield(.unblocked)
            try flush(link, now: now)
        default:
            break
        }
    }

    func disconnected(_ error: AMQPError, now: Instant) {
        connected = false
        topologyChannelOpen = false
        heldForSpace = false
        failOutstanding("in flight when the connection was lost (\(error.code): \(error.message))")
        failPublishesThatCannotWait(cannotWait(blocked: false), now: now)
    }

    /// Fails the waiting publishes whose callers would rather know now than wait (any longer) for a connection or an
    /// unblock. Returns the earliest send deadline of those that may still wait, for the thread's next wake-up.
    @discardableResult
    private func failPublishesThatCannotWait(_ error: AMQPError, now: Instant) -> Instant? {
        guard pending[pendingHead...].contains(where: { $0.sendDeadline != nil }) else { return nil }
        var kept: [OutgoingPublish] = []
        var next: Instant?
        for publish in pending[pendingHead...] {
            if publish.mayWait(at: now) {
                kept.append(publish)
                if let deadline = publish.sendDeadline { next = min(next ?? deadline, deadline) }
            } else {
                publish.waiter.resume(throwing: error)
            }
        }
        pending = kept
        pendingHead = 0
        return next
    }

    private func cannotWait(blocked: Bool) -> AMQPError {
        AMQPError(
            code: .notConnected,
            message: blocked ? "the broker blocks publishing (not sent)" : "no connection to the broker (not sent)")
    }

    private func failOutstanding(_ why: String) {
        fail(tracker.channelLost(), AMQPError(code: .connectionLost, message: why))
    }

    /// Longest a publish waits for the thread (``AMQPPublisher`` posts with ``Mailbox/post(_:within:)``): it is
    /// not woken for each publish while confirms are awaited; the publishes posted meanwhile go out together.
    static let publishDelay = Duration.milliseconds(2)

    func tick(now: Instant) -> Instant? {
        resolve(tracker.expire(now: now))
        var sendDeadline: Instant?
        if !connected || blocked {
            sendDeadline = failPublishesThatCannotWait(cannotWait(blocked: blocked && connected), now: now)
        }
        while pendingHead < pending.count, now - pending[pendingHead].enqueuedAt >= confirmTimeout {
            let why = connected ? "the broker blocked publishing" : "no connection to the broker"
            pending[pendingHead].waiter.resume(
                throwing: AMQPError(code: .notConnected, message: "publish not sent within the timeout: \(why)"))
            pendingHead += 1
        }
        compactPending()
        let pendingDeadline = pendingHead < pending.count ? pending[pendingHead].enqueuedAt + confirmTimeout : nil
        // While confirms are awaited, the thread wakes at least every `publishDelay` (it takes the publishes posted
        // without waking it then; confirms usually wake it sooner).
        let lazyDeadline = tracker.outstanding > 0 ? now + Self.publishDelay : nil
        // Called every I/O round of the publisher thread: the earliest of four optionals, no array built.
        return earliestOf(earliestOf(earliestOf(tracker.nextDeadline, pendingDeadline), sendDeadline), lazyDeadline)
    }

    func finished(_ error: AMQPError) {
        fail(tracker.channelLost(), error)
        for publish in pending[pendingHead...] { publish.waiter.resume(throwing: error) }
        pending = []
        pendingHead = 0
    }

    static func reject(_ command: Command, _ error: AMQPError) {
        switch command {
        case .publish(let publish): publish.waiter.resume(throwing: error)
        case .topology(_, let waiter), .declare(_, let waiter): waiter.resume(throwing: error)
        }
    }

    func resolve(_ outcomes: [(PublishWaiter, ConfirmTracker<PublishWaiter>.Outcome)]) {
        for (waiter, outcome) in outcomes {
            switch outcome {
            case .confirmed:
                waiter.resume()
            case .nacked:
                waiter.resume(throwing: AMQPError(code: .publishNacked, message: "the broker nacked the publish"))
            case .returned(let code, let text):
                waiter.resume(
                    throwing: AMQPError(
                        code: .unroutable, message: "mandatory publish returned", replyCode: code, replyText: text))
            case .timedOut:
                waiter.resume(
                    throwing: AMQPError(code: .publishTimedOut, message: "no confirm within \(confirmTimeout)"))
            case .lost:
                waiter.resume(throwing: AMQPError(code: .connectionLost, message: "publish lost with its channel"))
            }
        }
    }

    func fail(_ outcomes: [(PublishWaiter, ConfirmTracker<PublishWaiter>.Outcome)], _ error: AMQPError) {
        for (waiter, _) in outcomes { waiter.resume(throwing: error) }
    }
}

/// The earlier of two optional instants (nil when both are).
private func earliestOf(_ a: ContinuousClock.Instant?, _ b: ContinuousClock.Instant?) -> ContinuousClock.Instant? {
    guard let a else { return b }
    guard let b else { return a }
    return min(a, b)
}
