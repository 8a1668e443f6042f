import Foundation
import Testing

@testable import BridgeCore

/// The purge deletes in chunks, each its own write (a transaction among the others), so the writes queued behind
/// it wait for one chunk: every old row still goes, and the count is right.
@Suite(.timeLimit(.minutes(2))) struct StorePurgeChunkTests {
    typealias F = StoreFixtures

    /// Seven completed requests with a correlation key each, and seven remembered MO ids, all old; one newer of each.
    static func fill(_ store: any BridgeStore) async throws {
        for n in 0..<7 {
            try await store.complete(RequestCompletion(
                requestID: "old-\(n)", result: F.result(n),
                correlations: [F.correlation("K\(n)", request: "old-\(n)", keys: ["K\(n)"])]))
            try await store.rememberUnconfirmedMO(key: "mo-\(n)", eventID: "e\(n)", at: F.t0)
        }
        let new = F.t0.addingTimeInterval(1_000)
        try await store.complete(RequestCompletion(
            requestID: "new", result: F.result(9, at: new),
            correlations: [F.correlation("N", request: "new", keys: ["N"], at: new)]))
        try await store.rememberUnconfirmedMO(key: "mo-new", eventID: "e-new", at: new)
    }

    static func expectOnlyTheNewRowsLeft(_ store: any BridgeStore) async throws {
        for n in 0..<7 {
            #expect(try await store.requestState(id: "old-\(n)") == nil)
            #expect(try await store.correlation(keys: ["K\(n)"]) == nil)
        }
        #expect(try await store.correlation(keys: ["N"])?.requestID == "new")
        #expect(try await store.takeUnconfirmedMO(key: "mo-new", notBefore: F.t0) == "e-new")
        #expect(try await store.takeUnconfirmedMO(key: "mo-0", notBefore: .distantPast) == nil)
    }

    @Test func theSQLiteStorePurgesInChunks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteBridgeStore(path: directory.file("bridge.sqlite"), logger: F.logger)
        try await Self.fill(store)
        let before = store.committedTransactions
        #expect(try await store.purge(olderThan: F.t0.addingTimeInterval(500), inFlightOlderThan: F.t0, chunk: 2) == 7 * 3)
        // Per table ⌈7 / 2⌉ = 4 chunks, the last one short: 12 transactions (nothing else writes meanwhile).
        #expect(store.committedTransactions - before == 12)
        try await Self.expectOnlyTheNewRowsLeft(store)
        await store.close()
    }

    @Test func thePostgreSQLStorePurgesInChunks() async throws {
        try await PostgresTestDatabase.withStores(1) { stores in
            let store = stores[0]
            try await Self.fill(store)
            let before = store.committedTransactions
            #expect(try await store.purge(olderThan: F.t0.addingTimeInterval(500), inFlightOlderThan: F.t0, chunk: 2) == 7 * 3)
            #expect(store.committedTransactions - before == 12)
            try await Self.expectOnlyTheNewRowsLeft(store)
        }
    }
}
