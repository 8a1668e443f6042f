/// Decides how writes from many callers share transactions (group commit); ``SQLiteBridgeStore`` does what it says.
///
/// Writes queue while a transaction is being written. When the writer is idle, the first write starts it; the writer
/// then asks for the next batch each time its previous commit finished and gets everything queued meanwhile (at most
/// `maximumBatch`): under load each commit carries the writes that arrived during the previous one.
///
/// Commits are also spaced: a transaction starts no sooner than `minimumCommitSpacing` after the previous one started,
/// unless a full batch waits or the store is closing. A durable commit costs about the same for one write as for a
/// hundred (an `fsync`, or the database's WAL flush), so under load this caps commits per second and fills each one;
/// a write arriving after a quiet spell (the last commit started longer ago than the spacing) is committed at once.
/// `close` lets the writers finish what is queued, then releases.
///
/// A database that commits transactions side by side (PostgreSQL, not SQLite) may have up to `maximumWriters`
/// writers: another starts only when `backlogForAnotherWriter` writes wait while every running writer is busy, so a
/// light load keeps one writer and its batches, and a backlog is written on more than one connection at once.
struct GroupCommitQueue<Write, Waiter> {
    /// What to do with a write just requested.
    enum WriteAction {
        /// The writer is idle: start it (it asks ``nextBatch(now:)`` right away).
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
        /// Writes are queued but the previous commit started less than the spacing ago: ask again at `until`.
        case wait(until: ContinuousClock.Instant)
        /// Nothing is queued: this writer stops (until ``writeRequested(_:)`` says start one).
        case idle
        /// Nothing is queued, the store is closing and this was the last writer: stop, release the database, then
        /// resume these waiters.
        case release([Waiter])
    }

    /// What to do with a close request.
    enum CloseAction {
        /// The writer is idle: release the database now, then resume these waiters.
        case release([Waiter])
        /// The writer is busy: the waiter is resumed when ``nextBatch(now:)`` says release.
        case wait
        /// Already closed: resume the waiter at once.
        case alreadyClosed(Waiter)
    }

    fileprivate enum Phase {
        case open
        case closing([Waiter])
        case closed
    }

    /// Most writes one transaction carries.
    let maximumBatch: Int
    /// Most writers (transactions under way) at once.
    let maximumWriters: Int
    /// How many writes must wait, every writer busy, before another writer starts.
    let backlogForAnotherWriter: Int
    /// The least time between the starts of two transactions while fewer than `maximumBatch` writes wait.
    let minimumCommitSpacing: Duration
    private var lastCommitStart: ContinuousClock.Instant?
    private var phase = Phase.open
    private var writers = 0
    private var pending: [Write] = []

    /// A queue that puts at most `maximumBatch` writes (at least 1) in one transaction, with one writer or, when a
    /// backlog of `backlogForAnotherWriter` writes waits, up to `maximumWriters`; transactions start at least
    /// `minimumCommitSpacing` apart unless a full batch waits (zero: as soon as a writer is free).
    init(
        maximumBatch: Int, maximumWriters: Int = 1, backlogForAnotherWriter: Int = 1,
        minimumCommitSpacing: Duration = .zero
    ) {
        self.maximumBatch = max(1, maximumBatch)
        self.maximumWriters = max(1, maximumWriters)
        self.backlogForAnotherWriter = max(1, backlogForAnotherWriter)
        self.minimumCommitSpacing = max(.zero, minimumCommitSpacing)
    }

    /// False once close was requested: reads and writes then fail as closed.
    var isOpen: Bool {
        if case .open = phase { return true }
        return false
    }

    /// How many writes wait for a transaction.
    var pendingCount: Int { pending.count }

    /// How many writers run.
    var writerCount: Int { writers }

    /// A caller asks for `write`.
    mutating func writeRequested(_ write: Write) -> WriteAction {
        guard case .open = phase else { return .refuse(write) }
        pending.append(write)
        guard writers == 0 || (writers < maximumWriters && pending.count >= backlogForAnotherWriter) else {
            return .queued
        }
        writers += 1
        return .startWriter
    }

    /// The writer is ready for its next transaction (it just started, its previous commit finished, or the wait it was
    /// told ended); `now` is when it asks.
    mutating func nextBatch(now: ContinuousClock.Instant) -> NextAction {
        if !pending.isEmpty {
            if case .open = phase, pending.count < maximumBatch, let lastCommitStart {
                let earliest = lastCommitStart.advanced(by: minimumCommitSpacing)
                if now < earliest { return .wait(until: earliest) }
            }
            lastCommitStart = now
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
        // Nothing queued: this writer stops; the last one to stop while closing releases.
        writers = max(0, writers - 1)
        switch phase {
        case .closing(let waiters) where writers == 0:
            phase = .closed
            return .release(waiters)
        case .open, .closing, .closed:
            return .idle
        }
    }

    /// A caller asks to close; `waiter` is resumed once everything queued is committed and the database released.
    mutating func closeRequested(_ waiter: Waiter) -> CloseAction {
        switch phase {
        case .open where writers == 0:
            phase = .closed
            return .release([waiter])
        case .open:
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
