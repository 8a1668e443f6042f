import Dispatch
import Foundation
import GRDB
public import Logging
import Synchronization

/// The embedded store: one SQLite file (GRDB, WAL) that serves one bridge instance (DESIGN §3, docs/store.md).
///
/// Writes are group-committed: every write is queued and one writer puts everything queued into one transaction
/// (at most ``maximumBatch`` writes), starting the next transaction when the previous commit finished and at least
/// ``minimumCommitSpacing`` after it started (sooner for a full batch). Each
/// caller resumes only after the transaction holding its write committed. `synchronous = FULL`: a returned write
/// survives a power cut. Reads go through a pool of reader connections and never wait behind a write; they see every
/// write that already returned.
public final class SQLiteBridgeStore: BridgeStore {
    /// The store file format this version writes and reads (`PRAGMA user_version`).
    public static let formatVersion = 4
    /// Most writes one transaction carries.
    public static let maximumBatch = 256
    /// The least time between the starts of two transactions while fewer than ``maximumBatch`` writes wait
    /// (``GroupCommitQueue``): under load at most 50 `fsync`s a second, each carrying more writes; a write waits at
    /// most that long more.
    public static let minimumCommitSpacing = Duration.milliseconds(20)

    /// The most rows one purge transaction deletes (``purge(olderThan:)``).
    public static let purgeChunkRows = 5_000

    typealias Queue = GroupCommitQueue<any GroupedWrite, CheckedContinuation<Void, Never>>

    /// Whether transactions and reads go through (a full disk, an I/O error).
    public let health: StoreHealth? = StoreHealth()

    struct State {
        var queue = Queue(
            maximumBatch: SQLiteBridgeStore.maximumBatch, minimumCommitSpacing: SQLiteBridgeStore.minimumCommitSpacing)
        var committedTransactions = 0
        var committedWrites = 0
        /// The timeout sweep's claims on MO groups (``claimMOGroups(firstReceivedBefore:claimedUntil:now:)``).
        var moClaims: [String: Date] = [:]
    }

    /// The store file.
    public let path: String
    let pool: DatabasePool
    let logger: Logger
    let state = Mutex(State())
    /// The hot path's prepared statements; used on the writer queue only.
    let writeStatements = SQLiteWriteStatements()
    /// Held from before the file is opened until it is closed: one bridge per store file.
    private let ownerLock: SQLiteStoreOwnerLock

    /// Opens (creating it if needed) the store at `path`: checks the directory and file, opens in WAL mode, runs
    /// `PRAGMA quick_check`, creates or migrates the schema, and makes sure it can take the write lock.
    ///
    /// - Parameters:
    ///   - path: The database file; its directory must exist and be writable (SQLite adds `-wal` and `-shm` beside it).
    ///   - logger: Where opening, migration and commit failures are logged.
    ///   - lockTimeout: How long to wait for a lock another process holds before failing `.locked` (default 5 s); the
    ///     same wait applies to every later write.
    /// - Throws: `.cannotOpen` (missing directory, a path that is not a file), `.readOnly` (the directory or file is
    ///   not writable), `.corrupt` (not a database, or it fails `quick_check`), `.locked` (another process holds the
    ///   file, or another store has it open: `<path>.lock`, one bridge per store file), `.migrationFailed` (a newer format, or a database that is not a smpp-bridge store).
    public init(path: String, logger: Logger, lockTimeout: Duration = .seconds(5)) throws(BridgeStoreError) {
        self.path = path
        self.logger = logger
        try SQLiteBridgeStore.checkDirectory(of: path)
        // Before the file is looked at: a second bridge starting while the first creates it is told `.locked`.
        ownerLock = try SQLiteStoreOwnerLock(storePath: path)
        try SQLiteBridgeStore.checkFile(path)
        self.pool = try SQLiteBridgeStore.openPool(path: path, lockTimeout: lockTimeout, logger: logger)
    }

    /// Transactions committed since the store was opened (each holds one or more writes).
    public var committedTransactions: Int { state.withLock { $0.committedTransactions } }

    /// Writes committed since the store was opened.
    public var committedWrites: Int { state.withLock { $0.committedWrites } }

    /// Commits everything queued, then closes every connection. Later calls fail with `.closed`.
    public func close() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            switch state.withLock({ $0.queue.closeRequested(waiter) }) {
            case .release(let waiters): release(resuming: waiters)
            case .wait: break
            case .alreadyClosed(let waiter): waiter.resume()
            }
        }
    }

    // MARK: - Writes and reads

    /// Queues `body` for the next transaction and returns its value once that transaction committed.
    func write<Value: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> Value
    ) async throws(BridgeStoreError) -> Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, BridgeStoreError>, Never>) in
            write(body) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Queues `body` for the next transaction; `then` gets its value (on the writer's queue) once that transaction
    /// committed, or the failure.
    func write<Value: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> Value,
        then: @escaping @Sendable (Result<Value, BridgeStoreError>) -> Void
    ) {
        let write = PendingWrite(location: path, body: body, then: then)
        switch state.withLock({ $0.queue.writeRequested(write) }) {
        case .startWriter: startWriter()
        case .queued: break
        case .refuse(let refused): refused.finish(failure: closedError())
        }
    }

    /// Runs `body` on a reader connection (a snapshot that holds every committed write).
    func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws(BridgeStoreError) -> Value {
        guard state.withLock({ $0.queue.isOpen }) else { throw closedError() }
        do {
            let value = try await pool.read(body)
            health?.succeeded(.read)
            return value
        } catch {
            if !state.withLock({ $0.queue.isOpen }) { throw closedError() }
            let failure = Self.storeError(error, code: .readFailed, location: path)
            if !(error is CancellationError) { health?.failed(failure, .read) }
            throw failure
        }
    }

    /// Runs the writer on GRDB's writer queue (not the cooperative pool) until nothing is queued.
    private func startWriter() {
        pool.asyncWriteWithoutTransaction { [self] db in
            while true {
                switch state.withLock({ $0.queue.nextBatch(now: .now) }) {
                case .write(let batch): commit(batch, in: db)
                case .wait(let until):
                    // The writer queue is this store's alone; a short sleep holds nothing else back.
                    let left = ContinuousClock.now.duration(to: until)
                    if left > .zero { Thread.sleep(forTimeInterval: left.seconds) }
                case .idle: return
                case .release(let waiters):
                    release(resuming: waiters)
                    return
                }
            }
        }
    }

    /// One transaction for `batch`. First every write straight in the transaction (no savepoints: they cost two
    /// more statements per write); if any write fails, that transaction is rolled back and the batch is written again
    /// with each write in its own savepoint, so a failing write does not undo the others.
    private func commit(_ batch: [any GroupedWrite], in db: Database) {
        do {
            do {
                try commitDirectly(batch, in: db)
            } catch {
                try db.inTransaction(.immediate) {
                    for write in batch { try write.apply(db) }
                    return .commit
                }
            }
        } catch {
            let failure = Self.storeError(error, code: .writeFailed, location: path)
            logger.error("store transaction failed", metadata: ["store.path": "\(path)", "error": "\(failure)"])
            health?.failed(failure, .write)
            for write in batch { write.finish(failure: failure) }
            return
        }
        health?.succeeded(.write)
        state.withLock {
            $0.committedTransactions += 1
            $0.committedWrites += batch.count
        }
        for write in batch { write.finish(failure: nil) }
    }

    /// Every write straight in one IMMEDIATE transaction, its BEGIN and COMMIT prepared once; rolled back on any
    /// failure (the caller then writes the batch again, one savepoint per write).
    private func commitDirectly(_ batch: [any GroupedWrite], in db: Database) throws {
        try writeStatements.run(.beginImmediate, in: db)
        do {
            for write in batch { try write.applyDirectly(db) }
            try writeStatements.run(.commit, in: db)
        } catch {
            if db.isInsideTransaction { _ = try? writeStatements.run(.rollback, in: db) }
            throw error
        }
    }

    /// Closes the connections off the writer queue (closing waits for it) and the cooperative pool, then resumes.
    private func release(resuming waiters: [CheckedContinuation<Void, Never>]) {
        DispatchQueue.global().async { [pool, logger, path, writeStatements, ownerLock] in
            do {
                // Fold the WAL into the main file, so a stopped bridge leaves one complete file behind.
                do {
                    _ = try pool.writeWithoutTransaction { db in
                        writeStatements.finalizeAll()
                        try db.checkpoint(.truncate)
                    }
                } catch {
                    logger.debug("store checkpoint at close failed", metadata: ["error": "\(error)"])
                }
                try pool.close()
                logger.info("store closed", metadata: ["store.path": "\(path)"])
            } catch {
                logger.error("store close failed", metadata: ["store.path": "\(path)", "error": "\(error)"])
            }
            ownerLock.release()
            for waiter in waiters { waiter.resume() }
        }
    }

    private func closedError() -> BridgeStoreError {
        BridgeStoreError(code: .closed, location: path, detail: "the store was closed")
    }
}

/// A write waiting for its transaction, type-erased so one queue holds writes of every result type.
protocol GroupedWrite: Sendable {
    /// Runs the write inside the open transaction and keeps its value; throws its failure (the caller then rolls the
    /// transaction back and writes the batch again with ``apply(_:)``).
    func applyDirectly(_ db: Database) throws
    /// Runs the write inside the open transaction (in a savepoint) and keeps its outcome. Throws only when the
    /// failure ended the whole transaction.
    func apply(_ db: Database) throws
    /// Resumes the caller: with `failure` when the transaction did not commit, else with the kept outcome.
    func finish(failure: BridgeStoreError?)
}

/// One caller's write and its continuation.
final class PendingWrite<Value: Sendable>: GroupedWrite, @unchecked Sendable {
    private let location: String
    private let body: @Sendable (Database) throws -> Value
    private let then: @Sendable (Result<Value, BridgeStoreError>) -> Void
    // Only touched on the writer queue: `applyDirectly` and/or `apply`, then `finish`, by the same writer loop.
    private var outcome: Result<Value, BridgeStoreError>?

    init(
        location: String, body: @escaping @Sendable (Database) throws -> Value,
        then: @escaping @Sendable (Result<Value, BridgeStoreError>) -> Void
    ) {
        self.location = location
        self.body = body
        self.then = then
    }

    func applyDirectly(_ db: Database) throws {
        outcome = .success(try body(db))
    }

    func apply(_ db: Database) throws {
        do {
            var value: Value?
            try db.inSavepoint {
                value = try body(db)
                return .commit
            }
            if let value { outcome = .success(value) }
        } catch {
            outcome = .failure(SQLiteBridgeStore.storeError(error, code: .writeFailed, location: location))
            // SQLite rolls the whole transaction back on some errors (I/O, full disk): later writes would then run
            // outside any transaction, so the batch stops here and fails as a whole.
            if !db.isInsideTransaction { throw error }
        }
    }

    func finish(failure: BridgeStoreError?) {
        then(.groupedWrite(outcome, batchFailure: failure, location: location))
    }
}
