public import Foundation
import Logging
import NIOCore
import PostgresNIO
import SMPP

extension PostgresBridgeStore {
    /// Stores one MO part (replacing a part with the same index) and returns the group's parts in part order. The
    /// group's advisory lock is held until the transaction ends, so when two instances add the last two parts at
    /// once, the second waits, then sees both: exactly one of them gets the complete list.
    public func addMOPart(_ part: StoredMOPart) async throws(BridgeStoreError) -> [StoredMOPart] {
        let sql = self.sql
        return try await write(lockKey: "m" + part.groupKey) { connection, logger in
            var lock = PostgresBindings()
            lock.append(sql.schema + "|" + part.groupKey)
            try await connection.run(PostgresQuery(unsafeSQL: sql.lockMOGroup, binds: lock), logger: logger)
            var binds = PostgresBindings()
            binds.append(part.groupKey)
            binds.append(part.index)
            binds.append(part.total)
            binds.append(ByteBuffer(bytes: part.payload))
            binds.append(Int(part.dataCoding))
            binds.append(part.from)
            binds.append(part.to)
            binds.append(part.receivedAt.timeIntervalSinceReferenceDate)
            binds.append(part.nationalLanguageShift.locking.map { Int($0) })
            binds.append(part.nationalLanguageShift.single.map { Int($0) })
            return try await Self.parts(PostgresQuery(unsafeSQL: sql.addMOPart, binds: binds), connection, logger)
        }
    }

    /// The parts stored for group `key` now, in part order.
    public func moGroup(key: String) async throws(BridgeStoreError) -> [StoredMOPart] {
        let sql = self.sql
        return try await read { connection, logger in
            var binds = PostgresBindings()
            binds.append(key)
            return try await Self.parts(PostgresQuery(unsafeSQL: sql.moGroup, binds: binds), connection, logger)
        }
    }

    /// Forgets `parts` — each only while stored as read (same arrival time; a part another instance stored again
    /// since stays) — their groups' sweep claims, and `id` while it is the one remembered under its key: one
    /// statement.
    public func removeMOParts(_ parts: [StoredMOPart], forgetting id: RememberedMOID?) async throws(BridgeStoreError) {
        guard let lockKey = parts.first.map({ "m" + $0.groupKey }) ?? id.map({ "u" + $0.key }) else { return }
        let sql = self.sql
        try await write(lockKey: lockKey) { connection, logger in
            var binds = PostgresBindings()
            binds.append(parts.map(\.groupKey))
            binds.append(parts.map(\.index))
            binds.append(parts.map(\.receivedAt.timeIntervalSinceReferenceDate))
            binds.append(id?.key)
            binds.append(id?.eventID)
            try await connection.run(PostgresQuery(unsafeSQL: sql.removeMOParts, binds: binds), logger: logger)
        }
    }

    /// Every group whose first part arrived before `cutoff`, oldest group first, each in part order.
    public func moGroups(firstReceivedBefore cutoff: Date) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        let sql = self.sql
        return try await read { connection, logger in
            var binds = PostgresBindings()
            binds.append(cutoff.timeIntervalSinceReferenceDate)
            let parts = try await Self.parts(PostgresQuery(unsafeSQL: sql.moGroups, binds: binds), connection, logger)
            return MOGroups.grouped(parts)
        }
    }

    /// The due groups that no other sweep holds, each now claimed until `claimedUntil` (a claim row per group, so
    /// two instances sweeping at once never both get one group).
    public func claimMOGroups(
        firstReceivedBefore cutoff: Date, claimedUntil: Date, now: Date
    ) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        let sql = self.sql
        return try await write(lockKey: "~claim") { connection, logger in
            var binds = PostgresBindings()
            binds.append(cutoff.timeIntervalSinceReferenceDate)
            binds.append(claimedUntil.timeIntervalSinceReferenceDate)
            binds.append(now.timeIntervalSinceReferenceDate)
            let parts = try await Self.parts(PostgresQuery(unsafeSQL: sql.claimMOGroups, binds: binds), connection, logger)
            return MOGroups.grouped(parts)
        }
    }

    /// Remembers the id of an MO the broker may hold unconfirmed; replaces an earlier one under `key`. One statement
    /// on a pooled connection, committed on return, not a grouped transaction: another instance's redelivery of the
    /// MO may come within milliseconds, and the commit spacing would leave it a fresh id (DESIGN §4 "MO event ids").
    /// Rare (an MO the SMSC will deliver again), so it costs the batching nothing.
    public func rememberUnconfirmedMO(key: String, eventID: String, at: Date) async throws(BridgeStoreError) {
        let sql = self.sql
        try await read(failureCode: .writeFailed) { connection, logger in
            var binds = PostgresBindings()
            binds.append(key)
            binds.append(eventID)
            binds.append(at.timeIntervalSinceReferenceDate)
            try await connection.run(PostgresQuery(unsafeSQL: sql.rememberUnconfirmedMO, binds: binds), logger: logger)
        }
    }

    /// The id remembered under `key` at `notBefore` or later, forgotten now; nil when there is none. One statement
    /// on a pooled connection (no batch to wait for): an MO with nothing remembered deletes nothing.
    public func takeUnconfirmedMO(key: String, notBefore: Date) async throws(BridgeStoreError) -> String? {
        let sql = self.sql
        let taken = try await read { connection, logger -> (String, Double)? in
            var binds = PostgresBindings()
            binds.append(key)
            let rows = try await connection.run(PostgresQuery(unsafeSQL: sql.takeUnconfirmedMO, binds: binds), logger: logger)
            return try rows.first?.decode((String, Double).self)
        }
        guard let (eventID, at) = taken, at >= notBefore.timeIntervalSinceReferenceDate else { return nil }
        return eventID
    }

    /// Deletes what ``SQLiteBridgeStore/purge(olderThan:inFlightOlderThan:)`` deletes, in the same chunks, each
    /// chunk its own write; returns the number of rows deleted.
    @discardableResult
    public func purge(olderThan cutoff: Date, inFlightOlderThan markCutoff: Date) async throws(BridgeStoreError) -> Int {
        try await purge(olderThan: cutoff, inFlightOlderThan: markCutoff, chunk: SQLiteBridgeStore.purgeChunkRows)
    }

    /// ``purge(olderThan:inFlightOlderThan:)`` with `chunk` rows per statement.
    func purge(olderThan cutoff: Date, inFlightOlderThan markCutoff: Date, chunk: Int) async throws(BridgeStoreError) -> Int {
        var deleted = 0
        for statement in sql.purgeChunks {
            while true {
                let count = try await write(lockKey: "~purge") { connection, logger in
                    var binds = PostgresBindings()
                    binds.append(cutoff.timeIntervalSinceReferenceDate)
                    binds.append(chunk)
                    if statement.bindsMarkCutoff { binds.append(markCutoff.timeIntervalSinceReferenceDate) }
                    let rows = try await connection.run(PostgresQuery(unsafeSQL: statement.sql, binds: binds), logger: logger)
                    return try rows.first?.decode(Int.self) ?? 0
                }
                deleted += count
                if count < chunk { break }
            }
        }
        return deleted
    }

    private static func parts(
        _ query: PostgresQuery, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [StoredMOPart] {
        try await connection.run(query, logger: logger).map { row in
            let (groupKey, index, total, payload, dataCoding, from, to, receivedAt, locking, single) = try row.decode(
                (String, Int, Int, ByteBuffer, Int, String, String, Double, Int?, Int?).self)
            return StoredMOPart(
                groupKey: groupKey, index: index, total: total, payload: Array(payload.readableBytesView),
                dataCoding: UInt8(truncatingIfNeeded: dataCoding), from: from, to: to,
                receivedAt: Date(timeIntervalSinceReferenceDate: receivedAt),
                nationalLanguageShift: GSMNationalLanguageShift(
                    locking: locking.map { UInt8(truncatingIfNeeded: $0) },
                    single: single.map { UInt8(truncatingIfNeeded: $0) }))
        }
    }
}
