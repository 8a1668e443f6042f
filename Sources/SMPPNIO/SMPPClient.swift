public import Logging
public import Metrics
public import NIOCore
import NIOConcurrencyHelpers
import NIOPosix
import NIOSSL
import SMPP
public import ServiceLifecycle

/// Keeps the configured SMPP sessions bound to one SMSC account and submits over them (DESIGN §2).
///
/// A `Service`: `run()` connects every session slot, reconnects with backoff and jitter, and on graceful shutdown
/// stops taking submits, lets outstanding ones finish, unbinds every session and returns. `submit` may be called
/// from any task while `run()` runs; it suspends while every window is full (or no session is bound yet).
/// Inbound deliver_sm / data_sm arrive on ``inbound``; each must be answered with ``SMPPInboundMessage/respond(status:)``.
public final class SMPPClient: Service, Sendable {
    /// The configuration the client was made with.
    public let configuration: SMPPClientConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let metrics: SMPPClientMetrics
    let pool: SessionPool
    /// Decides which slots may connect (several clients sharing one account's session limit); nil = all of them.
    let slotGate: (any SessionSlotGate)?
    /// Tests only: resolves `host` instead of getaddrinfo (to give a name several addresses).
    let resolverOverride = NIOLockedValueBox<(@Sendable (any EventLoop) -> any Resolver & Sendable)?>(nil)

    /// Inbound deliver_sm and data_sm from every receiving session, in arrival order. One consumer; ends when
    /// `run()` returns. Holds at most sessions × `maxInboundInFlight` messages: a request that finds it full is
    /// answered ESME_RX_T_APPN at its deadline, so the SMSC delivers it again later.
    public let inbound: AsyncStream<SMPPInboundMessage>
    /// Session bound / ended events (the newest 256 are kept if nobody reads). One consumer; ends with `run()`.
    public let sessionEvents: AsyncStream<SMPPSessionEvent>
    /// Responses that arrived after their submit had already failed with `.responseTimeout` (or with
    /// `.sessionLostOutcomeUnknown`, when they still came before the connection was gone), with the tag the
    /// caller gave ``submit(_:tag:)``. Bounded: the newest ``lateOutcomeBuffer`` are kept if nobody reads.
    /// One consumer; ends with `run()`.
    public let lateOutcomes: AsyncStream<LateSubmitOutcome>
    /// How many unread late outcomes ``lateOutcomes`` keeps (the newest).
    public static let lateOutcomeBuffer = 4_096

    /// Creates a client; nothing connects until `run()`.
    /// - Parameters:
    ///   - configuration: account, sessions, window, timers, TLS.
    ///   - eventLoopGroup: where the connections live (e.g. `MultiThreadedEventLoopGroup.singleton`).
    ///   - logger: bind attempts, reconnects, throttling; submit responses at debug; PDUs at trace.
    ///   - metricsFactory: where the metrics go; default the process-wide `MetricsSystem.factory`.
    ///   - slotGate: when set, each connection slot connects only while it holds the gate's lease (a cluster-wide
    ///     session budget); default nil: every slot connects.
    ///   - inboundHandler: when set, every deliver_sm / data_sm is handed to it as it is read, on its session's event
    ///     loop, instead of to ``inbound`` (which then yields nothing and only finishes when the client stops). It
    ///     must be quick and must not block; each message must still be answered (from any thread), as from the
    ///     stream. Saves the stream's hop for an application that can handle most messages right away.
    public init(configuration: SMPPClientConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory, slotGate: (any SessionSlotGate)? = nil,
                inboundHandler: (@Sendable (SMPPInboundMessage) -> Void)? = nil) {
        self.configuration = configuration
        self.slotGate = slotGate
        self.metrics = SMPPClientMetrics(factory: metricsFactory)
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: SMPPLogKey.host] = "\(configuration.host)"
        logger[metadataKey: SMPPLogKey.systemID] = "\(configuration.systemID)"
        self.logger = logger
        // Unanswered inbound requests per session are bounded, so the stream holds more only when the application
        // is not reading at all; what overflows then is answered ESME_RX_T_APPN at its deadline and redelivered.
        // Computed before validate() runs, so it must not trap on absurd values (it saturates).
        let (inbound, inboundContinuation) = AsyncStream.makeStream(
            of: SMPPInboundMessage.self, bufferingPolicy: .bufferingOldest(configuration.unansweredInboundLimit))
        let (events, eventsContinuation) = AsyncStream.makeStream(
            of: SMPPSessionEvent.self, bufferingPolicy: .bufferingNewest(256))
        let (late, lateContinuation) = AsyncStream.makeStream(
            of: LateSubmitOutcome.self, bufferingPolicy: .bufferingNewest(Self.lateOutcomeBuffer))
        self.inbound = inbound
        self.sessionEvents = events
        self.lateOutcomes = late
        self.pool = SessionPool(
            inbound: inboundContinuation, events: eventsContinuation, late: lateContinuation,
            inboundHandler: inboundHandler)
    }

    /// How many sessions are bound right now (for readiness checks).
    public var boundSessionCount: Int { pool.boundSessions }
    /// How many bound sessions may submit (transmitters and transceivers; not the receivers).
    public var boundSubmittingSessionCount: Int { pool.boundSubmittingSessions }

    /// While `on`, a submit that would wait for a session fails at once with `.handedBack` (it was never sent), and
    /// so do the submits waiting now; `off` lets them wait again (the default). For an application that gives its
    /// work to someone else while it has no session to send it on — an instance whose session slots (see
    /// ``SessionSlotGate``) all went elsewhere. Submits a session has already taken finish as usual.
    /// - Returns: how many waiting submits were handed back now.
    @discardableResult
    public func setHandingBack(_ on: Bool) -> Int {
        pool.setHandingBack(on)
    }

    /// Runs the sessions until graceful shutdown or cancellation. Throws only for a configuration that cannot work
    /// (`.invalidConfiguration`, or `.tlsConfiguration` for TLS files that do not load); connection and bind
    /// failures are retried, never thrown.
    public func run() async throws {
        guard pool.start() else { throw SMPPClientError(code: .notRunning, detail: "run() called twice") }
        let tlsContext: NIOSSLContext?
        do {
            try configuration.validate()
            tlsContext = try makeTLSContext()
        } catch {
            logger.error("unusable SMPP configuration", metadata: [SMPPLogKey.error: "\(error)"])
            pool.finish()
            throw error
        }
        for warning in configuration.warnings {
            logger.warning("risky SMPP configuration", metadata: [SMPPLogKey.error: "\(warning)"])
        }
        let slots = connectionSlots()
        logger.info("starting SMPP sessions", metadata: [
            SMPPLogKey.port: "\(configuration.port)", "smpp.connections": "\(slots.count)",
            "smpp.tls": "\(configuration.tls.enabled)",
        ])
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    for slot in slots {
                        group.addTask { await self.runSlot(slot, tlsContext: tlsContext) }
                    }
                }
            } onGracefulShutdown: {
                self.logger.info("graceful shutdown: unbinding sessions")
                self.pool.beginShutdown()
                // Nothing new is written from here on, so every written request is answered or timed out within
                // the response timeout, every held inbound request within the inbound timeout; then unbind gets its
                // own. Past all of that, close regardless.
                let drain = max(self.configuration.responseTimeout, self.configuration.inboundTimeout)
                let deadline = drain + self.configuration.unbindTimeout + .seconds(1)
                let pool = self.pool
                self.eventLoopGroup.next().scheduleTask(in: deadline) { pool.closeAll() }
            }
        } onCancel: {
            self.pool.beginShutdown()
            self.pool.closeAll()
        }
        pool.finish()
        logger.info("SMPP sessions stopped")
    }

    /// One connection slot: its index and how it binds.
    struct Slot: Sendable {
        var index: Int
        var kind: SessionBindKind
    }

    func connectionSlots() -> [Slot] {
        let sessions = max(0, configuration.sessions)
        switch configuration.bindType {
        case .transmitter: return (0..<sessions).map { Slot(index: $0, kind: .transmitter) }
        case .receiver: return (0..<sessions).map { Slot(index: $0, kind: .receiver) }
        case .transceiver: return (0..<sessions).map { Slot(index: $0, kind: .transceiver) }
        case .transmitterAndReceiver:
            return (0..<sessions).map { Slot(index: 2 * $0, kind: .transmitter) }
                + (0..<sessions).map { Slot(index: 2 * $0 + 1, kind: .receiver) }
        }
    }

    /// Connects, runs the session until it ends, waits the backoff, and again, until shutdown. With a gate, the
    /// slot first claims its lease and connects only while it holds it; a revoked lease ends the session and the
    /// slot claims again.
    func runSlot(_ slot: Slot, tlsContext: NIOSSLContext?) async {
        var backoff = ReconnectBackoff(initialDelay: configuration.reconnectInitialDelay,
                                       maximumDelay: configuration.reconnectMaxDelay,
                                       resetAfter: configuration.reconnectResetAfter)
        var logger = self.logger
        logger[metadataKey: SMPPLogKey.session] = "\(slot.index)"
        guard let slotGate else {
            await runConnections(slot, tlsContext: tlsContext, backoff: &backoff, logger: logger)
            return
        }
        while !pool.isShuttingDown {
            guard let lease = await claim(slot.index, from: slotGate) else { break }
            pool.leaseGranted(lease)
            if !pool.isShuttingDown {
                logger.debug("session slot lease granted")
                await runConnections(slot, tlsContext: tlsContext, backoff: &backoff, logger: logger)
                if pool.isRevoked(slot: slot.index) { logger.info("session slot lease revoked: session closed") }
            }
            pool.leaseEnded(lease)
            slotGate.release(lease)
        }
    }

    /// Sessions of one slot, one after the other with the backoff between, until shutdown or a revoked lease.
    private func runConnections(_ slot: Slot, tlsContext: NIOSSLContext?, backoff: inout ReconnectBackoff,
                                logger: Logger) async {
        var random = SystemRandomNumberGenerator()
        while !pool.isShuttingDown, !pool.isRevoked(slot: slot.index) {
            let end = await runConnection(slot, tlsContext: tlsContext, logger: logger)
            if pool.isShuttingDown || pool.isRevoked(slot: slot.index) { break }
            let delay = backoff.delay(after: end.reason, boundFor: end.boundFor, using: &random)
            metrics.reconnects.increment()
            let metadata: Logger.Metadata = [
                SMPPLogKey.reason: "\(end.reason)", SMPPLogKey.delayMilliseconds: "\(delay.nanoseconds / 1_000_000)",
                SMPPLogKey.attempt: "\(backoff.attempts)",
            ]
            if end.wasBound {
                logger.warning("session ended; reconnecting", metadata: metadata)
            } else {
                logger.info("session not established; retrying", metadata: metadata)
            }
            await pool.sleep(slot: slot.index, for: delay, on: eventLoopGroup.next())
        }
    }

    /// Waits in the gate for the lease of `slot`; shutdown (or cancellation of `run()`) ends the wait with nil.
    private func claim(_ slot: Int, from gate: any SessionSlotGate) async -> SessionSlotLease? {
        let claim = Task { await gate.claim(slot: slot) }
        if !pool.claimStarted(slot: slot, cancel: { claim.cancel() }) { claim.cancel() }
        let lease = await withTaskCancellationHandler {
            await claim.value
        } onCancel: {
            claim.cancel()
        }
        pool.claimEnded(slot: slot)
        guard let lease else { return nil }
        if pool.isShuttingDown {
            gate.release(lease)
            return nil
        }
        return lease
    }
}
