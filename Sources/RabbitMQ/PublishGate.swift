import Synchronization

/// Bounds the publishes a publisher holds at once (waiting for a connection or for room in the socket, sent and
/// awaiting their confirm): a publish beyond the bound waits here for one to finish — it is never dropped. Its
/// one deadline (the confirm timeout) runs from when `publish` was called, so this wait counts against it.
final class PublishGate: Sendable {
    private struct State {
        var available: Int
        var waiters: HeadIndexedQueue<CheckedContinuation<Void, Never>>
    }

    private let state: Mutex<State>
    /// The bound.
    let limit: Int

    init(limit: Int, compactionThreshold: Int = 1024) {
        self.limit = max(limit, 1)
        state = Mutex(State(
            available: max(limit, 1), waiters: HeadIndexedQueue(compactionThreshold: compactionThreshold)))
    }

    /// Publishes holding a place now (for tests).
    var inUse: Int { state.withLock { limit - $0.available } }
    /// Publishes waiting for a place now (for tests).
    var waiting: Int { state.withLock { $0.waiters.count } }
    /// Entries the waiter queue keeps, resumed ones not yet dropped included (for tests).
    var storedWaiters: Int { state.withLock { $0.waiters.storedCount } }
    /// Resumed waiters at the front of the queue that make it worth moving the rest down (for tests).
    var compactionThreshold: Int { state.withLock { $0.waiters.compactionThreshold } }

    /// Takes a place if one is free now (and no publish waits for one); false otherwise.
    func tryEnter() -> Bool {
        state.withLock { state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
    }

    /// Takes a place, waiting for one if none is free.
    func enter() async {
        let entered = state.withLock { state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        if entered { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Gives a place back, to the longest-waiting publish if any.
    func leave() {
        // A gate that stays saturated never drains its queue: the queue drops its resumed front now and then, or it
        // (and every continuation in it) would grow with each publish that ever waited.
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let next = state.waiters.popFirst() else {
                state.available += 1
                return nil
            }
            return next
        }
        next?.resume()
    }
}
