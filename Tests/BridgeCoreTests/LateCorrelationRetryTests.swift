@testable import BridgeCore
import Foundation
import Logging
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
