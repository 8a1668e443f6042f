import BridgeCore
import Foundation
import Testing

/// Two bridge instances, each with its own receipt correlator, over one PostgreSQL store: a receipt that arrives on
/// B for a segment A submitted is matched through the store.
@Suite(.timeLimit(.minutes(2))) struct PostgresStoreCorrelatorTests {
    typealias F = StoreFixtures
    typealias DB = PostgresTestDatabase

    @Test func receiptOnOneInstanceMatchesASegmentTheOtherCommitted() async throws {
        try await DB.withStores(2) { stores in
            let (storeA, storeB) = (stores[0], stores[1])
            let a = ReceiptCorrelator(hold: .seconds(30)), b = ReceiptCorrelator(hold: .seconds(30))
            let correlation = F.correlation("5F3A9C01", request: "r1", keys: ["5F3A9C01", "1597676545"])
            a.segmentAccepted(correlation)
            try await storeA.complete(RequestCompletion(requestID: "r1", result: F.result(1), correlations: [correlation]))
            a.committed([correlation])
            let found = try await b.correlate(keys: ["1597676545"]) { try await storeB.correlation(keys: ["1597676545"]) }
            #expect(found == correlation)
            #expect(b.heldCount == 0)
        }
    }

    /// The receipt reaches B before A has committed the segment: B holds it, and at the end of the hold finds what A
    /// committed meanwhile (nothing on B ever resolves the slot: the submit_sm_resp arrived on A).
    @Test func receiptThatBeatsTheOtherInstancesCommitIsMatchedAfterTheHold() async throws {
        try await DB.withStores(2) { stores in
            let (storeA, storeB) = (stores[0], stores[1])
            let a = ReceiptCorrelator(hold: .seconds(30)), b = ReceiptCorrelator(hold: .seconds(1))
            let correlation = F.correlation("77AB", request: "r2", keys: ["77AB"])
            let receipt = Task { try await b.correlate(keys: ["77AB"]) { try await storeB.correlation(keys: ["77AB"]) } }
            while b.heldCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
            a.segmentAccepted(correlation)
            try await storeA.complete(RequestCompletion(requestID: "r2", result: F.result(2), correlations: [correlation]))
            a.committed([correlation])
            #expect(try await receipt.value == correlation)
            #expect(b.heldCount == 0)
        }
    }
}
