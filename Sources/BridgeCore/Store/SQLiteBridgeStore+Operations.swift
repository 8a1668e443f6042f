public import Foundation
import GRDB
import SMPP

extension SQLiteBridgeStore {
    /// Where request `id` stands, or nil when the store has never seen it (or its record expired).
    public func requestState(id: String) async throws(BridgeStoreError) -> StoredRequestState? {
        try await read { db in try Self.requestState(id: id, in: db) }
    }

    /// What the store held for `id`; unless it was completed, the request is now marked in flight at `at` — one
    /// grouped write instead of a read on a reader connection and a write.
    public func beginRequest(id: String, at: Date) async throws(BridgeStoreError) -> StoredRequestState? {
        try await write(beginRequestWrite(id: id, at: at))
    }

    /// ``beginRequest(id:at:)``; `then` runs on the writer's queue after the commit.
    public func beginRequest(
        id: String, at: Date, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        write(beginRequestWrite(id: id, at: at), then: then)
    }

    private func beginRequestWrite(id: String, at: Date) -> @Sendable (Database) throws -> StoredRequestState? {
        { [writeStatements] db in
            // Most requests are new: one insert says so, without a lookup first.
            let inserted = try writeStatements.run(.insertInFlight, in: db) { values in
                values.bind(id)
                values.bind(at.timeIntervalSinceReferenceDate)
            }
            if inserted > 0 { return nil }
            let previous = try Self.requestState(id: id, in: db)
            if case .completed = previous { return previous }
            try Self.markInFlight(id: id, at: at, in: db)
            return previous
        }
    }

    static func requestState(id: String, in db: Database) throws -> StoredRequestState? {
        guard
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM request WHERE id = ?"), arguments: [id])
        else { return nil }
        let at = Date(timeIntervalSinceReferenceDate: row["at"])
        guard row["completed"] as Bool else { return .inFlight(since: at, marks: row["marks"]) }
        return .completed(
            StoredResult(
                eventID: row["event_id"], status: row["status"], routingKey: row["routing_key"],
                body: [UInt8](row["body"] as Data? ?? Data()), completedAt: at))
    }

    static func markInFlight(id: String, at: Date, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO request (id, completed, at) VALUES (?, 0, ?)
                ON CONFLICT (id) DO UPDATE SET at = excluded.at, marks = marks + 1 WHERE completed = 0
                """
        ).execute(arguments: [id, at.timeIntervalSinceReferenceDate])
    }

    /// Records that submission of request `id` starts now; never overwrites a completed request.
    public func markInFlight(id: String, at: Date) async throws(BridgeStoreError) {
        try await write { db in try Self.markInFlight(id: id, at: at, in: db) }
    }

    /// Forgets the in-flight mark set at `markedAt`; nothing when completed or marked again since.
    public func releaseInFlight(id: String, markedAt: Date) async throws(BridgeStoreError) {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM request WHERE id = ? AND completed = 0 AND at = ?")
                .execute(arguments: [id, markedAt.timeIntervalSinceReferenceDate])
        }
    }

    /// Puts back the count of the mark found at begin; nothing when completed or marked again since.
    public func restoreInFlight(id: String, markedAt: Date, marks: Int) async throws(BridgeStoreError) {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE request SET marks = ? WHERE id = ? AND completed = 0 AND at = ?")
                .execute(arguments: [marks, id, markedAt.timeIntervalSinceReferenceDate])
        }
    }

    /// Records the outcome and the correlations in one transaction; a completed request keeps its first outcome, and
    /// a request marked again since `completion.markedAt` stays in flight (the state kept is returned).
    @discardableResult
    public func complete(_ completion: RequestCompletion) async throws(BridgeStoreError) -> StoredRequestState? {
        try await write(completeWrite(completion))
    }

    /// ``complete(_:)``; `then` runs on the writer's queue after the commit.
    public func complete(
        _ completion: RequestCompletion, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        write(completeWrite(completion), then: then)
    }

    private func completeWrite(_ completion: RequestCompletion) -> @Sendable (Database) throws -> StoredRequestState? {
        { [writeStatements] db in
            let result = completion.result
            let changed = try writeStatements.run(.completeRequest, in: db) { values in
                values.bind(completion.requestID)
                values.bind(result.completedAt.timeIntervalSinceReferenceDate)
                values.bind(result.eventID)
                values.bind(result.status)
                values.bind(result.routingKey)
                values.bind(result.body)
                values.bind(completion.markedAt?.timeIntervalSinceReferenceDate)
            }
            // Nothing changed: completed before (the row keeps its first outcome, the request's result) or marked
            // in flight again since this delivery's mark.
            guard changed > 0 else { return try Self.requestState(id: completion.requestID, in: db) }
            try Self.insert(completion.correlations, into: db, with: writeStatements)
            return nil
        }
    }

    /// Adds correlations outside a completion; existing keys are overwritten.
    public func addCorrelations(_ correlations: [ReceiptCorrelation]) async throws(BridgeStoreError) {
        guard !correlations.isEmpty else { return }
        try await write { [writeStatements] db in try Self.insert(correlations, into: db, with: writeStatements) }
    }

    /// The correlation recorded under the first of `keys` that has one, or nil.
    public func correlation(keys: [String]) async throws(BridgeStoreError) -> ReceiptCorrelation? {
        guard !keys.isEmpty else { return nil }
        return try await read { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM correlation WHERE match_key = ?")
            for key in keys {
                if let row = try Row.fetchOne(statement, arguments: [key]) { return Self.correlation(from: row) }
            }
            return nil
        }
    }

    /// Stores one MO part (replacing a part with the same index) and returns the group's parts in part order.
    public func addMOPart(_ part: StoredMOPart) async throws(BridgeStoreError) -> [StoredMOPart] {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO mo_part
                    (group_key, part_index, total, payload, data_coding, from_address, to_address, received_at,
                     locking_shift, single_shift)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                part.groupKey, part.index, part.total, Data(part.payload), Int(part.dataCoding), part.from, part.to,
                part.receivedAt.timeIntervalSinceReferenceDate, part.nationalLanguageShift.locking.map { Int($0) },
                part.nationalLanguageShift.single.map { Int($0) },
            ])
            return try Self.moParts(of: part.groupKey, in: db)
        }
    }

    /// The parts stored for group `key` now, in part order.
    public func moGroup(key: String) async throws(BridgeStoreError) -> [StoredMOPart] {
        try await read { db in try Self.moParts(of: key, in: db) }
    }

    /// The parts of group `key`, in part order.
    private static func moParts(of key: String, in db: Database) throws -> [StoredMOPart] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM mo_part WHERE group_key = ? ORDER BY part_index"), arguments: [key]
        ).map(moPart(from:))
    }

    /// Forgets `parts` — each only while stored as read (same arrival time) — and their groups' sweep claims.
    public func removeMOParts(_ parts: [StoredMOPart], forgetting id: RememberedMOID?) async throws(BridgeStoreError) {
        guard !parts.isEmpty || id != nil else { return }
        try await write { db in
            if let id {
                try db.cachedStatement(sql: "DELETE FROM mo_unconfirmed WHERE key = ? AND event_id = ?")
                    .execute(arguments: [id.key, id.eventID])
            }
            let delete = try db.cachedStatement(
                sql: "DELETE FROM mo_part WHERE group_key = ? AND part_index = ? AND received_at = ?")
            for part in parts {
                let receivedAt = part.receivedAt.timeIntervalSinceReferenceDate
                try delete.execute(arguments: [part.groupKey, part.index, receivedAt])
            }
        }
        state.withLock { state in
            for key in Set(parts.map(\.groupKey)) { state.moClaims[key] = nil }
        }
    }

    /// The due groups no sweep holds at `now`, each claimed until `claimedUntil`. One instance owns the file, so the
    /// claims live in this process (a restart forgets them, as if they had expired).
    public func claimMOGroups(
        firstReceivedBefore cutoff: Date, claimedUntil: Date, now: Date
    ) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        let due = try await moGroups(firstReceivedBefore: cutoff)
        return state.withLock { state in
            due.filter { group in
                guard let key = group.first?.groupKey else { return false }
                if let held = state.moClaims[key], held > now { return false }
                state.moClaims[key] = claimedUntil
                return true
            }
        }
    }

    /// Every group whose first part arrived before `cutoff`, oldest group first, each in part order.
    public func moGroups(firstReceivedBefore cutoff: Date) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        try await read { db in
            let parts = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM mo_part WHERE group_key IN
                            (SELECT DISTINCT group_key FROM mo_part WHERE received_at < ?)
                        ORDER BY group_key, part_index
                        """),
                arguments: [cutoff.timeIntervalSinceReferenceDate]
            ).map(Self.moPart(from:))
            return MOGroups.grouped(parts)
        }
    }

    /// Remembers the id of an MO the broker may hold unconfirmed; replaces an earlier one under `key`.
    public func rememberUnconfirmedMO(key: String, eventID: String, at: Date) async throws(BridgeStoreError) {
        try await write { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO mo_unconfirmed (key, event_id, at) VALUES (?, ?, ?)")
                .execute(arguments: [key, eventID, at.timeIntervalSinceReferenceDate])
        }
    }

    /// The id remembered under `key` at `notBefore` or later, forgotten now; nil when there is none. A read first,
    /// so an MO with nothing remembered (nearly all) costs no write.
    public func takeUnconfirmedMO(key: String, notBefore: Date) async throws(BridgeStoreError) -> String? {
        let found = try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT event_id, at FROM mo_unconfirmed WHERE key = ?"), arguments: [key]
            ).map { (eventID: $0[0] as String, at: $0[1] as Double) }
        }
        guard let found else { return nil }
        let taken = try await write { db -> Bool in
            try db.cachedStatement(sql: "DELETE FROM mo_unconfirmed WHERE key = ? AND event_id = ?")
                .execute(arguments: [key, found.eventID])
            return db.changesCount > 0
        }
        return taken && found.at >= notBefore.timeIntervalSinceReferenceDate ? found.eventID : nil
    }

    /// Deletes completed request records, correlation rows (one per key) and remembered MO ids older than `cutoff`,
    /// and in-flight marks older than `markCutoff`, in transactions of at most ``purgeChunkRows`` rows each, so the
    /// writes queued meanwhile wait for one chunk, not for an hour's worth of rows; returns the number of rows
    /// deleted. MO parts stay: the timeout sweep publishes every group and then removes it, so parts answered
    /// ESME_ROK go only once published.
    @discardableResult
    public func purge(olderThan cutoff: Date, inFlightOlderThan markCutoff: Date) async throws(BridgeStoreError) -> Int {
        try await purge(olderThan: cutoff, inFlightOlderThan: markCutoff, chunk: Self.purgeChunkRows)
    }

    /// ``purge(olderThan:inFlightOlderThan:)`` with `chunk` rows per transaction.
    func purge(olderThan cutoff: Date, inFlightOlderThan markCutoff: Date, chunk: Int) async throws(BridgeStoreError) -> Int {
        let (before, marksBefore) = (cutoff.timeIntervalSinceReferenceDate, markCutoff.timeIntervalSinceReferenceDate)
        var deleted = 0
        // By key, not rowid: files created before format 3's rowid tables keep WITHOUT ROWID ones.
        for (sql, arguments): (String, StatementArguments) in [
            (
                """
                DELETE FROM request WHERE id IN (SELECT id FROM request
                    WHERE (completed = 1 AND at < ?1) OR (completed = 0 AND at < ?3) LIMIT ?2)
                """,
                [before, chunk, marksBefore]
            ),
            (
                "DELETE FROM correlation WHERE match_key IN (SELECT match_key FROM correlation WHERE submitted_at < ? LIMIT ?)",
                [before, chunk]
            ),
            ("DELETE FROM mo_unconfirmed WHERE key IN (SELECT key FROM mo_unconfirmed WHERE at < ? LIMIT ?)", [before, chunk]),
        ] {
            while true {
                let count = try await write { db in
                    try db.execute(sql: sql, arguments: arguments)
                    return db.changesCount
                }
                deleted += count
                if count < chunk { break }
            }
        }
        return deleted
    }

    // MARK: - Rows

    private static func insert(
        _ correlations: [ReceiptCorrelation], into db: Database, with statements: SQLiteWriteStatements
    ) throws {
        for correlation in correlations {
            let keys = CorrelationKeys.encode(correlation.keys)
            let submittedAt = correlation.submittedAt.timeIntervalSinceReferenceDate
            for key in correlation.keys {
                try statements.run(.insertCorrelation, in: db) { values in
                    values.bind(key)
                    values.bind(keys)
                    values.bind(correlation.messageID)
                    values.bind(correlation.requestID)
                    values.bind(correlation.segment)
                    values.bind(correlation.segments)
                    values.bind(correlation.to)
                    values.bind(correlation.from)
                    values.bind(correlation.metadata)
                    values.bind(submittedAt)
                }
            }
        }
    }

    private static func correlation(from row: Row) -> ReceiptCorrelation {
        let key: String = row["match_key"]
        return ReceiptCorrelation(
            keys: CorrelationKeys.decode(row["keys"]) ?? [key], messageID: row["message_id"],
            requestID: row["request_id"], segment: row["segment"], segments: row["segments"], to: row["to_address"],
            from: row["from_address"], metadata: (row["metadata"] as Data?).map { [UInt8]($0) },
            submittedAt: Date(timeIntervalSinceReferenceDate: row["submitted_at"]))
    }

    private static func moPart(from row: Row) -> StoredMOPart {
        StoredMOPart(
            groupKey: row["group_key"], index: row["part_index"], total: row["total"],
            payload: [UInt8](row["payload"] as Data? ?? Data()), dataCoding: UInt8(truncatingIfNeeded: row["data_coding"] as Int),
            from: row["from_address"], to: row["to_address"],
            receivedAt: Date(timeIntervalSinceReferenceDate: row["received_at"]),
            nationalLanguageShift: GSMNationalLanguageShift(
                locking: (row["locking_shift"] as Int?).map { UInt8(truncatingIfNeeded: $0) },
                single: (row["single_shift"] as Int?).map { UInt8(truncatingIfNeeded: $0) }))
    }
}
