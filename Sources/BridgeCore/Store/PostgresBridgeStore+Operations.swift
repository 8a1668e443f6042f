public import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresBridgeStore {
    /// Where request `id` stands, or nil when the store has never seen it (or its record expired).
    public func requestState(id: String) async throws(BridgeStoreError) -> StoredRequestState? {
        let sql = self.sql
        return try await read { connection, logger in try await Self.requestState(id: id, sql: sql, connection, logger) }
    }

    static func requestState(
        id: String, sql: PostgresStoreSQL, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> StoredRequestState? {
        var binds = PostgresBindings()
        binds.append(id)
        let rows = try await connection.run(PostgresQuery(unsafeSQL: sql.requestState, binds: binds), logger: logger)
        guard let row = rows.first else { return nil }
        let (completed, at, eventID, status, routingKey, body, marks) = try row.decode(
            (Bool, Double, String?, String?, String?, ByteBuffer?, Int32).self)
        let date = Date(timeIntervalSinceReferenceDate: at)
        guard completed else { return .inFlight(since: date, marks: Int(marks)) }
        return .completed(
            StoredResult(
                eventID: eventID ?? "", status: status ?? "", routingKey: routingKey ?? "",
                body: body.map { Array($0.readableBytesView) } ?? [], completedAt: date))
    }

    /// What the store held for `id`; unless it was completed, the request is now marked in flight at `at` — one
    /// upsert that takes the row's lock, so of two instances beginning one request at once the second waits for the
    /// first's commit and is told `.inFlight(since:)` the first's time (it never also believes it is first).
    public func beginRequest(id: String, at: Date) async throws(BridgeStoreError) -> StoredRequestState? {
        try await writeRequest(.begin(id: id, at: at))
    }

    /// Records that submission of request `id` starts now; never overwrites a completed request.
    public func markInFlight(id: String, at: Date) async throws(BridgeStoreError) {
        _ = try await writeRequest(.mark(id: id, at: at))
    }

    /// Records the outcome and the correlations in one statement; a completed request keeps its first outcome, even
    /// when two instances complete it at once (the second's upsert finds the row completed and changes nothing, and
    /// gets that first outcome back). A request marked in flight again since `completion.markedAt` (another instance
    /// took it over) stays in flight, and that state is returned.
    @discardableResult
    public func complete(_ completion: RequestCompletion) async throws(BridgeStoreError) -> StoredRequestState? {
        try await writeRequest(.complete(completion))
    }

    /// ``beginRequest(id:at:)``; `then` runs on the writer task after the commit.
    public func beginRequest(
        id: String, at: Date, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        writeRequest(.begin(id: id, at: at), then: then)
    }

    /// ``complete(_:)``; `then` runs on the writer task after the commit.
    public func complete(
        _ completion: RequestCompletion, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        writeRequest(.complete(completion), then: then)
    }

    /// Forgets the in-flight mark set at `markedAt`; nothing when completed or marked again since (by this
    /// instance or another: a mark set again has another `at`).
    public func releaseInFlight(id: String, markedAt: Date) async throws(BridgeStoreError) {
        let sql = self.sql
        try await write(lockKey: "r" + id) { connection, logger in
            var binds = PostgresBindings()
            binds.append(id)
            binds.append(markedAt.timeIntervalSinceReferenceDate)
            try await connection.run(PostgresQuery(unsafeSQL: sql.releaseInFlight, binds: binds), logger: logger)
        }
    }

    /// Puts back the count of the mark found at begin; nothing when completed or marked again since (here or
    /// elsewhere).
    public func restoreInFlight(id: String, markedAt: Date, marks: Int) async throws(BridgeStoreError) {
        let sql = self.sql
        try await write(lockKey: "r" + id) { connection, logger in
            var binds = PostgresBindings()
            binds.append(id)
            binds.append(markedAt.timeIntervalSinceReferenceDate)
            binds.append(marks)
            try await connection.run(PostgresQuery(unsafeSQL: sql.restoreInFlight, binds: binds), logger: logger)
        }
    }

    /// Adds correlations outside a completion; existing keys are overwritten.
    public func addCorrelations(_ correlations: [ReceiptCorrelation]) async throws(BridgeStoreError) {
        guard !correlations.isEmpty else { return }
        let sql = self.sql
        try await write(lockKey: "c" + (correlations[0].keys.first ?? "")) { connection, logger in
            var binds = PostgresBindings()
            Self.appendCorrelations(correlations, owners: nil, to: &binds)
            try await connection.run(
                PostgresQuery(unsafeSQL: sql.insertCorrelations(from: 1), binds: binds), logger: logger)
        }
    }

    /// The correlations' rows (one per key) as eleven parallel arrays, and a twelfth with each row's owning request
    /// when `owners` is given (one per correlation). One statement may not upsert a row twice, so a key given twice
    /// keeps one correlation by the rule the upsert applies between statements (`ReceiptCorrelation.mayReplace`):
    /// the segment whose own id it is over one holding it as a conversion (`auto`), else the later given. Rows merged
    /// so always have the same owner: completions that share a key never meet in one statement (``PostgresRequestWrite
    /// .Plan`` puts them in separate rounds), so a merged-away row never belonged to a request that landed when the
    /// kept one did not.
    static func appendCorrelations(
        _ correlations: [ReceiptCorrelation], owners: [String]?, to binds: inout PostgresBindings
    ) {
        var rows: [(key: String, correlation: ReceiptCorrelation, owner: String)] = []
        var position: [String: Int] = [:]
        for (index, correlation) in correlations.enumerated() {
            let owner = owners?[index] ?? ""
            for key in correlation.keys {
                if let existing = position[key] {
                    let current = rows[existing].correlation
                    let (isOwn, currentIsOwn) = (correlation.keys.first == key, current.keys.first == key)
                    guard isOwn || !currentIsOwn else { continue }
                    rows[existing].correlation = correlation
                    rows[existing].owner = owner
                } else {
                    position[key] = rows.count
                    rows.append((key, correlation, owner))
                }
            }
        }
        binds.append(rows.map(\.key))
        binds.append(rows.map { CorrelationKeys.encode($0.correlation.keys) })
        binds.append(rows.map(\.correlation.messageID))
        binds.append(rows.map(\.correlation.requestID))
        binds.append(rows.map(\.correlation.segment))
        binds.append(rows.map(\.correlation.segments))
        binds.append(rows.map(\.correlation.to))
        binds.append(rows.map(\.correlation.from))
        binds.append(rows.map { $0.correlation.metadata != nil })
        binds.append(rows.map { ByteBuffer(bytes: $0.correlation.metadata ?? []) })
        binds.append(rows.map(\.correlation.submittedAt.timeIntervalSinceReferenceDate))
        if owners != nil { binds.append(rows.map(\.owner)) }
    }
}
