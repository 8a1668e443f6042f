import BridgeCore
import Foundation
import NIOConcurrencyHelpers
import SMPP
import Testing

@Suite struct ReceiptCorrelatorTests {
    func correlation(_ id: String, request: String = "r1") -> ReceiptCorrelation {
        ReceiptCorrelation(
            keys: [id], messageID: id, requestID: request, segment: 1, segments: 1, to: "+1", from: "ACME",
            metadata: nil, submittedAt: Date())
    }

    @Test func anAcceptedSegmentMatchesBeforeItsCommitAndTheStoreAfter() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(5), recentCapacity: 0)
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

    /// The same at the end of the hold: the last store query cannot see a segment accepted meanwhile (it is stored
    /// only once its completion commits), so the slot's resolution is the match, not "unmatched".
    @Test func aSegmentAcceptedDuringTheLastStoreQueryIsNotMissed() async throws {
        let correlator = ReceiptCorrelator(hold: .milliseconds(20))
        let queries = NIOLockedValueBox(0)
        let found = try await correlator.correlate(keys: ["Q"]) {
            let query = queries.withLockedValue { count in
                count += 1
                return count
            }
            if query == 2 { correlator.segmentAccepted(correlation("Q", request: "at-the-end")) }
            return nil
        }
        #expect(queries.withLockedValue { $0 } == 2)
        #expect(found?.requestID == "at-the-end")
        #expect(correlator.heldCount == 0)
    }

    /// Under `smpp.message_id_format: auto` the secondary key 12345 of segment 74565 does not displace segment
    /// 12345, neither before nor after the commit.
    @Test func aSecondaryKeyDoesNotDisplaceAPrimaryOne() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(5))
        func segment(_ keys: [String], _ request: String) -> ReceiptCorrelation {
            ReceiptCorrelation(
                keys: keys, messageID: keys[0], requestID: request, segment: 1, segments: 1, to: "+1", from: "ACME",
                metadata: nil, submittedAt: Date())
        }
        let decimal = segment(["12345", "74565", "3039"], "r-12345")
        let other = segment(["74565", "476517", "12345"], "r-74565")
        correlator.segmentAccepted(decimal)
        correlator.segmentAccepted(other)
        #expect(correlator.known(keys: ["12345"])?.requestID == "r-12345")
        #expect(correlator.known(keys: ["74565"])?.requestID == "r-74565")
        correlator.committed([decimal, other])
        #expect(correlator.known(keys: ["12345"])?.requestID == "r-12345")
        #expect(correlator.known(keys: ["74565"])?.requestID == "r-74565")
    }

    /// The order the review found: segment 10 committed first, then segment 16 (whose id read as hex is 10)
    /// accepted and not yet committed. A receipt for 10 matches segment 10, not the newer conversion in `pending`.
    @Test func aPendingConversionDoesNotBeatACommittedOwnID() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(5))
        func segment(_ id: String, _ request: String) -> ReceiptCorrelation {
            ReceiptCorrelation(
                keys: MessageIDMatching.matchKeys(for: id, format: .auto, side: .submitResponse), messageID: id,
                requestID: request, segment: 1, segments: 1, to: "+1", from: "ACME", metadata: nil, submittedAt: Date())
        }
        let ten = segment("10", "r-10"), sixteen = segment("16", "r-16")
        #expect(sixteen.keys.contains("10"), "16 read as hex is 10: the key both hold")
        correlator.segmentAccepted(ten)
        correlator.committed([ten])
        correlator.segmentAccepted(sixteen)
        let receiptKeys = MessageIDMatching.matchKeys(for: "10", format: .auto, side: .receipt)
        #expect(correlator.known(keys: receiptKeys)?.requestID == "r-10")
        #expect(try await correlator.correlate(keys: receiptKeys) { nil }?.requestID == "r-10")
    }

    /// The segment whose own id the receipt carries left memory (committed long ago): memory knows the key only
    /// as another segment's conversion, so the store is asked and its owner wins.
    /// Segment 100000 (its own id; 1048576 read as hex) and segment 1048576 (whose hex reading is 100000).
    private static let (owner, newer) = (
        ReceiptCorrelation(
            keys: ["100000", "1048576"], messageID: "100000", requestID: "r-old", segment: 1, segments: 1, to: "+1",
            from: "ACME", metadata: nil, submittedAt: Date()),
        ReceiptCorrelation(
            keys: ["1048576", "100000"], messageID: "1048576", requestID: "r-new", segment: 1, segments: 1, to: "+1",
            from: "ACME", metadata: nil, submittedAt: Date())
    )

    @Test func aConversionKnownInMemoryDefersToTheStoresOwner() async throws {
        let correlator = ReceiptCorrelator(hold: .milliseconds(20), recentCapacity: 0)
        let (owner, newer) = (Self.owner, Self.newer)
        correlator.segmentAccepted(newer)
        #expect(correlator.known(keys: ["100000"]) == nil, "the fast path must not take a conversion")
        #expect(try await correlator.correlate(keys: ["100000"]) { owner }?.requestID == "r-old")
        // With no owner in the store either (after the hold), or no store to ask, the conversion is the match.
        #expect(try await correlator.correlate(keys: ["100000"]) { nil }?.requestID == "r-new")
        struct Down: Error {}
        #expect(try await correlator.correlate(keys: ["100000"]) { throw Down() }?.requestID == "r-new")
    }

    /// The segment whose own id the receipt carries is accepted while the receipt is held on a conversion known
    /// here (its submit_sm_resp came after the receipt): it is the match.
    @Test func anOwnIDAcceptedDuringTheHoldBeatsAConversion() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(30))
        let (owner, newer) = (Self.owner, Self.newer)
        correlator.segmentAccepted(newer)
        let receipt = Task { try await correlator.correlate(keys: ["100000"]) { nil } }
        for _ in 0..<500 where correlator.heldCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(correlator.heldCount == 1, "the receipt was not held")
        correlator.segmentAccepted(owner)
        #expect(try await receipt.value?.requestID == "r-old")
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

    /// Another instance sharing the store may commit the segment during the hold: the store is asked again.
    @Test func aReceiptHeldInVainAsksTheStoreAgainAtTheEndOfTheHold() async throws {
        let correlator = ReceiptCorrelator(hold: .milliseconds(20))
        var asked = 0
        let found = try await correlator.correlate(keys: ["elsewhere"]) {
            asked += 1
            return asked == 1 ? nil : correlation("elsewhere", request: "other-instance")
        }
        #expect(found?.requestID == "other-instance")
        #expect(asked == 2)
        #expect(correlator.heldCount == 0)
    }

    @Test func aStoreFailureIsThrownAndLeavesNothingHeld() async {
        struct Boom: Error {}
        let correlator = ReceiptCorrelator(hold: .seconds(60))
        await #expect(throws: Boom.self) { try await correlator.correlate(keys: ["k"]) { throw Boom() } }
        #expect(correlator.heldCount == 0)
    }

    @Test func recentlyCommittedSegmentsMatchWithoutTheStoreUntilPushedOut() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(5), recentCapacity: 3)
        for id in ["A", "B", "C", "D"] {
            correlator.segmentAccepted(correlation(id, request: "r-\(id)"))
            correlator.committed([correlation(id, request: "r-\(id)")])
        }
        #expect(correlator.pendingCount == 0)
        #expect(correlator.recentCount == 3)
        for id in ["B", "C", "D"] {
            let found = try await correlator.correlate(keys: [id]) { Issue.record("store asked for \(id)"); return nil }
            #expect(found?.requestID == "r-\(id)")
        }
        var asked = false
        let oldest = try await correlator.correlate(keys: ["A"]) {
            asked = true
            return correlation("A", request: "from-store")
        }
        #expect(asked)
        #expect(oldest?.requestID == "from-store")
        // Thousands more: the memory stays bounded.
        for index in 0..<5_000 { correlator.committed([correlation("k\(index)")]) }
        #expect(correlator.recentCount == 3)
    }

    @Test func anAcceptedSegmentReleasesOnlyTheReceiptsHeldUnderItsKeys() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(60))
        let first = Task { try await correlator.correlate(keys: ["P"]) { nil } }
        let second = Task { try await correlator.correlate(keys: ["Q"]) { nil } }
        while correlator.heldCount < 2 { try await Task.sleep(for: .milliseconds(1)) }
        correlator.segmentAccepted(correlation("Q", request: "q"))
        #expect(try await second.value?.requestID == "q")
        #expect(correlator.heldCount == 1)
        correlator.segmentAccepted(correlation("P", request: "p"))
        #expect(try await first.value?.requestID == "p")
        #expect(correlator.heldCount == 0)
    }
}
