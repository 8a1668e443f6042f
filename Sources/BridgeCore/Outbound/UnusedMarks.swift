import struct Foundation.Date
import Synchronization

/// In-flight marks this instance set but never submitted under: the store reported the begin failed, or could not
/// forget the mark of a request handed back unsent. A write reported failed may still have committed (a connection
/// lost while the commit was under way, a statement that timed out and ran on), and its mark would make the
/// request's redelivery look like a crash mid-submit: flagged `possible_duplicate`, counted toward
/// `smpp.max_attempts`. When the redelivery comes back to this instance and finds exactly that mark and no earlier
/// one, the request was never submitted, and it goes on as a new one (DESIGN §3 "Unknown outcomes").
///
/// Bounded: the oldest marks are forgotten first (a forgotten one only costs the flag, as before). In memory only:
/// after a restart, or on another instance sharing the store, such a mark is taken for a crash (conservative).
final class UnusedMarks: Sendable {
    private struct State {
        var marks: [String: Date] = [:]
        /// The marks in the order they were remembered (a ring of `capacity`); one is forgotten on eviction only if
        /// it is still the one remembered for its id.
        var order: [(id: String, markedAt: Date)] = []
        var next = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    /// Keeps at most `capacity` marks.
    init(capacity: Int = 4_096) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Request `id` was marked at `markedAt` and not submitted under that mark.
    func remember(id: String, markedAt: Date) {
        state.withLock { state in
            state.marks[id] = markedAt
            if state.order.count < capacity {
                state.order.append((id, markedAt))
                return
            }
            let evicted = state.order[state.next]
            state.order[state.next] = (id, markedAt)
            state.next = (state.next + 1) % capacity
            if state.marks[evicted.id] == evicted.markedAt, evicted.id != id || evicted.markedAt != markedAt {
                state.marks[evicted.id] = nil
            }
        }
    }

    /// What a begin found for request `id`, with an unused mark of this instance discounted: the request in flight
    /// under that mark alone (no earlier one) is a request never submitted — nil, as if the store had not seen it.
    /// Anything else is returned as it is. Only a begin that found one mark takes the lock (the per-request path
    /// finds none); the mark remembered for `id` is forgotten then. A mark left behind otherwise can never match
    /// again (the row carries a newer mark, or two) and goes with the ring.
    func discounting(_ previous: StoredRequestState?, id: String) -> StoredRequestState? {
        guard case .inFlight(let since, 1)? = previous else { return previous }
        let unused = state.withLock { state in state.marks.removeValue(forKey: id) }
        return unused == since ? nil : previous
    }

    /// How many marks are remembered (tests).
    var count: Int { state.withLock { $0.marks.count } }
}
