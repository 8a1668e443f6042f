public import CoreMetrics
public import struct Foundation.Date
import Synchronization

/// Whether a store's transactions and reads are going through: failing from the first that failed until the next
/// that succeeded. `/readyz` shows it (check `store`) and `smpp_bridge_store_failures_total` counts the failures, so
/// a database or disk outage is seen as one and not only as requeued requests in the logs.
///
/// The stores report whole transactions and reads, not single writes: a write refused on its data inside a
/// transaction that committed is that request's problem, not the store's.
public final class StoreHealth: Sendable {
    /// What a store call was: a transaction (writes) or a read. Each kind recovers only by a success of its own: a
    /// full disk fails every write while reads still answer.
    public enum Operation: Sendable, Hashable {
        case write, read
    }

    /// The state at one moment.
    public struct Snapshot: Sendable, Hashable {
        /// When the current run of failures began; nil while the last transaction and the last read succeeded.
        public var failingSince: Date?
        /// Failures in the current run.
        public var consecutiveFailures = 0
        /// The last failure's description (code, location, detail; never a password).
        public var lastError: String?
        /// The kinds whose last call failed.
        var failing: Set<Operation> = []
    }

    private let state = Mutex(Snapshot())
    private let counter = Mutex<Counter?>(nil)
    /// Whether a run of failures is on: lets a success skip the lock while all is well. Changed only under `state`'s
    /// lock.
    private let failing = Atomic<Bool>(false)

    /// Creates a healthy state.
    public init() {}

    /// The state now.
    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Counts every later failure in `counter` too (`smpp_bridge_store_failures_total`).
    public func countFailures(in counter: Counter) {
        self.counter.withLock { $0 = counter }
    }

    /// A transaction committed or a read answered: failures of that kind are over, and the run with them when the
    /// other kind is not failing either.
    func succeeded(_ operation: Operation) {
        guard failing.load(ordering: .relaxed) else { return }
        state.withLock { snapshot in
            snapshot.failing.remove(operation)
            guard snapshot.failing.isEmpty else { return }
            snapshot.failingSince = nil
            snapshot.consecutiveFailures = 0
            failing.store(false, ordering: .relaxed)  // under the lock, so it always agrees with the snapshot
        }
    }

    /// A transaction or read failed on the store's side (not because the store was closed, nor a cancelled call).
    func failed(_ error: BridgeStoreError, _ operation: Operation, at now: Date = Date()) {
        guard error.code != .closed else { return }
        state.withLock { snapshot in
            if snapshot.failingSince == nil { snapshot.failingSince = now }
            snapshot.consecutiveFailures += 1
            snapshot.lastError = error.description
            snapshot.failing.insert(operation)
            failing.store(true, ordering: .relaxed)
        }
        counter.withLock { $0 }?.increment()
    }
}
