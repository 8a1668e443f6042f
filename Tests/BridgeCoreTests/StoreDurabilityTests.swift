@testable import BridgeCore
import GRDB
import Testing

/// The SQLite store's commits are durable against a power cut (docs/store.md "Durability"): its writer connection
/// runs with `synchronous = FULL`, although GRDB's `DatabasePool` sets NORMAL on that connection when it enables WAL.
@Suite struct StoreDurabilityTests {
    @Test func theWriterConnectionFsyncsEveryCommit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteBridgeStore(path: directory.file("bridge.sqlite"), logger: StoreFixtures.logger)
        try await store.markInFlight(id: "r1", at: StoreFixtures.t0)
        let level = try await store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(level == 2, "PRAGMA synchronous on the writer: 2 = FULL, 1 = NORMAL")
        let mode = try await store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        await store.close()
    }
}
