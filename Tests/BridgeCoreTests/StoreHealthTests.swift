import Foundation
import GRDB
import Metrics
import MetricsTestKit
import Testing

@testable import BridgeCore

/// `/readyz` check `store` and `smpp_bridge_store_failures_total`: a store whose transactions fail is reported
/// failing until one goes through again (it was "open" whatever happened).
@Suite struct StoreHealthTests {
    typealias F = StoreFixtures

    struct Unrecoverable: Error {}

    @Test func aRunOfFailuresLastsUntilTheNextSuccessAndIsCounted() throws {
        let test = TestMetrics()
        let health = StoreHealth()
        health.countFailures(in: Counter(label: "smpp_bridge_store_failures_total", factory: test))
        health.succeeded(.write)
        #expect(health.snapshot == StoreHealth.Snapshot())
        let first = Date(timeIntervalSince1970: 1_800_000_000)
        health.failed(BridgeStoreError(code: .writeFailed, location: "db:5432/smpp", detail: "connection refused"), .write, at: first)
        health.failed(BridgeStoreError(code: .readFailed, location: "db:5432/smpp", detail: "timed out"), .read, at: first + 5)
        health.failed(BridgeStoreError(code: .closed, location: "db:5432/smpp", detail: "the store was closed"), .read, at: first + 6)
        let failing = health.snapshot
        #expect(failing.failingSince == first && failing.consecutiveFailures == 2)
        #expect(failing.lastError == "store readFailed (db:5432/smpp): timed out")
        #expect(test.counterTotal(label: "smpp_bridge_store_failures_total", dimensions: []) == 2)

        let check = BridgeStatus.storeCheck(open: true, health: failing)
        #expect(!check.ok)
        #expect(check.detail == "failing since 2027-01-15T08:00:00.000Z (2 failures): store readFailed (db:5432/smpp): timed out")
        // A read going through does not clear failing writes (a full disk: reads answer, every write fails).
        health.succeeded(.read)
        #expect(health.snapshot.failingSince == first, "writes still failing")
        health.succeeded(.write)
        #expect(health.snapshot.failingSince == nil && health.snapshot.consecutiveFailures == 0)
        #expect(BridgeStatus.storeCheck(open: true, health: health.snapshot) == ReadinessCheck(name: "store", ok: true, detail: "open"))
        #expect(BridgeStatus.storeCheck(open: true, health: nil).ok)
        #expect(BridgeStatus.storeCheck(open: false, health: nil) == ReadinessCheck(name: "store", ok: false, detail: "closed"))
    }

    /// A transaction that fails as a whole (here: a write that ends it and throws) makes the SQLite store failing;
    /// the next committed transaction makes it healthy. A write refused on its own data does not count.
    @Test func sqliteReportsWholeTransactionsFailingAndRecovering() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteBridgeStore(path: directory.file("bridge.sqlite"), logger: F.logger)
        let health = try #require(store.health)
        try await store.markInFlight(id: "a", at: F.t0)
        await #expect(throws: BridgeStoreError.self) {
            try await store.write { db in try db.execute(sql: "INSERT INTO no_such_table VALUES (1)") }
        }
        #expect(health.snapshot.failingSince == nil, "a write refused on its data is not a store failure")

        await #expect(throws: BridgeStoreError.self) {
            try await store.write { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
                throw Unrecoverable()
            }
        }
        let failing = health.snapshot
        #expect(failing.failingSince != nil && failing.consecutiveFailures == 1, "\(failing)")
        #expect(failing.lastError?.hasPrefix("store writeFailed") == true, "\(failing)")

        try await store.markInFlight(id: "b", at: F.t0)
        #expect(health.snapshot.failingSince == nil)
        #expect(try await store.requestState(id: "b") == .inFlight(since: F.t0))
        await store.close()
    }
}
