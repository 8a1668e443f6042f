@testable import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import RabbitMQ
import SMPP
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

extension LateCorrelationRetryTests {
    /// End to end through the processor: the first send times out, its submit_sm_resp comes late with ESME_ROK
    /// during the backoff, and the late-outcome loop tells the request — which calls its resubmit off. One copy at
    /// the SMSC, the result accepted with the late message_id, not flagged.
    @Test(.timeLimit(.minutes(2))) func aLateAcceptanceReachesTheWaitingRequest() async throws {
        final class TimeoutThenAccept: SegmentSubmitter {
            let tags = NIOLockedValueBox<[UInt64]>([])
            func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
                let count = tags.withLockedValue { $0.append(tag); return $0.count }
                if count == 1 { return .failure(SMPPClientError(code: .responseTimeout)) }
                return .success(SubmitOutcome(commandStatus: .ok, messageID: "SECOND", sessionIndex: 0, sequenceNumber: 2,
                                              latency: .zero))
            }
        }
        let submitter = TimeoutThenAccept()
        let book = LateOutcomeBook()
        let store = InMemoryBridgeStore()
        let publisher = RecordingPublisher()
        let correlator = ReceiptCorrelator(hold: .milliseconds(10))
        var settings = OutboundPipelineSettings(sourceAddress: "ACME")
        settings.retry = RetryPolicy(maxAttempts: 3, initialDelay: 30, maxDelay: 30, maxAge: 600)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let processor = OutboundProcessor(
            settings: settings, store: store, publisher: publisher, submitter: submitter, correlator: correlator,
            lateOutcomes: book, metrics: BridgeMetrics(), logger: logger)
        let request = IncomingRequest(
            body: Array(#"{"id":"late-1","to":"+15550001","text":"once"}"#.utf8), properties: AMQPProperties(),
            redelivered: false, receivedAt: Date())
        let processing = Task { await processor.process(request) }
        let sent = try await eventually(timeout: .seconds(10)) { !submitter.tags.withLockedValue { $0.isEmpty } }
        try #require(sent)
        let (outcomes, source) = AsyncStream<LateSubmitOutcome>.makeStream()
        let loop = Task {
            await Bridge.recordLateOutcomes(
                outcomes, book: book, store: store, correlator: correlator, format: .raw, now: { Date() },
                metrics: BridgeMetrics(), logger: logger)
        }
        let tag = try #require(submitter.tags.withLockedValue { $0.first })
        // The timeout is remembered as the answer is seen; then the late response comes.
        let remembered = try await eventually(timeout: .seconds(10)) { book.entry(for: tag) != nil }
        try #require(remembered)
        source.yield(LateSubmitOutcome(tag: tag, outcome: SubmitOutcome(
            commandStatus: .ok, messageID: "LATE", sessionIndex: 0, sequenceNumber: 1, latency: .zero)))
        #expect(await processing.value == .ack)
        source.finish()
        await loop.value
        let json = try publisher.json(0)
        #expect(json["status"] as? String == "accepted" && json["message_ids"] as? [String] == ["LATE"])
        #expect(json["possible_duplicate"] as? Bool == false)
        #expect(submitter.tags.withLockedValue { $0.count } == 1, "no resubmit")
    }
}

extension LateCorrelationRetryTests {
    /// At shutdown the late-outcome source ends: the loop returns without waiting out the retries of a write that
    /// failed (1 + 2 + 4 + 8 + 16 s) — the shutdown waits for the loop before it closes the store.
    @Test(.timeLimit(.minutes(2))) func theLoopEndsWithoutWaitingOutRetries() async throws {
        let store = MOFaultStore()
        store.failingCorrelationWrites.withLockedValue { $0 = 100 }
        let correlator = ReceiptCorrelator(hold: .milliseconds(10))
        let book = LateOutcomeBook()
        let tag = book.allocate(1)[0]
        book.remember(tag, .init(requestID: "r", segment: 1, segments: 1, to: "+1", from: "ACME", metadata: nil,
                                 registeredAt: Date()))
        let (outcomes, source) = AsyncStream<LateSubmitOutcome>.makeStream()
        let loop = Task {
            await Bridge.recordLateOutcomes(
                outcomes, book: book, store: store, correlator: correlator, format: .raw, now: { Date() },
                metrics: BridgeMetrics(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        source.yield(LateSubmitOutcome(tag: tag, outcome: SubmitOutcome(
            commandStatus: .ok, messageID: "L", sessionIndex: 0, sequenceNumber: 1, latency: .zero)))
        let failedOnce = try await eventually(timeout: .seconds(10)) {
            store.failingCorrelationWrites.withLockedValue { $0 } < 100
        }
        try #require(failedOnce)
        let ended = ContinuousClock.now
        source.finish()
        await loop.value
        #expect(ContinuousClock.now - ended < .seconds(15), "waited out the retries")
        #expect(correlator.pendingCount == 0)
    }
}
