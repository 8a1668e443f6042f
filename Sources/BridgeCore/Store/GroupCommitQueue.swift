/// Decides how writes from many callers share transactions (group commit); ``SQLiteBridgeStore`` does what it says.
///
/// Writes queue while a transaction is being written. When the writer is idle, the first write starts it; the writer
/// then asks for the next batch each time its previous commit finished and gets everything queued meanwhile (at most
/// `maximumBatch`), so there is no timer: one write alone is committed at once, and under load each commit carries
/// the writes that arrived during the previous one. `close` lets the writer finish what is queued, then releases.
struct GroupCommitQueue<Write, Waiter> {
    /// What to do with a write just requested.
    enum WriteAction {
        /// The writer is idle: start it (it asks ``nextBatch()`` right away).
        case startWriter
        /// The running writer will take it in a later batch.
        case queued
        /// The store is closing or closed: fail this write.
        case refuse(Write)
    }

    /// What the writer does next.
    enum NextAction {
        /// Write these in one transaction, then ask again.
        case write([Write])
        /// Nothing is queued: stop until ``writeRequested(_:)`` says start.
        case idle
        /// Nothing is queued and the store is closing: stop, release the database, then resume these waiters.
        case release([Waiter])
    }

    /// What to do with a close request.
    enum CloseAction {
        /// The writer is idle: release the database now, then resume these waiters.
        case release([Waiter])
        /// The writer is busy: the waiter is resumed when ``nextBatch()`` says release.
        case wait
        /// Already closed: resume the waiter at once.
        case alreadyClosed(Waiter)
    }

    fileprivate enum Phase {
        case open(writing: Bool)
        case closing([Waiter])
        case closed
    }

    /// Most writes one transaction carries.
    let maximumBatch: Int
    private var phase = Phase.open(writing: false)
    private var pending: [Write] = []

    /// A queue that puts at most `maximumBatch` writes (at least 1) in one transaction.
    init(maximumBatch: Int) {
        self.maximumBatch = max(1, maximumBatch)
    }

    /// False once close was requested: reads and writes then fail as closed.
    var isOpen: Bool {
        if case .open = phase { return true }
        return false
    }

    /// How many writes wait for a transaction.
    var pendingCount: Int { pending.count }

    /// A caller asks for `write`.
    mutating func writeRequested(_ write: Write) -> WriteAction {
        guard case .open(let writing) = phase else { return .refuse(write) }
        pending.append(write)
        if writing { return .queued }
        phase = .open(writing: true)
        return .startWriter
    }

    /// The writer is ready for its next transaction (it just started, or its previous commit finished).
    mutating func nextBatch() -> NextAction {
        if !pending.isEmpty {
            let batch: [Write]
            if pending.count <= maximumBatch {
                batch = pending
                pending.removeAll(keepingCapacity: true)
            } else {
                batch = Array(pending.prefix(maximumBatch))
                pending.removeFirst(maximumBatch)
            }
            return .write(batch)
        }
        switch phase {
        case .open:
            phase = .open(writing: false)
            return .idle
        case .closing(let waiters):
            phase = .closed
            return .release(waiters)
        case .closed:
            return .idle
        }
    }

    /// A caller asks to close; `waiter` is resumed once everything queued is committed and the database released.
    mutating func closeRequested(_ waiter: Waiter) -> CloseAction {
        switch phase {
        case .open(writing: false):
            phase = .closed
            return .release([waiter])
        case .open(writing: true):
            phase = .closing([waiter])
            return .wait
        case .closing(var waiters):
            waiters.append(waiter)
            phase = .closing(waiters)
            return .wait
        case .closed:
            return .alreadyClosed(waiter)
        }
    }
}

extension GroupCommitQueue: Sendable where Write: Sendable, Waiter: Sendable {}
extension GroupCommitQueue.WriteAction: Sendable where Write: Sendable, Waiter: Sendable {}
extension GroupCommitQueue.NextAction: Sendable where Write: Sendable, Waiter: Sendable {}
extension GroupCommitQueue.CloseAction: Sendable where Write: Sendable, Waiter: Sendable {}
extension GroupCommitQueue.Phase: Sendable where Write: Sendable, Waiter: Sendable {}

extension Result where Failure == BridgeStoreError {
    /// How one write of a grouped transaction ends (both stores): the batch's failure when the transaction did not
    /// commit, else the write's own outcome — "write did not run" when it has none.
    static func groupedWrite(_ outcome: Result?, batchFailure: BridgeStoreError?, location: String) -> Result {
        if let batchFailure { return .failure(batchFailure) }
        return outcome ?? .failure(BridgeStoreError(code: .writeFailed, location: location, detail: "write did not run"))
    }
}
