import Foundation
import Testing

@testable import BridgeCore

/// How the PostgreSQL store writes and reads under load: a batch of begins and completions is one statement, a write
/// that fails on its data fails alone (in that statement's batch or in a transaction with other writes), and the
/// receipt lookups queued together are answered by one query, each with its own answer.
@Suite(.timeLimit(.minutes(2))) struct PostgresStoreBatchTests {
    typealias F = StoreFixtures
    typealias DB = PostgresTestDatabase

    /// The first write holds the writer until everything else is queued, so the rest share the next batch: begins and
    /// completions only (the one-statement path), or with a correlation write beside them (the transaction path).
    @Test(arguments: [false, true])
    func aRequestWriteFailingOnItsDataFailsAloneInItsBatch(withAnotherKindOfWrite: Bool) async throws {
        try await DB.withStores(1) { stores in
            let store = stores[0]
            let (begins, completions) = (20, 10)
            let blocker = await Self.holdWriter(
                of: store, until: 1 + begins + completions + (withAnotherKindOfWrite ? 1 : 0))
            // PostgreSQL text cannot hold NUL: the server refuses this id (SQLSTATE 22021, a data error).
            let failing = Task { try await store.beginRequest(id: "bad\u{0}id", at: F.t0) }
            let begun = (0..<begins).map { n in Task { try await store.beginRequest(id: "new-\(n)", at: F.t0) } }
            let completed = (0..<completions).map { n in
                Task {
                    try await store.complete(RequestCompletion(
                        requestID: "done-\(n)", result: F.result(n),
                        correlations: [F.correlation("M\(n)", request: "done-\(n)", keys: ["M\(n)", "m\(n)"])]))
                }
            }
            let other = withAnotherKindOfWrite
                ? Task { try await store.addCorrelations([F.correlation("LATE", request: "late", keys: ["LATE"])]) }
                : nil
            try await blocker.value
            await #expect(throws: BridgeStoreError.self) { try await failing.value }
            for task in begun { #expect(try await task.value == nil) }
            for task in completed { #expect(try await task.value == nil) }
            try await other?.value
            for n in 0..<begins { #expect(try await store.requestState(id: "new-\(n)") == .inFlight(since: F.t0)) }
            for n in 0..<completions {
                #expect(try await store.requestState(id: "done-\(n)") == .completed(F.result(n)))
                #expect(try await store.correlation(keys: ["m\(n)"])?.requestID == "done-\(n)")
            }
            if withAnotherKindOfWrite { #expect(try await store.correlation(keys: ["LATE"])?.requestID == "late") }
            #expect(store.committedTransactions == 2, "the blocking write, then one batch for the rest")
        }
    }

    /// Two completions of one batch name the same key: `stale`'s outcome is stored already, so its completion does not
    /// land, and the key goes to the landed one (`fresh`, which holds it as a conversion) — not to nobody, as it would
    /// if one statement merged the two rows before knowing which landed (the plan puts them in separate rounds).
    /// Between two landed completions the own-key rule holds.
    @Test func aKeyGivenTwiceInOneBatchGoesToTheCompletionThatLands() async throws {
        try await DB.withStores(1) { stores in
            let store = stores[0]
            try await store.complete(RequestCompletion(requestID: "stale", result: F.result(1), correlations: []))
            let blocker = await Self.holdWriter(of: store, until: 4)
            // (request, result number, keys: its own message id first)
            let given = [("stale", 2, ["K"]), ("fresh", 3, ["F", "K"]), ("owner", 4, ["O"]), ("convert", 5, ["C", "O"])]
            let completions = given.map { id, n, keys in
                RequestCompletion(
                    requestID: id, result: F.result(n), correlations: [F.correlation(keys[0], request: id, keys: keys)])
            }
            let tasks = completions.map { completion in Task { try await store.complete(completion) } }
            try await blocker.value
            var states: [StoredRequestState?] = []
            for task in tasks { states.append(try await task.value) }
            #expect(states[0] == .completed(F.result(1)), "the stored outcome stays")
            #expect(states[1...].allSatisfy { $0 == nil })
            #expect(store.committedTransactions == 3, "the first completion, the blocking write, one batch")
            #expect(try await store.correlation(keys: ["K"])?.requestID == "fresh")
            #expect(try await store.correlation(keys: ["F"])?.requestID == "fresh")
            #expect(try await store.correlation(keys: ["O"])?.requestID == "owner", "an own key beats a conversion")
            #expect(try await store.correlation(keys: ["C"])?.requestID == "convert")
        }
    }

    /// One batch begins requests that are new, in flight and completed: each is told its own earlier state (the
    /// completed ones read after the statement committed).
    @Test func aBatchOfBeginsTellsEachItsEarlierState() async throws {
        try await DB.withStores(1) { stores in
            let store = stores[0]
            try await store.complete(RequestCompletion(requestID: "old", result: F.result(1), correlations: []))
            #expect(try await store.beginRequest(id: "flying", at: F.t0) == nil)
            let later = F.t0.addingTimeInterval(5)
            let ids = ["old", "flying", "fresh"]
            let states = try await withThrowingTaskGroup(of: (String, StoredRequestState?).self) { group in
                for id in ids { group.addTask { (id, try await store.beginRequest(id: id, at: later)) } }
                return try await group.reduce(into: [String: StoredRequestState?]()) { $0[$1.0] = $1.1 }
            }
            #expect(states["old"] == .some(.completed(F.result(1))))
            #expect(states["flying"] == .some(.inFlight(since: F.t0)))
            #expect(states["fresh"] == .some(nil))
            #expect(try await store.requestState(id: "old") == .completed(F.result(1)), "a completed request stays")
        }
    }

    /// Lookups issued together: each gets the correlation of its own first known key, or nil.
    @Test func concurrentReceiptLookupsEachGetTheirOwnAnswer() async throws {
        try await DB.withStores(2) { stores in
            let (a, b) = (stores[0], stores[1])
            let count = 200
            for n in stride(from: 0, to: count, by: 2) {
                try await a.complete(RequestCompletion(
                    requestID: "r\(n)", result: F.result(n),
                    correlations: [F.correlation("ID\(n)", request: "r\(n)", keys: ["ID\(n)", "dec\(n)"])]))
            }
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for n in 0..<count {
                    group.addTask { (n, try await b.correlation(keys: ["none-\(n)", "dec\(n)", "ID\(n)"])?.requestID) }
                }
                return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == count)
            for n in 0..<count { #expect(answers[n] == .some(n.isMultiple(of: 2) ? "r\(n)" : nil), "lookup \(n)") }
        }
    }

    /// A write that holds the writer, once it runs, until `queued` more writes wait (at most 30 s), so those share
    /// the next batch; returns when it holds the writer.
    static func holdWriter(of store: PostgresBridgeStore, until queued: Int) async -> Task<Void, any Error> {
        let (started, start) = AsyncStream<Void>.makeStream()
        let blocker = Task {
            try await store.write(lockKey: "0") { _, _ in
                start.yield()
                let deadline = ContinuousClock.now + .seconds(30)
                while store.state.withLock({ $0.queue.pendingCount }) < queued, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
        }
        for await _ in started { break }
        return blocker
    }

    @Test func aLookupOnAClosedStoreFailsAsClosed() async throws {
        let schema = DB.uniqueSchema("l")
        let store = try await DB.openStore(schema: schema)
        await store.close()
        await F.expectError(.closed) { _ = try await store.correlation(keys: ["X"]) }
        await DB.dropSchema(schema)
    }
}
