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

/// Routes submits to bound sessions (least loaded first), holds them while no session is bound, and hands back
/// what a dying session never sent. Thread-safe; sessions call in from their event loops.
final class SessionPool: SessionDelegate, Sendable {
    private struct State {
        var submitters: [SessionHandle] = []
        var connected: [Int: SessionHandle] = [:]
        var waiting = CircularBuffer<OutboundSubmit>()
        var sleepers: [Int: Scheduled<Void>] = [:]
        var running = false
        var shuttingDown = false
        var finished = false
        var rotation = 0
    }

    private let state = NIOLockedValueBox(State())
    private let inboundContinuation: AsyncStream<SMPPInboundMessage>.Continuation
    private let eventsContinuation: AsyncStream<SMPPSessionEvent>.Continuation
    private let boundCount = Atomic<Int>(0)

    init(inbound: AsyncStream<SMPPInboundMessage>.Continuation, events: AsyncStream<SMPPSessionEvent>.Continuation) {
        self.inboundContinuation = inbound
        self.eventsContinuation = events
    }

    var isShuttingDown: Bool { state.withLockedValue { $0.shuttingDown } }
    var isRunning: Bool { state.withLockedValue { $0.running && !$0.shuttingDown } }
    var boundSessions: Int { boundCount.load(ordering: .relaxed) }

    func start() -> Bool {
        state.withLockedValue { state in
            guard !state.running, !state.shuttingDown else { return false }
            state.running = true
            return true
        }
    }

    /// Sends `request` to the least loaded bound transmitter, or holds it until one binds (also before `run()`).
    func dispatch(_ request: OutboundSubmit) {
        if request.promise.isWithdrawn { return }
        enum Decision { case send(SessionHandle), held, refused(SMPPClientError.Code) }
        let decision: Decision = state.withLockedValue { state in
            if state.finished { return .refused(.notRunning) }
            if state.shuttingDown { return .refused(.shuttingDown) }
            guard !state.submitters.isEmpty else {
                state.waiting.append(request)
                return .held
            }
            let count = state.submitters.count
            state.rotation = (state.rotation &+ 1) % count
            var best = state.submitters[state.rotation]
            var bestLoad = best.load.load(ordering: .relaxed)
            for offset in 1..<max(1, count) {
                let candidate = state.submitters[(state.rotation + offset) % count]
                let load = candidate.load.load(ordering: .relaxed)
                if load < bestLoad {
                    best = candidate
                    bestLoad = load
                }
            }
            return .send(best)
        }
        switch decision {
        case .send(let handle): handle.submit(request)
        case .held: break
        case .refused(let code): request.promise.complete(.failure(SMPPClientError(code: code)))
        }
    }

    /// The caller of a submit was cancelled: if no session has sent it yet it completes as cancelled now, and
    /// leaves the queue here, or later at the front of its session's queue.
    func withdraw(_ promise: SubmitPromise) {
        guard promise.withdraw() else { return }
        state.withLockedValue { state in
            if let index = state.waiting.firstIndex(where: { $0.promise === promise }) {
                state.waiting.remove(at: index)
            }
        }
    }

    // MARK: SessionDelegate

    func sessionBound(_ handle: SessionHandle) {
        boundCount.add(1, ordering: .relaxed)
        // Routable before anyone hears it is bound.
        let held: [OutboundSubmit] = state.withLockedValue { state in
            guard handle.canSubmit else { return [] }
            state.submitters.append(handle)
            let held = Array(state.waiting)
            state.waiting.removeAll()
            return held
        }
        eventsContinuation.yield(.bound(session: handle.slot))
        for request in held { dispatch(request) }
    }

    func sessionEnded(_ handle: SessionHandle, reason: SessionEndReason, wasBound: Bool, unsent: [OutboundSubmit]) {
        if wasBound { boundCount.subtract(1, ordering: .relaxed) }
        state.withLockedValue { state in state.submitters.removeAll { $0 === handle } }
        eventsContinuation.yield(.ended(session: handle.slot, reason: reason))
        for request in unsent { dispatch(request) }
    }

    func reroute(_ request: OutboundSubmit) { dispatch(request) }

    func inboundReceived(_ message: SMPPInboundMessage) { inboundContinuation.yield(message) }

    // MARK: Slots

    /// Registers the live connection of `slot`, so that shutdown reaches it. Returns false when shutting down
    /// (the caller then closes it at once).
    func connectionOpened(_ handle: SessionHandle) -> Bool {
        state.withLockedValue { state in
            state.connected[handle.slot] = handle
            return !state.shuttingDown
        }
    }

    func connectionClosed(slot: Int) {
        state.withLockedValue { _ = $0.connected.removeValue(forKey: slot) }
    }

    /// Waits `delay` before `slot` reconnects; shutdown ends the wait early.
    func sleep(slot: Int, for delay: TimeAmount, on eventLoop: any EventLoop) async {
        let promise = eventLoop.makePromise(of: Void.self)
        let scheduled: Scheduled<Void>? = state.withLockedValue { state in
            guard !state.shuttingDown else { return nil }
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

    /// Stops intake: fails what waits, wakes sleeping slots, and asks every live session to unbind.
    func beginShutdown() {
        let (waiting, sleepers, connected) = state.withLockedValue { state in
            state.shuttingDown = true
            let waiting = Array(state.waiting)
            state.waiting.removeAll()
            let sleepers = Array(state.sleepers.values)
            state.sleepers.removeAll()
            return (waiting, sleepers, Array(state.connected.values))
        }
        for request in waiting { request.promise.complete(.failure(SMPPClientError(code: .shuttingDown))) }
        for sleeper in sleepers { sleeper.cancel() }
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
    }
}
