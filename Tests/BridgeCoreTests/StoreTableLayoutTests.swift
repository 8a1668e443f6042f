@testable import BridgeCore
import Foundation
import GRDB
import Testing

/// Files created before `request` and `correlation` became rowid tables keep their clustered (`WITHOUT ROWID`)
/// layout, unrebuilt, and work as before; new files get the rowid layout.
@Suite struct StoreTableLayoutTests {
    typealias F = StoreFixtures

    /// The two tables as files created before 2026-12-03 have them (format 1's SQL then).
    private static let clusteredTables = """
        CREATE TABLE request (
            id TEXT PRIMARY KEY NOT NULL, completed INTEGER NOT NULL, at REAL NOT NULL, event_id TEXT, status TEXT,
            routing_key TEXT, body BLOB, marks INTEGER NOT NULL DEFAULT 1
        ) WITHOUT ROWID;
        CREATE INDEX request_at ON request (at);
        CREATE TABLE correlation (
            match_key TEXT PRIMARY KEY NOT NULL, keys TEXT NOT NULL, message_id TEXT NOT NULL,
            request_id TEXT NOT NULL, segment INTEGER NOT NULL, segments INTEGER NOT NULL, to_address TEXT NOT NULL,
            from_address TEXT NOT NULL, metadata BLOB, submitted_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX correlation_submitted_at ON correlation (submitted_at);
        """

    /// Writes a format-3 file with the clustered tables, holding a completed request with its correlation and a
    /// request in flight, marked twice.
    private func makeClusteredFile(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "PRAGMA application_id = \(StoreSchema.applicationID)")
            for step in StoreSchema.steps where step.version <= 3 { try db.execute(sql: step.sql) }
            try db.execute(sql: "DROP TABLE request; DROP TABLE correlation")
            try db.execute(sql: Self.clusteredTables)
            try db.execute(sql: "PRAGMA user_version = 3")
            let result = F.result(1)
            try db.execute(
                sql: """
                    INSERT INTO request (id, completed, at, event_id, status, routing_key, body)
                    VALUES ('r1', 1, ?, ?, ?, ?, ?)
                    """,
                arguments: [result.completedAt.timeIntervalSinceReferenceDate, result.eventID, result.status,
                            result.routingKey, Data(result.body)])
            try db.execute(sql: "INSERT INTO request (id, completed, at, marks) VALUES ('stuck', 0, 7.5, 2)")
            let correlation = F.correlation("M1", request: "r1", keys: ["M1", "m1"])
            for key in correlation.keys {
                try db.execute(
                    sql: """
                        INSERT INTO correlation (match_key, keys, message_id, request_id, segment, segments,
                            to_address, from_address, metadata, submitted_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [key, CorrelationKeys.encode(correlation.keys), correlation.messageID,
                                correlation.requestID, correlation.segment, correlation.segments, correlation.to,
                                correlation.from, correlation.metadata.map { Data($0) },
                                correlation.submittedAt.timeIntervalSinceReferenceDate])
            }
        }
        try queue.close()
    }

    private func tableSQL(_ path: String) async throws -> [String] {
        let check = try DatabaseQueue(path: path)
        defer { try? check.close() }
        return try await check.read { db in
            try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE name IN ('request', 'correlation') ORDER BY name")
        }
    }

    @Test func aClusteredFileKeepsItsLayoutAndWorks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try makeClusteredFile(at: path)

        let store = try SQLiteBridgeStore(path: path, logger: F.logger)
        #expect(try await store.requestState(id: "r1") == .completed(F.result(1)))
        #expect(try await store.requestState(id: "stuck")
            == .inFlight(since: Date(timeIntervalSinceReferenceDate: 7.5), marks: 2))
        let expected = F.correlation("M1", request: "r1", keys: ["M1", "m1"])
        #expect(try await store.correlation(keys: ["m1"]) == expected)
        // The keys stay unique: a second completion of r1 changes nothing, and the in-flight one completes.
        #expect(try await store.complete(RequestCompletion(requestID: "r1", result: F.result(9), correlations: []))
            == .completed(F.result(1)))
        #expect(try await store.complete(RequestCompletion(requestID: "stuck", result: F.result(2), correlations: []))
            == nil)
        await store.close()

        let tables = try await tableSQL(path)
        #expect(tables.count == 2 && tables.allSatisfy { $0.uppercased().contains("WITHOUT ROWID") }, "not rebuilt")
    }

    @Test func aNewFileHasRowidTablesWithUniqueKeys() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        let store = try SQLiteBridgeStore(path: path, logger: F.logger)
        let correlation = F.correlation("M1", request: "r1", keys: ["M1"])
        #expect(try await store.complete(
            RequestCompletion(requestID: "r1", result: F.result(1), correlations: [correlation])) == nil)
        #expect(try await store.complete(RequestCompletion(requestID: "r1", result: F.result(2), correlations: []))
            == .completed(F.result(1)), "one row per id")
        #expect(try await store.correlation(keys: ["M1"]) == correlation)
        await store.close()
        let tables = try await tableSQL(path)
        #expect(tables.count == 2 && tables.allSatisfy { !$0.uppercased().contains("WITHOUT ROWID") })
        #expect(tables.allSatisfy { $0.contains("NOT NULL UNIQUE") })
    }
}
