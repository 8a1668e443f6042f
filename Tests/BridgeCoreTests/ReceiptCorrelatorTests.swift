import BridgeCore
import Foundation
import Testing

@Suite struct ReceiptCorrelatorTests {
    func correlation(_ id: String, request: String = "r1") -> ReceiptCorrelation {
        ReceiptCorrelation(
            keys: [id], messageID: id, requestID: request, segment: 1, segments: 1, to: "+1", from: "ACME",
            metadata: nil, submittedAt: Date())
    }

    @Test func anAcceptedSegmentMatchesBeforeItsCommitAndTheStoreAfter() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(5))
        correlator.segmentAccepted(correlation("A"))
        let early = try await correlator.correlate(keys: ["A"]) { Issue.record("store asked"); return nil }
        #expect(early?.requestID == "r1")
        correlator.committed([correlation("A")])
        #expect(correlator.pendingCount == 0)
        let late = try await correlator.correlate(keys: ["A"]) { correlation("A", request: "from-store") }
        #expect(late?.requestID == "from-store")
        #expect(correlator.heldCount == 0)
    }

    @Test func aReceiptThatBeatsItsSubmitIsHeldUntilTheSegmentIsAccepted() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(60))
        let receipt = Task { try await correlator.correlate(keys: ["X", "Y"]) { nil } }
        while correlator.heldCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        correlator.segmentAccepted(correlation("Y", request: "late"))
        #expect(try await receipt.value?.requestID == "late")
        #expect(correlator.heldCount == 0)
    }

    @Test func aSegmentAcceptedWhileTheStoreIsAskedIsNotMissed() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(60))
        let found = try await correlator.correlate(keys: ["Z"]) {
            correlator.segmentAccepted(correlation("Z", request: "raced"))
            return nil
        }
        #expect(found?.requestID == "raced")
    }

    @Test func anUnmatchedReceiptIsReleasedAfterTheHold() async throws {
        let correlator = ReceiptCorrelator(hold: .milliseconds(20))
        let found = try await correlator.correlate(keys: ["nope"]) { nil }
        #expect(found == nil)
        #expect(correlator.heldCount == 0)
    }

    @Test func aStoreFailureIsThrownAndLeavesNothingHeld() async {
        struct Boom: Error {}
        let correlator = ReceiptCorrelator(hold: .seconds(60))
        await #expect(throws: Boom.self) { try await correlator.correlate(keys: ["k"]) { throw Boom() } }
        #expect(correlator.heldCount == 0)
    }
}
