import Foundation
import GRDB
import Testing

@testable import BridgeCore

/// A batch is first written without savepoints; a write that fails sends the batch round again with one savepoint
/// per write, so the failure stays its own.
@Suite struct StoreFailingWriteTests {
    typealias F = StoreFixtures

    @Test func aFailingWriteInABatchFailsAloneAndTheOthersCommit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteBridgeStore(path: directory.file("bridge.sqlite"), logger: F.logger)
        let others = 40
        // The first write holds its transaction until every other write is queued, so they share the next batch.
        let (started, start) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await store.write { _ in
                start.yield()
                let deadline = ContinuousClock.now + .seconds(30)
                while store.state.withLock({ $0.queue.pendingCount }) < others + 1, ContinuousClock.now < deadline {
                    Thread.sleep(forTimeInterval: 0.001)
                }
            }
        }
        for await _ in started { break }
        let failing = Task {
            try await store.write { db in try db.execute(sql: "INSERT INTO no_such_table VALUES (1)") }
        }
        let succeeding = (0..<others).map { n in
            Task { try await store.markInFlight(id: "ok-\(n)", at: F.t0) }
        }
        try await first.value
        await #expect(throws: BridgeStoreError.self) { try await failing.value }
        for task in succeeding { try await task.value }
        for n in 0..<others {
            #expect(try await store.requestState(id: "ok-\(n)") == .inFlight(since: F.t0))
        }
        #expect(store.committedTransactions == 2, "the first write, then one batch for the rest")
        await store.close()
    }
}
