public import Logging
public import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
public import SMPPNIO
public import ServiceLifecycle

/// The cluster-wide session budget on PostgreSQL (issue 9 item 2): a ``SessionSlotGate`` that leases an account's
/// session slots to this instance through lease rows in the shared database, so that the instances together never
/// keep more sessions bound than `smpp.sessions` (then the account's total), and a dead instance's slots are taken
/// over within `cluster.takeover_after` plus one renew interval. ``SlotLeaseMachine`` decides; this class runs its
/// rounds and timers and hands leases to the ``SMPPClient``.
///
/// A `Service`: `run()` creates its tables if missing, then runs rounds until graceful shutdown, when it releases
/// every lease the client gave back and its heartbeat (so others take over at once). Put it before the client in
/// a `ServiceGroup` (shut down after it). Cancellation ends it without the final round (leases then expire).
public final class ClusterSlotGate: SessionSlotGate, Service {
    /// What the gate leases and how.
    public struct Settings: Sendable {
        /// The account the slots belong to, e.g. `smsc.example:2775/acme` (host:port/system_id).
        public var account: String
        /// The account's session total: slots 0..<total (``SMPPClientConfiguration/connectionCount``).
        public var total: Int
        /// This instance's name (`cluster.instance_id`); distinct per instance.
        public var instanceID: String
        /// `cluster.takeover_after`; default 30 s.
        public var takeoverAfter: Duration = .seconds(30)
        /// The PostgreSQL schema of the tables (lower-case letters, digits, `_`); default `public`.
        public var schema: String = "public"

        /// Settings with the given account, total and instance, and the defaults above.
        public init(account: String, total: Int, instanceID: String) {
            self.account = account
            self.total = total
            self.instanceID = instanceID
        }
    }

    /// What `/readyz` and tests read: the slots this instance may use, and how the last round went.
    public struct Status: Sendable, Hashable {
        /// Slots held and usable, ascending.
        public var heldSlots: [Int]
        /// The account's total.
        public var total: Int
        /// Live instances the last successful round counted; nil before the first.
        public var liveInstances: Int?
        /// Why the last round failed; nil when it succeeded (or none ran yet).
        public var lastError: String?
    }

    struct State {
        var machine: SlotLeaseMachine
        var waiters: [Int: CheckedContinuation<SessionSlotLease?, Never>] = [:]
        var leases: [Int: SessionSlotLease] = [:]
        var closed = false
        var alarm: EventLoopPromise<Void>?
        /// A poke that came while the run loop was awake (between reading its deadline and sleeping): the next
        /// sleep returns at once instead of missing it.
        var poked = false
        var lastError: String?
    }

    /// The settings it runs with.
    public let settings: Settings
    let url: PostgresStoreURL
    let client: PostgresClient
    let logger: Logger
    let metrics: ClusterMetrics
    let eventLoop: any EventLoop
    let state: NIOLockedValueBox<State>
    let sql: ClusterSlotSQL
    /// The held slots after every change (the newest only; iterate from one task); ends when ``run()`` returns.
    public let heldSlotUpdates: AsyncStream<[Int]>
    let heldSlotContinuation: AsyncStream<[Int]>.Continuation

    /// Creates the gate; nothing connects until `run()`.
    /// - Parameters:
    ///   - settings: account, total, instance, takeover_after, schema.
    ///   - url: the shared database (`store.url`).
    ///   - logger: one line per claim, takeover, loss, yield; round failures as warnings.
    ///   - metricsFactory: see ``ClusterMetrics``; default the process-wide factory.
    /// - Throws: ``BridgeStoreError`` `.cannotOpen` for a schema name that is not allowed or TLS that cannot be set up.
    public init(settings: Settings, url: PostgresStoreURL, logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) throws(BridgeStoreError) {
        self.settings = settings
        self.url = url
        self.sql = try ClusterSlotSQL(schema: settings.schema, location: url.description)
        let timing = SlotLeaseMachine.Timing(takeoverAfter: TimeAmount(settings.takeoverAfter))
        self.client = PostgresClient(
            configuration: try PostgresBridgeStore.clientConfiguration(
                url: url, maximumConnections: 2, connectTimeout: .nanoseconds(timing.pollInterval.nanoseconds * 5)),
            backgroundLogger: logger)
        var logger = logger
        logger[metadataKey: "cluster.instance_id"] = "\(settings.instanceID)"
        logger[metadataKey: "cluster.account"] = "\(settings.account)"
        self.logger = logger
        self.metrics = ClusterMetrics(instanceID: settings.instanceID, factory: metricsFactory)
        self.eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        (heldSlotUpdates, heldSlotContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.state = NIOLockedValueBox(State(machine: SlotLeaseMachine(
            total: settings.total, timing: timing, instanceID: settings.instanceID, now: .now())))
    }

    /// The slots held now and the last round's outcome.
    public var status: Status {
        state.withLockedValue { state in
            Status(heldSlots: state.machine.heldSlots, total: state.machine.total,
                   liveInstances: state.machine.liveInstances, lastError: state.lastError)
        }
    }

    // MARK: SessionSlotGate

    /// Waits until this instance holds `slot`'s lease; nil once the gate is closed, for a slot beyond the total,
    /// or when the calling task is cancelled.
    public func claim(slot: Int) async -> SessionSlotLease? {
        let lease: SessionSlotLease? = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<SessionSlotLease?, Never>) in
                let accepted = state.withLockedValue { state -> Bool in
                    guard !state.closed, !Task.isCancelled, slot >= 0, slot < state.machine.total,
                          state.waiters[slot] == nil, state.leases[slot] == nil else { return false }
                    state.waiters[slot] = continuation
                    state.machine.claimRequested(slot: slot, now: .now())
                    return true
                }
                if accepted { poke() } else { continuation.resume(returning: nil) }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state in
                let waiter = state.waiters.removeValue(forKey: slot)
                if waiter != nil { state.machine.claimCancelled(slot: slot) }
                return waiter
            }
            waiter?.resume(returning: nil)
        }
        return lease
    }

    /// The client's connection on the lease's slot is closed: the next round (due now) deletes the row.
    public func release(_ lease: SessionSlotLease) {
        let released = state.withLockedValue { state -> Bool in
            guard state.leases[lease.slot] === lease else { return false }
            state.leases.removeValue(forKey: lease.slot)
            state.machine.released(slot: lease.slot, now: .now())
            return true
        }
        if released {
            updateHeldGauge()
            poke()
        }
    }

    // MARK: Actions

    /// The revoke a grant must carry out itself: the machine gave the slot up (renew overdue, taken, yielding)
    /// between deciding the grant, under the lock, and this grant storing its lease — that revoke found no lease
    /// to act on. `.zero` (close at once: the session has not bound yet) unless it is only yielding. Nil while
    /// the slot is held.
    static func revokeOvertaking(_ slot: Int, in machine: SlotLeaseMachine) -> Duration? {
        switch machine.slots[slot] {
        case .held?: nil
        case .yielding?: .nanoseconds(machine.timing.giveUpAfter.nanoseconds)
        default: .zero
        }
    }

    /// Carries out the machine's actions (outside the lock).
    func perform(_ actions: [SlotLeaseMachine.Action]) {
        guard !actions.isEmpty else { return }
        for action in actions {
            switch action {
            case .grant(let slot, let previousHolder):
                let lease = SessionSlotLease(slot: slot)
                let (waiter, overtaken) = state.withLockedValue { state in
                    state.leases[slot] = lease
                    return (state.waiters.removeValue(forKey: slot), Self.revokeOvertaking(slot, in: state.machine))
                }
                if let previousHolder {
                    metrics.takenOver.increment()
                    metrics.takeovers.increment()
                    logger.notice("session slot taken over", metadata: [
                        "cluster.slot": "\(slot)", "cluster.previous_holder": "\(previousHolder)",
                    ])
                } else {
                    metrics.claimed.increment()
                    logger.info("session slot claimed", metadata: ["cluster.slot": "\(slot)"])
                }
                if let waiter {
                    waiter.resume(returning: lease)
                    if let overtaken { _ = lease.revoke(closeWithin: overtaken) }
                } else {
                    // The claim went away under the lock after the machine decided: hand it straight back.
                    release(lease)
                }
            case .revoke(let slot, let closeWithin, let reason):
                let lease = state.withLockedValue { $0.leases[slot] }
                let metadata: Logger.Metadata = [
                    "cluster.slot": "\(slot)", "cluster.close_within_ms": "\(closeWithin.nanoseconds / 1_000_000)",
                ]
                switch reason {
                case .lost(let loss):
                    (loss == .renewOverdue ? metrics.lossRenewOverdue : metrics.lossTaken).increment()
                    var metadata = metadata
                    metadata["cluster.reason"] = "\(loss.rawValue)"
                    logger.warning("session slot lost: closing its session", metadata: metadata)
                case .yielded:
                    metrics.yielded.increment()
                    logger.info("session slot yielded to another instance (over this instance's share)",
                                metadata: metadata)
                }
                lease?.revoke(closeWithin: .nanoseconds(closeWithin.nanoseconds))
            }
        }
        updateHeldGauge()
    }

    /// Records the held slots in the gauge and ``heldSlotUpdates`` (under the lock, so the newest count is the
    /// last one yielded).
    func updateHeldGauge() {
        let held = state.withLockedValue { state in
            let held = state.machine.heldSlots
            heldSlotContinuation.yield(held)
            return held.count
        }
        metrics.slotsHeld.record(held)
    }

    // MARK: Timer

    /// Wakes the run loop (a claim, a release, a finished round).
    func poke() {
        let alarm = state.withLockedValue { state -> EventLoopPromise<Void>? in
            guard let alarm = state.alarm else {
                state.poked = true
                return nil
            }
            state.alarm = nil
            return alarm
        }
        alarm?.succeed()
    }

    /// Sleeps until `deadline` or the next ``poke()`` — at once when a poke came since the last sleep (a round that
    /// ended while the loop was setting its deadline must not wait for the deadline it did not change). Whichever
    /// comes first takes the alarm out of the state under the lock, so the promise is completed once.
    func sleep(until deadline: NIODeadline) async {
        let promise = eventLoop.makePromise(of: Void.self)
        let (armed, previous) = state.withLockedValue { state -> (Bool, EventLoopPromise<Void>?) in
            guard !state.closed else { return (false, nil) }
            if state.poked {
                state.poked = false
                return (false, nil)
            }
            defer { state.alarm = promise }
            return (true, state.alarm)
        }
        previous?.succeed()
        guard armed else { return promise.succeed() }
        let timer = eventLoop.scheduleTask(deadline: deadline) { [state] in
            let mine = state.withLockedValue { state -> Bool in
                guard let alarm = state.alarm, alarm.futureResult === promise.futureResult else { return false }
                state.alarm = nil
                return true
            }
            if mine { promise.succeed() }
        }
        try? await promise.futureResult.get()
        timer.cancel()
    }
}
