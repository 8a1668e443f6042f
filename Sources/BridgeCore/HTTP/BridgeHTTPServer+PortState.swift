extension BridgeHTTPServer {
    /// Whether the listener is up yet, and who waits in `boundPort()` for it.
    struct PortState {
        typealias Waiter = CheckedContinuation<Int, any Error>
        private var started = false
        private var outcome: Result<Int, BridgeHTTPServerError>?
        private var waiters: [UInt64: Waiter] = [:]
        private var lastID: UInt64 = 0
        /// Waiters cancelled before their continuation was stored.
        private var cancelled: Set<UInt64> = []

        mutating func nextWaiterID() -> UInt64 {
            lastID += 1
            return lastID
        }

        /// Claims the single run; false when `run()` was already called.
        mutating func start() -> Bool {
            defer { started = true }
            return !started
        }

        /// Returns the outcome now when known, else keeps the continuation until `finish`.
        mutating func wait(id: UInt64, _ waiter: Waiter) -> Result<Int, any Error>? {
            if let outcome { return outcome.mapError { $0 as any Error } }
            if cancelled.remove(id) != nil { return .failure(CancellationError()) }
            waiters[id] = waiter
            return nil
        }

        /// Removes a waiter that gave up (cancelled); nil when it was already resumed or never stored.
        mutating func removeWaiter(id: UInt64) -> Waiter? {
            guard let waiter = waiters.removeValue(forKey: id) else {
                if outcome == nil { cancelled.insert(id) }
                return nil
            }
            return waiter
        }

        /// Records the listener's outcome and hands back every waiter to resume with it (outside the lock).
        mutating func finish(_ result: Result<Int, BridgeHTTPServerError>) -> [Waiter] {
            outcome = result
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
    }
}
