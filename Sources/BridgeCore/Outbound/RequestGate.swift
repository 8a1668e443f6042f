import NIOConcurrencyHelpers

/// Lets one delivery of a request id be processed at a time in this process. The broker can hand the same request
/// over twice at once (a producer's duplicate publish, or a redelivery after a consumer reconnect while the first
/// copy is still being submitted); the second waits here, then finds the first one's outcome in the store.
final class RequestGate: Sendable {
    private let waiting = NIOLockedValueBox<[String: [CheckedContinuation<Void, Never>]]>([:])

    /// Waits until no other holder has `id`, then holds it. Pair with ``leave(_:)``.
    func enter(_ id: String) async {
        while true {
            let entered = waiting.withLockedValue { table -> Bool in
                if table[id] == nil {
                    table[id] = []
                    return true
                }
                return false
            }
            if entered { return }
            await withCheckedContinuation { continuation in
                let parked = waiting.withLockedValue { table -> Bool in
                    guard table[id] != nil else { return false }
                    table[id]!.append(continuation)
                    return true
                }
                if !parked { continuation.resume() }
            }
        }
    }

    /// Holds `id` if no other holder has it; false (nothing held) otherwise. Pair a true with ``leave(_:)``.
    func tryEnter(_ id: String) -> Bool {
        waiting.withLockedValue { table in
            guard table[id] == nil else { return false }
            table[id] = []
            return true
        }
    }

    /// Releases `id`; every waiter retries (one of them gets it).
    func leave(_ id: String) {
        let waiters = waiting.withLockedValue { table in table.removeValue(forKey: id) ?? [] }
        for waiter in waiters { waiter.resume() }
    }

    /// How many ids are held.
    var heldCount: Int { waiting.withLockedValue { $0.count } }

    /// How many callers wait for an id another holds.
    var waiterCount: Int { waiting.withLockedValue { $0.values.reduce(0) { $0 + $1.count } } }
}
