import BridgeCore
import Foundation
import Testing

/// On a store shared by several instances a held receipt asks the store again every `recheck` (its segment was most
/// likely committed by another instance); it still ends at a segment accepted here or at the end of the hold.
@Suite(.timeLimit(.minutes(1))) struct ReceiptCorrelatorRecheckTests {
    static func correlation(_ id: String, request: String) -> ReceiptCorrelation {
        ReceiptCorrelation(
            keys: [id], messageID: id, requestID: request, segment: 1, segments: 1, to: "+1", from: "ACME",
            metadata: nil, submittedAt: Date())
    }

    /// The hold is ten minutes: only the rechecks can end this within the suite's time limit.
    @Test func aHeldReceiptFindsWhatAnotherInstanceCommittedLongBeforeTheHoldEnds() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(600), recheck: .milliseconds(5))
        var asked = 0
        let found = try await correlator.correlate(keys: ["elsewhere"]) {
            asked += 1
            return asked < 4 ? nil : Self.correlation("elsewhere", request: "other-instance")
        }
        #expect(found?.requestID == "other-instance")
        #expect(asked == 4, "the first lookup, then one per recheck until the store had it")
        #expect(correlator.heldCount == 0)
    }

    @Test func aSegmentAcceptedHereStillEndsTheWaitBetweenRechecks() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(600), recheck: .seconds(300))
        let receipt = Task { try await correlator.correlate(keys: ["local"]) { nil } }
        while correlator.heldCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        correlator.segmentAccepted(Self.correlation("local", request: "here"))
        #expect(try await receipt.value?.requestID == "here")
        #expect(correlator.heldCount == 0)
    }

    /// Accepted while a recheck's lookup runs (the receipt is not waiting then): the next wait returns it at once.
    @Test func aSegmentAcceptedDuringARecheckIsNotMissed() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(600), recheck: .milliseconds(5))
        var asked = 0
        let found = try await correlator.correlate(keys: ["raced"]) {
            asked += 1
            if asked == 2 { correlator.segmentAccepted(Self.correlation("raced", request: "during-recheck")) }
            return nil
        }
        #expect(found?.requestID == "during-recheck")
        #expect(asked == 2)
        #expect(correlator.heldCount == 0)
    }

    @Test func aReceiptFoundNowhereIsReleasedAtTheEndOfTheHold() async throws {
        let correlator = ReceiptCorrelator(hold: .milliseconds(60), recheck: .milliseconds(10))
        var asked = 0
        let found = try await correlator.correlate(keys: ["nowhere"]) {
            asked += 1
            return nil
        }
        #expect(found == nil)
        #expect(asked >= 2, "the first lookup and the one at the end of the hold, rechecks between")
        #expect(correlator.heldCount == 0)
    }

    @Test func aFailingRecheckEndsTheHoldWithItsError() async throws {
        struct Down: Error {}
        let correlator = ReceiptCorrelator(hold: .seconds(600), recheck: .milliseconds(5))
        var asked = 0
        await #expect(throws: Down.self) {
            _ = try await correlator.correlate(keys: ["down"]) {
                asked += 1
                if asked == 2 { throw Down() }
                return nil
            }
        }
        #expect(correlator.heldCount == 0)
    }

    @Test func aRecheckOfZeroMeansOnlyAtTheEnd() {
        #expect(ReceiptCorrelator(hold: .seconds(1), recheck: .zero).recheck == nil)
        #expect(ReceiptCorrelator(hold: .seconds(1)).recheck == nil)
    }
}

/// Many receipts held at once share one timer for the ends of their waits: each still ends at its own segment, its
/// recheck or its hold, and the timer stops once none waits.
@Suite(.timeLimit(.minutes(1))) struct ReceiptCorrelatorSharedTimerTests {
    @Test func twoHundredHeldReceiptsEndTheirOwnWayAndTheTimerStops() async throws {
        let correlator = ReceiptCorrelator(hold: .seconds(2), recheck: .milliseconds(20))
        let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for n in 0..<200 {
                group.addTask {
                    let found = try await correlator.correlate(keys: ["m\(n)"]) {
                        // A third is committed by "another instance": the store has it from the start.
                        n % 3 == 1 ? ReceiptCorrelatorRecheckTests.correlation("m\(n)", request: "stored-\(n)") : nil
                    }
                    return (n, found?.requestID)
                }
            }
            // A third is accepted here while held (with the last third, 133 receipts are held).
            while correlator.heldCount < 133 { try await Task.sleep(for: .milliseconds(1)) }
            for n in stride(from: 0, to: 200, by: 3) {
                correlator.segmentAccepted(ReceiptCorrelatorRecheckTests.correlation("m\(n)", request: "here-\(n)"))
            }
            var results: [Int: String?] = [:]
            for try await (n, request) in group { results[n] = request }
            return results
        }
        for n in 0..<200 {
            switch n % 3 {
            case 0: #expect(results[n] == "here-\(n)")
            case 1: #expect(results[n] == "stored-\(n)")
            default: #expect(results[n] == .some(nil), "m\(n) was found nowhere: unmatched at the end of its hold")
            }
        }
        #expect(correlator.heldCount == 0)
        while correlator.isWaitTimerRunning { try await Task.sleep(for: .milliseconds(5)) }
    }
}
