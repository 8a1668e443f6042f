import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// Something that happened to one of the client's sessions.
public enum SMPPSessionEvent: Sendable, Hashable {
    /// Session `session` bound.
    case bound(session: Int)
    /// Session `session` ended for `reason` (it reconnects unless the client is shutting down).
    case ended(session: Int, reason: SessionEndReason)
}

/// The client's one queue of submits, shared by every session (issue 7 item 3): a request waits here until some
/// bound transmitter has window room, no throttle pause and a throughput token, and that session pulls it. So a
/// throttled, stalled or dropped session never keeps requests while another idles; a session holds only what it
/// has written. Sessions that found the queue empty are idle: each new request wakes one of them. While no session
/// is bound requests simply wait (no polling); cancellation withdraws them. Thread-safe; sessions call in from
/// their event loops.
final class SessionPool: SessionDelegate, Sendable {
    private struct State {
        var connected: [Int: SessionHandle] = [:]
        var waiting = CircularBuffer<OutboundSubmit>()
        /// Sessions that asked for a request and found none: woken, one per new request.
        var idle: [SessionHandle] = []
        var sleepers: [Int: Scheduled<Void>] = [:]
        /// The lease each slot holds now (with a gate).
        var leases: [Int: SessionSlotLease] = [:]
        /// Slots whose lease the gate revoked, with how long their session may take to close.
        var revoked: [Int: Duration] = [:]
        /// Slots waiting in `SessionSlotGate.claim`: cancels the wait (shutdown).
        var claims: [Int: @Sendable () -> Void] = [:]
        var running = false
        /// Requests are handed back instead of waiting (``SMPPClient/setHandingBack(_:)``).
        var handingBack = false
        var shuttingDown = false
        var finished = false

        mutating func popIdle(except excluded: SessionHandle? = nil) -> SessionHandle? {
            guard let index = idle.firstIndex(where: { $0 !== excluded }) else { return nil }
            return idle.remove(at: index)
        }
    }

    private let state = NIOLockedValueBox(State())
    private let inboundContinuation: AsyncStream<SMPPInboundMessage>.Continuation
    private let eventsContinuation: AsyncStream<SMPPSessionEvent>.Continuation
    private let lateContinuation: AsyncStream<LateSubmitOutcome>.Continuation
    /// When set, takes every inbound message instead of the stream (``SMPPClient/init(configuration:eventLoopGroup:logger:metricsFactory:slotGate:inboundHandler:)``).
    private let inboundHandler: (@Sendable (SMPPInboundMessage) -> Void)?
    private let boundCount = Atomic<Int>(0)
    private let boundSubmittingCount = Atomic<Int>(0)

    init(inbound: AsyncStream<SMPPInboundMessage>.Continuation, events: AsyncStream<SMPPSessionEvent>.Continuation,
         late: AsyncStream<LateSubmitOutcome>.Continuation,
         inboundHandler: (@Sendable (SMPPInboundMessage) -> Void)? = nil) {
        self.inboundHandler = inboundHandler
        self.inboundContinuation = inbound
        self.eventsContinuation = events
        self.lateContinuation = late
    }

    var isShuttingDown: Bool { state.withLockedValue { $0.shuttingDown } }
    var isRunning: Bool { state.withLockedValue { $0.running && !$0.shuttingDown } }
    var boundSessions: Int { boundCount.load(ordering: .relaxed) }
    /// The bound sessions that may submit (not the receivers).
    var boundSubmittingSessions: Int { boundSubmittingCount.load(ordering: .relaxed) }
    /// Requests waiting for a session (tests and metrics).
    var waitingCount: Int { state.withLockedValue { $0.waiting.count } }

    func start() -> Bool {
        state.withLockedValue { state in
            guard !state.running, !state.shuttingDown else { return false }
            state.running = true
            return true
        }
    }

    /// Queues `request` behind the others (also before `run()` and while no session is bound) and wakes one idle
    /// session. Refused once shutdown began or `run()` returned.
    func enqueue(_ request: OutboundSubmit) {
        if request.promise.isWithdrawn { return }
        enum Decision { case queued(SessionHandle?), refused(SMPPClientError.Code) }
        let decision: Decision = state.withLockedValue { state in
            if state.finished { return .refused(.notRunning) }
            if state.shuttingDown { return .refused(.shuttingDown) }
            if state.handingBack { return .refused(.handedBack) }
            state.waiting.append(request)
            return .queued(state.popIdle())
        }
        switch decision {
        case .queued(let idle): idle?.wake()
        case .refused(let code): request.promise.complete(.failure(SMPPClientError(code: code)))
        }
    }

    /// While `on`, new requests are refused with `.handedBack` instead of waiting, and the ones waiting now are
    /// completed so; returns how many were waiting. Requests a session already took are not affected.
    func setHandingBack(_ on: Bool) -> Int {
        let waiting: [OutboundSubmit] = state.withLockedValue { state in
            state.handingBack = on
            guard on else { return [] }
            defer { state.waiting.removeAll() }
            return Array(state.waiting)
        }
        for request in waiting { request.promise.complete(.failure(SMPPClientError(code: .handedBack))) }
        return waiting.count
    }

    /// The caller of a submit was cancelled: if no session has written it yet it completes as cancelled now and
    /// leaves the queue.
    func withdraw(_ promise: SubmitPromise) {
        guard promise.withdraw() else { return }
        state.withLockedValue { state in
            if let index = state.waiting.firstIndex(where: { $0.promise === promise }) {
                state.waiting.remove(at: index)
            }
        }
    }

    // MARK: SessionDelegate

    func nextRequest(for handle: SessionHandle) -> OutboundSubmit? {
        state.withLockedValue { state in
            guard !state.shuttingDown, !state.finished else { return nil }
            while let request = state.waiting.popFirst() {
                // Claimed under the pool's lock: from here the caller can no longer withdraw it.
                if request.promise.claimForSending() { return request }
            }
            if !state.idle.contains(where: { $0 === handle }) { state.idle.append(handle) }
            return nil
        }
    }

    func passWake(from handle: SessionHandle) {
        let next: SessionHandle? = state.withLockedValue { state in
            state.waiting.isEmpty ? nil : state.popIdle(except: handle)
        }
        next?.wake()
    }

    func sessionBound(_ handle: SessionHandle) {
        boundCount.add(1, ordering: .relaxed)
        if handle.canSubmit { boundSubmittingCount.add(1, ordering: .relaxed) }
        eventsContinuation.yield(.bound(session: handle.slot))
    }

    func sessionEnded(_ handle: SessionHandle, reason: SessionEndReason, wasBound: Bool) {
        if wasBound {
            boundCount.subtract(1, ordering: .relaxed)
            if handle.canSubmit { boundSubmittingCount.subtract(1, ordering: .relaxed) }
        }
        // It may have been woken for a request it will now never take: pass that on.
        let next: SessionHandle? = state.withLockedValue { state in
            state.idle.removeAll { $0 === handle }
            return state.waiting.isEmpty ? nil : state.popIdle()
        }
        next?.wake()
        eventsContinuation.yield(.ended(session: handle.slot, reason: reason))
    }

    func lateOutcome(_ outcome: LateSubmitOutcome) { lateContinuation.yield(outcome) }

    func inboundReceived(_ message: SMPPInboundMessage) {
        if let inboundHandler { return inboundHandler(message) }
        inboundContinuation.yield(message)
    }

    // MARK: Slots

    /// Registers the live connection of `slot`, so that shutdown and a lease revocation reach it. When shutdown
    /// began or the slot's lease was revoked while it connected, the session is wound down at once.
    func connectionOpened(_ handle: SessionHandle) {
        let (shuttingDown, revokedWithin) = state.withLockedValue { state in
            state.connected[handle.slot] = handle
            return (state.shuttingDown, state.revoked[handle.slot])
        }
        if let revokedWithin {
            Self.windDown(handle, closeWithin: revokedWithin)
        } else if shuttingDown {
            handle.shutdown()
        }
    }

    // MARK: Leases

    /// `lease` is the fresh lease of its slot: the slot may connect again; its revocation winds the slot down.
    func leaseGranted(_ lease: SessionSlotLease) {
        state.withLockedValue { state in
            state.leases[lease.slot] = lease
            state.revoked.removeValue(forKey: lease.slot)
        }
        lease.onRevoke { [weak self, weak lease] closeWithin in
            guard let self, let lease else { return }
            self.leaseRevoked(lease, closeWithin: closeWithin)
        }
    }

    /// The slot no longer uses `lease` (it is about to be released).
    func leaseEnded(_ lease: SessionSlotLease) {
        state.withLockedValue { state in
            if state.leases[lease.slot] === lease { state.leases.removeValue(forKey: lease.slot) }
        }
    }

    /// The gate revoked `lease`: its slot's session (if any) unbinds now and is closed within `closeWithin`; a
    /// reconnect backoff it sleeps ends at once, so the slot goes back to claiming. A lease the slot no longer
    /// holds changes nothing.
    private func leaseRevoked(_ lease: SessionSlotLease, closeWithin: Duration) {
        let slot = lease.slot
        let (handle, sleeper): (SessionHandle?, Scheduled<Void>?) = state.withLockedValue { state in
            guard state.leases[slot] === lease else { return (nil, nil) }
            state.revoked[slot] = closeWithin
            return (state.connected[slot], state.sleepers.removeValue(forKey: slot))
        }
        sleeper?.cancel()
        if let handle { Self.windDown(handle, closeWithin: closeWithin) }
    }

    /// Whether the lease of `slot` was revoked since it was granted.
    func isRevoked(slot: Int) -> Bool {
        state.withLockedValue { $0.revoked[slot] != nil }
    }

    /// Registers the cancellation of `slot`'s claim; false (and nothing registered) when shutting down.
    func claimStarted(slot: Int, cancel: @escaping @Sendable () -> Void) -> Bool {
        state.withLockedValue { state in
            guard !state.shuttingDown else { return false }
            state.claims[slot] = cancel
            return true
        }
    }

    func claimEnded(slot: Int) {
        state.withLockedValue { _ = $0.claims.removeValue(forKey: slot) }
    }

    /// Graceful unbind now, closed at `closeWithin` whatever is outstanding: the slot's session must be gone
    /// before anyone else may hold the slot.
    private static func windDown(_ handle: SessionHandle, closeWithin: Duration) {
        handle.shutdown()
        let (seconds, attoseconds) = closeWithin.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let delay = nanoseconds.overflow ? Int64.max : nanoseconds.partialValue &+ attoseconds / 1_000_000_000
        handle.eventLoop.scheduleTask(in: .nanoseconds(max(0, delay))) { handle.close() }
    }

    func connectionClosed(slot: Int) {
        state.withLockedValue { _ = $0.connected.removeValue(forKey: slot) }
    }

    /// Waits `delay` before `slot` reconnects; shutdown or a revoked lease ends the wait early.
    func sleep(slot: Int, for delay: TimeAmount, on eventLoop: any EventLoop) async {
        let promise = eventLoop.makePromise(of: Void.self)
        let scheduled: Scheduled<Void>? = state.withLockedValue { state in
            guard !state.shuttingDown, state.revoked[slot] == nil else { return nil }
            let task = eventLoop.scheduleTask(in: delay) { promise.succeed() }
            state.sleepers[slot] = task
            return task
        }
        guard let scheduled else {
            promise.succeed()
            return
        }
        scheduled.futureResult.whenFailure { _ in promise.succeed() }
        try? await promise.futureResult.get()
        state.withLockedValue { _ = $0.sleepers.removeValue(forKey: slot) }
    }

    /// Stops intake: fails what waits (never written: `shuttingDown`), wakes sleeping slots, and asks every live
    /// session to drain and unbind.
    func beginShutdown() {
        let (waiting, sleepers, connected, claims) = state.withLockedValue { state in
            state.shuttingDown = true
            state.idle.removeAll()
            let waiting = Array(state.waiting)
            state.waiting.removeAll()
            let sleepers = Array(state.sleepers.values)
            state.sleepers.removeAll()
            let claims = Array(state.claims.values)
            state.claims.removeAll()
            return (waiting, sleepers, Array(state.connected.values), claims)
        }
        for request in waiting { request.promise.complete(.failure(SMPPClientError(code: .shuttingDown))) }
        for sleeper in sleepers { sleeper.cancel() }
        for cancel in claims { cancel() }
        for handle in connected { handle.shutdown() }
    }

    /// Closes every live connection at once (cancellation, or the graceful deadline passed).
    func closeAll() {
        let connected = state.withLockedValue { Array($0.connected.values) }
        for handle in connected { handle.close() }
    }

    /// After `run()`: nothing more arrives.
    func finish() {
        let waiting = state.withLockedValue { state in
            state.running = false
            state.finished = true
            let waiting = Array(state.waiting)
            state.waiting.removeAll()
            return waiting
        }
        for request in waiting { request.promise.complete(.failure(SMPPClientError(code: .notRunning))) }
        inboundContinuation.finish()
        eventsContinuation.finish()
        lateContinuation.finish()
    }
}
