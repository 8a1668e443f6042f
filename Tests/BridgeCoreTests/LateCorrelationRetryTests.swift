@testable import BridgeCore
import Foundation
import Logging
import SMPPNIO
import Testing

/// A late submit_sm_resp's correlation whose store write fails is written again (its receipts then match on every
/// instance and after a restart), and leaves the correlator's pending set whether or not it landed.
@Suite struct LateCorrelationRetryTests {
    private static let correlation = ReceiptCorrelation(
        keys: ["LATE1"], messageID: "LATE1", requestID: "r-late", segment: 1, segments: 1, to: "+1", from: "ACME",
        metadata: nil, submittedAt: Date())

    /// Accepts the correlation, then stores it late with three quick retries while `failures` writes fail.
    private static func storeLate(failures: Int) async -> (stored: Bool, store: MOFaultStore, ReceiptCorrelator) {
        let store = MOFaultStore()
        store.failingCorrelationWrites.withLockedValue { $0 = failures }
        let correlator = ReceiptCorrelator(hold: .milliseconds(10))
        correlator.segmentAccepted(correlation)
        let stored = await Bridge.storeLateCorrelation(
            correlation, store: store, correlator: correlator, retryDelays: Array(repeating: .milliseconds(1), count: 3),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return (stored, store, correlator)
    }

    @Test func aFailedWriteIsRetried() async throws {
        let (stored, store, correlator) = await Self.storeLate(failures: 2)
        #expect(stored)
        #expect(try await store.correlation(keys: ["LATE1"])?.requestID == "r-late")
        #expect(correlator.pendingCount == 0)
    }

    @Test func aWriteThatKeepsFailingIsGivenUpAndLeavesPending() async throws {
        let (stored, _, correlator) = await Self.storeLate(failures: 10)
        #expect(!stored)
        #expect(correlator.pendingCount == 0, "left pending for good")
        #expect(correlator.known(keys: ["LATE1"])?.requestID == "r-late", "still matched here for a while")
    }

    /// A closed store (shutdown) ends the retries at once instead of waiting out every delay.
    @Test(.timeLimit(.minutes(1))) func aClosedStoreEndsTheRetries() async throws {
        let store = MOFaultStore()
        await store.close()
        let correlator = ReceiptCorrelator(hold: .milliseconds(10))
        correlator.segmentAccepted(Self.correlation)
        let stored = await Bridge.storeLateCorrelation(
            Self.correlation, store: store, correlator: correlator, retryDelays: [.milliseconds(1), .seconds(3_600)],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(!stored)
        #expect(correlator.pendingCount == 0)
    }
}

extension LateCorrelationRetryTests {
    /// A burst of late responses (an SMSC that stalled, then answered a full window): every one reaches the
    /// correlator while the first one's store write is still waiting for its commit, so the receipts right behind
    /// them match; written one after another, the last ones came after their receipts' hold.
    @Test func aBurstOfLateResponsesReachesTheCorrelatorTogether() async throws {
        let store = MOFaultStore()
        store.holdingCorrelationWrites.withLockedValue { $0 = true }
        let correlator = ReceiptCorrelator(hold: .milliseconds(10))
        let book = LateOutcomeBook()
        let tags = book.allocate(3)
        for (index, tag) in tags.enumerated() {
            book.remember(tag, .init(requestID: "r\(index)", segment: 1, segments: 1, to: "+1", from: "ACME",
                                     metadata: nil, registeredAt: Date()))
        }
        let (outcomes, source) = AsyncStream<LateSubmitOutcome>.makeStream()
        let loop = Task {
            await Bridge.recordLateOutcomes(
                outcomes, book: book, store: store, correlator: correlator, format: .raw, now: { Date() },
                metrics: BridgeMetrics(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        for (index, tag) in tags.enumerated() {
            source.yield(LateSubmitOutcome(tag: tag, outcome: SubmitOutcome(
                commandStatus: .ok, messageID: "LATE\(index)", sessionIndex: 0, sequenceNumber: UInt32(index + 1),
                latency: .zero)))
        }
        let allKnown = try await eventually(timeout: .seconds(10)) {
            (0..<3).allSatisfy { correlator.known(keys: ["LATE\($0)"]) != nil }
        }
        #expect(allKnown, "every late send known while the first write waits")
        store.holdingCorrelationWrites.withLockedValue { $0 = false }
        source.finish()
        await loop.value
        for index in 0..<3 {
            #expect(try await store.correlation(keys: ["LATE\(index)"])?.requestID == "r\(index)")
        }
        #expect(correlator.pendingCount == 0)
    }
}
