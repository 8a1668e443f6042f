public import Logging
import PostgresNIO
import Synchronization

/// The shared store: one PostgreSQL database that serves several bridge instances at once (DESIGN §scale-out,
/// docs/store.md), on postgres-nio's `PostgresClient` (a connection pool run by a task this store owns).
///
/// Writes are group-committed as in ``SQLiteBridgeStore``: every write is queued and one writer puts everything
/// queued into one transaction (at most ``maximumBatch`` writes) on one pooled connection, starting the next when
/// the previous commit finished and at least ``minimumCommitSpacing`` after it started (a backlog gets a second
/// writer, ``maximumWriters``); each caller resumes only after its transaction committed. Reads run on other pooled
/// connections and see every write that already returned, from this instance or any other.
///
/// Across instances every write is decided by the database, never by what one instance last read: `beginRequest`
/// is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` (two instances beginning one request at once: the second
/// waits for the first's commit and then sees its in-flight mark), `complete` only changes a row that is not
/// completed (the first outcome stays), and the parts of one MO group are added under a transaction-scoped advisory
/// lock on the group, so exactly one caller sees the group complete.
public final class PostgresBridgeStore: BridgeStore {
    /// The schema version this smpp-bridge creates and reads (the row of `smpp_bridge_schema`).
    public static let schemaVersion = 4
    /// The store's tables in its schema (the session budget's, `ClusterSlotSQL.tableNames`, may share it).
    public static let tableNames = ["smpp_bridge_schema", "request", "correlation", "mo_part", "mo_claim", "mo_unconfirmed"]
    /// Most writes one transaction carries.
    public static let maximumBatch = 256
    /// Most transactions one store writes at once: PostgreSQL commits them side by side, so a backlog of
    /// ``backlogForSecondWriter`` writes (every writer busy) starts a second writer on another pooled connection.
    public static let maximumWriters = 2
    /// Whether transactions and reads go through (the server down, unreachable, refusing).
    public let health: StoreHealth? = StoreHealth()
    /// See ``maximumWriters``: a full batch waiting — more than one writer's next transaction can carry. Below it a
    /// single writer keeps its batches whole (every extra transaction costs the database a commit and a plan).
    public static let backlogForSecondWriter = maximumBatch
    /// The least time between the starts of two transactions while fewer than ``maximumBatch`` writes wait
    /// (``GroupCommitQueue``): under load at most 50 commits a second per writer, each carrying more writes; a write
    /// waits at most that long more.
    public static let minimumCommitSpacing = Duration.milliseconds(20)

    typealias Queue = GroupCommitQueue<any PostgresGroupedWrite, CheckedContinuation<Void, Never>>

    struct State {
        var queue = Queue(
            maximumBatch: PostgresBridgeStore.maximumBatch, maximumWriters: PostgresBridgeStore.maximumWriters,
            backlogForAnotherWriter: PostgresBridgeStore.backlogForSecondWriter,
            minimumCommitSpacing: PostgresBridgeStore.minimumCommitSpacing)
        var committedTransactions = 0
        var committedWrites = 0
        /// Receipt lookups waiting for the next query, and whether one runs.
        var lookups: [PostgresCorrelationLookup] = []
        var lookingUp = false
    }

    /// The database (its description has no password).
    public let url: PostgresStoreURL
    /// The PostgreSQL schema holding the store's tables.
    public let schema: String
    /// How long a call waits for a pooled connection before failing (`.writeFailed` or `.readFailed`).
    public let connectionTimeout: Duration
    /// Where errors say they happened: `host:port/database` (schema), never the password. Built once: every write
    /// carries it.
    let location: String
    let client: PostgresClient
    let runner: Task<Void, Never>
    let sql: PostgresStoreSQL
    let logger: Logger
    let state = Mutex(State())

    /// Opens the store: connects once (so a wrong password or an unreachable server fails here with the server's
    /// words), creates or migrates the schema under an advisory lock (several instances may start at once), then
    /// starts the connection pool.
    ///
    /// - Parameters:
    ///   - url: The database.
    ///   - schema: The PostgreSQL schema for the tables (default `public`): lower-case letters, digits and `_`,
    ///     created when missing. Several stores on one database with different schemas do not see each other.
    ///   - logger: Where opening, migration and commit failures are logged.
    ///   - maximumConnections: The pool's size (default 8): one for the writer, the rest for reads.
    ///   - connectionTimeout: How long opening waits for the server, and each later call for a connection
    ///     (default 5 s).
    /// - Throws: `.cannotOpen` (unreachable server, refused login, missing database, a bad schema name) with
    ///   `host:port` and the server's message, never the password; `.migrationFailed` (a newer schema version than
    ///   ``schemaVersion``, or tables of something else in the schema).
    public init(
        url: PostgresStoreURL, schema: String = "public", logger: Logger, maximumConnections: Int = 8,
        connectionTimeout: Duration = .seconds(5)
    ) async throws(BridgeStoreError) {
        self.url = url
        self.schema = schema
        self.location = "\(url.endpoint)/\(url.database) schema \(schema)"
        self.logger = logger
        self.connectionTimeout = connectionTimeout
        let sql = try PostgresStoreSQL(schema: schema, location: url.description)
        self.sql = sql
        let outcome = try await Self.prepareSchema(url: url, sql: sql, timeout: connectionTimeout, logger: logger)
        let client = PostgresClient(
            configuration: try Self.clientConfiguration(
                url: url, maximumConnections: maximumConnections, connectTimeout: connectionTimeout,
                searchPath: schema),
            backgroundLogger: logger)
        self.client = client
        // Detached: PostgresClient.run() ends at its caller's graceful shutdown (it is a Service), and a plain Task
        // would inherit the bridge's — the pool would close as the bridge begins its shutdown, while requests still
        // draining and receipts still arriving need it. close() ends it.
        self.runner = Task.detached { await client.run() }
        logger.info(
            "store opened",
            metadata: [
                "store.url": "\(url)", "store.schema": "\(schema)", "store.version": "\(Self.schemaVersion)",
                "store.migration": "\(outcome)",
            ])
    }

    /// Opens the store at a `store.url` text (see ``init(url:schema:logger:maximumConnections:connectionTimeout:)``);
    /// a malformed URL is `.cannotOpen` with the reason, never the text.
    public convenience init(
        url text: String, schema: String = "public", logger: Logger, maximumConnections: Int = 8,
        connectionTimeout: Duration = .seconds(5)
    ) async throws(BridgeStoreError) {
        let url: PostgresStoreURL
        do {
            url = try PostgresStoreURL(parsing: text)
        } catch {
            throw BridgeStoreError(code: .cannotOpen, location: "store.url", detail: "the URL \(error.description)")
        }
        try await self.init(
            url: url, schema: schema, logger: logger, maximumConnections: maximumConnections,
            connectionTimeout: connectionTimeout)
    }

    /// Transactions committed since the store was opened (each holds one or more writes).
    public var committedTransactions: Int { state.withLock { $0.committedTransactions } }

    /// Writes committed since the store was opened.
    public var committedWrites: Int { state.withLock { $0.committedWrites } }

    /// Commits everything queued, then stops the pool. Later calls fail with `.closed`.
    public func close() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            switch state.withLock({ $0.queue.closeRequested(waiter) }) {
            case .release(let waiters): release(resuming: waiters)
            case .wait: break
            case .alreadyClosed(let waiter): waiter.resume()
            }
        }
    }

    /// How long `close()` waits for the pool to close its connections.
    static let closeTimeout: Duration = .seconds(5)

    /// Stops the pool (cancelling `run()` closes its connections), waits for it — at most ``closeTimeout``: after the
    /// server restarted under it the pool was seen never to finish — then resumes the closers.
    func release(resuming waiters: [CheckedContinuation<Void, Never>]) {
        runner.cancel()
        let once = LeaseRace()
        let (runner, logger, url, schema) = (self.runner, self.logger, self.url, self.schema)
        let resume: @Sendable (Bool) -> Void = { stopped in
            guard once.leased() else { return }
            if stopped {
                logger.info("store closed", metadata: ["store.url": "\(url)", "store.schema": "\(schema)"])
            } else {
                logger.warning(
                    "store closed without waiting longer for its connection pool to stop",
                    metadata: ["store.url": "\(url)", "timeout": "\(Self.closeTimeout)"])
            }
            for waiter in waiters { waiter.resume() }
        }
        Task {
            await runner.value
            resume(true)
        }
        Task {
            try? await Task.sleep(for: Self.closeTimeout)
            resume(false)
        }
    }

    func closedError() -> BridgeStoreError {
        BridgeStoreError(code: .closed, location: location, detail: "the store was closed")
    }
}
