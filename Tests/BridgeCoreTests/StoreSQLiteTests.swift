import BridgeCore
import Foundation
import Testing

/// What only the SQLite store has: a file that outlives the process, group commit.
@Suite struct StoreSQLiteTests {
    typealias F = StoreFixtures

    @Test func reopenedFileHoldsEverything() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        let correlation = F.correlation("5F3A", request: "r1", keys: ["5F3A", "24378"])
        let store = try SQLiteBridgeStore(path: path, logger: F.logger)
        try await store.markInFlight(id: "stuck", at: F.t0)
        try await store.complete(RequestCompletion(requestID: "r1", result: F.result(1), correlations: [correlation]))
        _ = try await store.addMOPart(F.part("g", index: 2))
        await store.close()

        let reopened = try SQLiteBridgeStore(path: path, logger: F.logger)
        #expect(try await reopened.requestState(id: "stuck") == .inFlight(since: F.t0))
        #expect(try await reopened.requestState(id: "r1") == .completed(F.result(1)))
        #expect(try await reopened.correlation(keys: ["24378"]) == correlation)
        #expect(try await reopened.addMOPart(F.part("g", index: 1)) == [F.part("g", index: 1), F.part("g", index: 2)])
        await reopened.close()
    }

    /// 5 000 callers at once: every write committed and readable as soon as it returned, in far fewer transactions.
    @Test func concurrentCompletesShareTransactions() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteBridgeStore(path: directory.file("bridge.sqlite"), logger: F.logger)
        let count = 5_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<count {
                group.addTask {
                    let correlation = F.correlation("M\(n)", request: "r\(n)", keys: ["M\(n)", "\(n)"])
                    try await store.complete(
                        RequestCompletion(requestID: "r\(n)", result: F.result(n), correlations: [correlation]))
                    // A write that returned is visible to every later read.
                    #expect(try await store.requestState(id: "r\(n)") == .completed(F.result(n)))
                }
            }
            try await group.waitForAll()
        }
        #expect(store.committedWrites == count)
        #expect(store.committedTransactions >= count / SQLiteBridgeStore.maximumBatch)
        #expect(store.committedTransactions < count / 5, "transactions: \(store.committedTransactions)")
        #expect(try await store.correlation(keys: ["4999"])?.requestID == "r4999")
        await store.close()
    }

    /// Writes arriving one after another for a while share transactions: under load transactions start at least
    /// `minimumCommitSpacing` apart (without the spacing each would carry a write or two, a commit's time apart).
    @Test func writesUnderLoadShareSpacedTransactions() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteBridgeStore(path: directory.file("bridge.sqlite"), logger: F.logger)
        let (written, elapsed) = try await F.callOneAfterAnother(callers: 4, for: .milliseconds(300)) { caller, n in
            _ = try await store.beginRequest(id: "c\(caller)-\(n)", at: Date())
        }
        let bound = Int(elapsed / SQLiteBridgeStore.minimumCommitSpacing) + 2
        #expect(store.committedWrites == written)
        #expect(store.committedTransactions <= bound, "\(store.committedTransactions) transactions in \(elapsed)")
        // Every write is in the file: beginning a request again finds the first one's in-flight mark.
        let again = try await store.beginRequest(id: "c3-0", at: Date())
        if case .inFlight = again {} else { Issue.record("c3-0 found as \(String(describing: again))") }
        await store.close()
    }

    /// Writes racing with close either fail `.closed` or are in the file afterwards: none reports success and is lost.
    @Test func closeNeverLosesAWriteThatReturned() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        let store = try SQLiteBridgeStore(path: path, logger: F.logger)
        let succeeded = try await withThrowingTaskGroup(of: String?.self) { group in
            for n in 0..<500 {
                group.addTask {
                    do {
                        try await store.markInFlight(id: "r\(n)", at: F.t0)
                        return "r\(n)"
                    } catch {
                        #expect((error as? BridgeStoreError)?.code == .closed, "\(error)")
                        return nil
                    }
                }
            }
            group.addTask {
                await store.close()
                return nil
            }
            return try await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
        }
        let reopened = try SQLiteBridgeStore(path: path, logger: F.logger)
        for id in succeeded {
            #expect(try await reopened.requestState(id: id) == .inFlight(since: F.t0))
        }
        await reopened.close()
    }
}
