import Logging
import PostgresNIO
import Synchronization

extension PostgresBridgeStore {
    /// Deadlocks and serialization failures between instances' transactions: the whole batch is rolled back by the
    /// server and is written again (at most this many times in all).
    static let maximumBatchAttempts = 5

    /// Queues `body` for the next transaction and returns its value once that transaction committed. `lockKey`
    /// orders the writes of one transaction (rows of one kind are locked in key order in every instance, so their
    /// transactions do not deadlock on each other); writes from one task never share a transaction, so reordering
    /// them cannot change what a caller sees.
    func write<Value: Sendable>(
        lockKey: String, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Value
    ) async throws(BridgeStoreError) -> Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, BridgeStoreError>, Never>) in
            enqueue(PostgresPendingWrite(
                lockKey: lockKey, location: location, body: body, then: { continuation.resume(returning: $0) }))
        }
        return try result.get()
    }

    /// Queues `write` for the next transaction, starting the writer when it is idle; a closed store fails it.
    func enqueue(_ write: any PostgresGroupedWrite) {
        switch state.withLock({ $0.queue.writeRequested(write) }) {
        case .startWriter: Task { await runWriter() }
        case .queued: break
        case .refuse(let refused): refused.finish(failure: closedError())
        }
    }

    /// Runs `body` on a pooled connection outside any transaction (it sees every committed write; a statement it
    /// runs commits on its own). A failure is `failureCode` (`.closed` once the store is).
    func read<Value: Sendable>(
        failureCode: BridgeStoreError.Code = .readFailed,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Value
    ) async throws(BridgeStoreError) -> Value {
        guard state.withLock({ $0.queue.isOpen }) else { throw closedError() }
        do {
            let value = try await withConnection(body)
            health?.succeeded(.read)
            return value
        } catch {
            if !state.withLock({ $0.queue.isOpen }) { throw closedError() }
            let failure = Self.storeError(error, code: failureCode, location: location)
            if !(error is CancellationError) { health?.failed(failure, .read) }
            throw failure
        }
    }

    /// Leases a pooled connection for `body`, or fails when none is had within ``connectionTimeout`` (the pool
    /// itself would wait for a server that is down until its circuit breaker trips, a minute later). Exactly one of
    /// the lease and the timeout wins: once `body` started, it runs to its end.
    func withConnection<Value: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Value
    ) async throws -> Value {
        try await leaseConnection(
            from: client, within: connectionTimeout, location: url.endpoint, logger: logger, body)
    }

    /// The writer: one transaction per batch until nothing is queued.
    func runWriter() async {
        while true {
            switch state.withLock({ $0.queue.nextBatch(now: .now) }) {
            case .write(let batch): await commit(batch.sorted { $0.lockKey < $1.lockKey })
            case .wait(let until): try? await Task.sleep(until: until, clock: .continuous)
            case .idle: return
            case .release(let waiters):
                release(resuming: waiters)
                return
            }
        }
    }

    /// One transaction for `batch` (one statement when it holds only begins and completions, each request once):
    /// every write straight in it; when a write fails on its data, the transaction is rolled back and written again
    /// with each write in its own savepoint, so a failing write does not undo the others. A deadlock with another
    /// instance's transaction writes the whole batch again.
    private func commit(_ batch: [any PostgresGroupedWrite]) async {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let (sql, location) = (self.sql, self.location)
                try await withConnection { connection, logger in
                    try await Self.transaction(batch, sql: sql, location: location, on: connection, logger: logger)
                }
                break
            } catch {
                if let state = Self.sqlState(error), Self.isConflict(state), attempt < Self.maximumBatchAttempts {
                    logger.debug("store transaction conflict; writing the batch again", metadata: ["sqlstate": "\(state)"])
                    continue
                }
                var failure = Self.storeError(error, code: .writeFailed, location: location)
                failure.code = .writeFailed
                logger.error("store transaction failed", metadata: ["store.url": "\(url)", "error": "\(failure)"])
                health?.failed(failure, .write)
                for write in batch { write.finish(failure: failure) }
                return
            }
        }
        health?.succeeded(.write)
        state.withLock {
            $0.committedTransactions += 1
            $0.committedWrites += batch.count
        }
        for write in batch { write.finish(failure: nil) }
    }

    private static func transaction(
        _ batch: [any PostgresGroupedWrite], sql: PostgresStoreSQL, location: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        // The hot path: a batch of begins and completions only, each row once, is one statement (its own commit).
        // When it fails on its data nothing was written, and the transaction below isolates the failing write.
        let requests = batch.compactMap { $0 as? PostgresRequestWrite }
        let plan = PostgresRequestWrite.Plan(requests)
        var isolated = false
        if requests.count == batch.count, plan.fitsOneStatement {
            do {
                try await PostgresRequestWrite.applyInOneStatement(plan, sql: sql, location: location, connection, logger)
                return
            } catch where isDataError(error) {
                isolated = true
            }
        }
        do {
            // READ COMMITTED whatever the server's default (set per transaction, not as a startup parameter that a
            // pooler such as PgBouncer may refuse): a group lock must be followed by reads that see what the
            // holder committed.
            try await connection.run("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
            if isolated {
                for write in batch { try await write.applyIsolated(connection, logger: logger) }
            } else {
                do {
                    // The per-request writes together in multi-row statements, the rest one by one.
                    try await PostgresRequestWrite.apply(plan, sql: sql, connection, logger)
                    for write in batch where !(write is PostgresRequestWrite) {
                        try await write.apply(connection, logger: logger)
                    }
                } catch where isDataError(error) {
                    try await connection.run("ROLLBACK", logger: logger)
                    try await connection.run("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
                    for write in batch { try await write.applyIsolated(connection, logger: logger) }
                }
            }
            try await connection.run("COMMIT", logger: logger)
        } catch {
            // A connection given back to the pool must not be inside a transaction.
            _ = try? await connection.run("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// 40001 serialization failure, 40P01 deadlock.
    static func isConflict(_ state: String) -> Bool { state == "40001" || state == "40P01" }

    /// A failure of one write's data (classes 22 data exception, 23 integrity constraint): the others may commit.
    static func isDataError(_ error: any Error) -> Bool {
        guard let state = sqlState(error) else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }
}

/// A write waiting for its transaction, type-erased so one queue holds writes of every result type.
protocol PostgresGroupedWrite: Sendable {
    /// Orders the writes of one transaction.
    var lockKey: String { get }
    /// Runs the write inside the open transaction and keeps its value; throws its failure.
    func apply(_ connection: PostgresConnection, logger: Logger) async throws
    /// Runs the write in a savepoint and keeps its outcome; throws only what ends the whole transaction.
    func applyIsolated(_ connection: PostgresConnection, logger: Logger) async throws
    /// Resumes the caller: with `failure` when the transaction did not commit, else with the kept outcome.
    func finish(failure: BridgeStoreError?)
}

/// A grouped write that keeps its outcome until its transaction ends, then resumes its caller with it.
protocol PostgresOutcomeWrite: PostgresGroupedWrite, AnyObject {
    associatedtype Value: Sendable
    /// Where, for errors (host:port/database, never a password).
    var location: String { get }
    /// Gets the outcome (resumes the caller waiting for it, or runs its completion).
    var then: @Sendable (Result<Value, BridgeStoreError>) -> Void { get }
    /// Set by `apply` (the value) or `applyIsolated` (a data error); only touched by the writer task.
    var outcome: Result<Value, BridgeStoreError>? { get set }
}

extension PostgresOutcomeWrite {
    /// `apply` in a savepoint: a data error fails this write alone; anything else ends the transaction.
    func applyIsolated(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SAVEPOINT w", logger: logger)
        do {
            try await apply(connection, logger: logger)
            try await connection.run("RELEASE SAVEPOINT w", logger: logger)
        } catch where PostgresBridgeStore.isDataError(error) {
            outcome = .failure(PostgresBridgeStore.storeError(error, code: .writeFailed, location: location))
            try await connection.run("ROLLBACK TO SAVEPOINT w", logger: logger)
        }
    }

    func finish(failure: BridgeStoreError?) {
        then(.groupedWrite(outcome, batchFailure: failure, location: location))
    }
}

/// One caller's write and what gets its outcome.
final class PostgresPendingWrite<Value: Sendable>: PostgresOutcomeWrite, @unchecked Sendable {
    let lockKey: String
    let location: String
    private let body: @Sendable (PostgresConnection, Logger) async throws -> Value
    let then: @Sendable (Result<Value, BridgeStoreError>) -> Void
    // Only touched by the writer task: `apply` and/or `applyIsolated`, then `finish`, one after the other.
    var outcome: Result<Value, BridgeStoreError>?

    init(
        lockKey: String, location: String, body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Value,
        then: @escaping @Sendable (Result<Value, BridgeStoreError>) -> Void
    ) {
        self.lockKey = lockKey
        self.location = location
        self.body = body
        self.then = then
    }

    func apply(_ connection: PostgresConnection, logger: Logger) async throws {
        outcome = .success(try await body(connection, logger))
    }

}

extension PostgresConnection {
    /// Longest a statement may take before its caller gets ``StatementTimeout`` (lock waits behind another
    /// instance's batch included).
    static let storeStatementTimeout: Duration = .seconds(30)
    /// How often a statement awaiting its answer checks whether its connection was closed meanwhile.
    static let closedCheckInterval: Duration = .seconds(1)

    /// Runs `query` to its end and returns its rows. Every statement of the store goes through here: a row stream
    /// left unread would drop the statement's error, and a transaction aborted by it would then "commit" (the
    /// server answers COMMIT of an aborted transaction with ROLLBACK, not an error).
    ///
    /// A query sent on a connection the server has just closed (seen when PostgreSQL restarts between two statements
    /// of a batch) is never answered by postgres-nio 1.33: hence the check first; then, while the answer is awaited,
    /// a check every second that ends the wait once the connection is closed (`ConnectionLost`: a statement whose
    /// answer had not arrived may or may not have taken effect, as with any connection lost mid-statement — never
    /// reported as a success; before, such a write hung until the deadline); and the deadline (`timeout`) as a
    /// backstop. A statement unanswered at its deadline closes the connection: the socket may be half-open (the
    /// server's host gone without a reset), and back in the pool it would stall every later statement sent on it
    /// until the kernel gives up on it, many minutes later. (Not a callback on the connection's close: a pooled
    /// connection would collect one per statement until it closes.)
    @discardableResult
    func run(
        _ query: PostgresQuery, logger: Logger, timeout: Duration = storeStatementTimeout
    ) async throws -> [PostgresRow] {
        try await run(timeout: timeout) { try await self.query(query, logger: logger).collect() }
    }

    /// Runs a prepared statement (prepared on this connection the first time) as ``run(_:logger:timeout:)`` runs a
    /// query.
    @discardableResult
    func run<Statement: PostgresPreparedStatement & Sendable>(
        _ statement: Statement, logger: Logger, timeout: Duration = storeStatementTimeout
    ) async throws -> [PostgresRow] where Statement.Row == PostgresRow {
        try await run(timeout: timeout) {
            var rows: [PostgresRow] = []
            for try await row in try await self.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
    }

    private func run(
        timeout: Duration, _ rows: @escaping @Sendable () async throws -> [PostgresRow]
    ) async throws -> [PostgresRow] {
        guard !isClosed else { throw ConnectionLost() }
        let once = LeaseRace()
        let deadline = ContinuousClock.now + timeout
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[PostgresRow], any Error>) in
            // The checks are entries in the shared deadline timer, each arming the next while the answer is awaited
            // (a task sleeping beside every statement cost a task and a dispatch timer per statement).
            let check = Mutex<DeadlineTimer.Token?>(nil)
            @Sendable func arm() {
                let token = DeadlineTimer.shared.schedule(at: min(.now + Self.closedCheckInterval, deadline)) {
                    guard once.isWaiting else { return }
                    if self.isClosed {
                        if once.timedOut() { continuation.resume(throwing: ConnectionLost()) }
                    } else if ContinuousClock.now >= deadline {
                        guard once.timedOut() else { return }
                        continuation.resume(throwing: StatementTimeout(timeout: timeout))
                        Task { try? await self.close() }
                    } else {
                        arm()
                    }
                }
                check.withLock { $0 = token }
            }
            arm()
            Task {
                do {
                    let rows = try await rows()
                    if once.leased() { continuation.resume(returning: rows) }
                } catch {
                    if once.leased() { continuation.resume(throwing: error) }
                }
                if let token = check.withLock({ $0 }) { DeadlineTimer.shared.cancel(token) }
            }
        }
    }
}

/// The connection was closed (by the server or the network) before the statement could be sent.
struct ConnectionLost: Error, CustomStringConvertible {
    var description: String { "the connection to the database was closed" }
}

/// A statement got no answer within `timeout` (`PostgresConnection.storeStatementTimeout` for the store's own);
/// its connection was closed.
struct StatementTimeout: Error, CustomStringConvertible {
    var timeout: Duration

    var description: String { "no answer from the database within \(timeout); connection closed" }
}
