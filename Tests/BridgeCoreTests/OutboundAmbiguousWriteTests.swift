@testable import BridgeCore
import Foundation
import Logging
import MetricsTestKit
import Testing

/// A store write reported failed may have committed (the connection was lost while the commit went through). Such a
/// write must not cost a false `possible_duplicate` (a begin's mark that nothing was submitted under) nor count the
/// request's own outcome as "completed first by another delivery" (DESIGN §3 "Unknown outcomes").
@Suite struct OutboundAmbiguousWriteTests {
    func processor(_ store: CompletionFailingStore, _ submitter: AcceptingSubmitter, _ publisher: RecordingPublisher,
                   metrics: TestMetrics = TestMetrics()) -> OutboundProcessor {
        OutboundProcessor(
            settings: OutboundPipelineSettings(
                sourceAddress: "ACME", completionRetryDelay: .milliseconds(5),
                completionRetryMaxDelay: .milliseconds(20)),
            store: store, publisher: publisher, submitter: submitter,
            correlator: ReceiptCorrelator(hold: .milliseconds(10)), lateOutcomes: LateOutcomeBook(),
            metrics: BridgeMetrics(factory: metrics),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func request(_ id: String) -> IncomingRequest {
        IncomingRequest(
            body: Array(#"{"id":"\#(id)","to":"+1555","text":"x"}"#.utf8), properties: .init(), redelivered: false,
            receivedAt: Date())
    }

    func handle(_ processor: OutboundProcessor, _ id: String, callbacks: Bool) async -> Settlement {
        guard callbacks else { return await processor.process(request(id)) }
        let handled = await processor.handleLikeTheBridge(request(id))
        #expect(handled.callbacks)
        return handled.settlement
    }

    func flag(_ publisher: RecordingPublisher, _ index: Int) throws -> Bool {
        try publisher.json(index)["possible_duplicate"] as? Bool ?? false
    }

    /// The begin committed but was reported failed: the delivery is requeued unsent, and its redelivery finds only
    /// that mark — a request never submitted, sent once, its result unflagged.
    @Test(arguments: [true, false])
    func aBeginReportedFailedThatCommittedIsNotTakenForACrash(callbacks: Bool) async throws {
        let store = CompletionFailingStore(failures: 0, beginFailures: 1, landing: true)
        let submitter = AcceptingSubmitter()
        let publisher = RecordingPublisher()
        let processor = processor(store, submitter, publisher)
        #expect(await handle(processor, "phantom", callbacks: callbacks) == .requeue)
        #expect(submitter.sent.withLockedValue { $0.count } == 0)
        guard case .inFlight(_, let marks)? = try await store.requestState(id: "phantom") else {
            Issue.record("the failed begin left its mark"); return
        }
        #expect(marks == 1)
        #expect(await handle(processor, "phantom", callbacks: callbacks) == .ack)
        #expect(submitter.sent.withLockedValue { $0.count } == 1)
        try #require(publisher.all.count == 1)
        #expect(try publisher.json(0)["status"] as? String == "accepted")
        #expect(try flag(publisher, 0) == false)
        #expect(processor.unusedMarks.count == 0)
    }

    /// A request already in flight before the failed begin (a crash mid-submit) is still an unknown outcome: the
    /// redelivery resubmits it flagged.
    @Test(arguments: [true, false])
    func anEarlierMarkStillFlagsTheRedelivery(callbacks: Bool) async throws {
        let store = CompletionFailingStore(failures: 0, beginFailures: 1, landing: true)
        try await store.inner.markInFlight(id: "crashed", at: Date(timeIntervalSinceNow: -60))
        let submitter = AcceptingSubmitter()
        let publisher = RecordingPublisher()
        let processor = processor(store, submitter, publisher)
        #expect(await handle(processor, "crashed", callbacks: callbacks) == .requeue)
        #expect(await handle(processor, "crashed", callbacks: callbacks) == .ack)
        #expect(submitter.sent.withLockedValue { $0.count } == 1)
        try #require(publisher.all.count == 1)
        #expect(try flag(publisher, 0) == true)
    }

    /// A begin that failed without committing leaves no mark: the redelivery is a new request as before.
    @Test func aBeginThatDidNotCommitLeavesNothingBehind() async throws {
        let store = CompletionFailingStore(failures: 0, beginFailures: 1, landing: false)
        let submitter = AcceptingSubmitter()
        let publisher = RecordingPublisher()
        let processor = processor(store, submitter, publisher)
        #expect(await processor.process(request("clean")) == .requeue)
        #expect(try await store.requestState(id: "clean") == nil)
        #expect(await processor.process(request("clean")) == .ack)
        #expect(try flag(publisher, 0) == false)
    }

    /// The completion committed but was reported failed: its retry finds the request completed under its own event
    /// id — counted as the request's status, not as a duplicate, and published once.
    @Test(arguments: [true, false])
    func aCompletionReportedFailedThatCommittedIsOurOwn(callbacks: Bool) async throws {
        let store = CompletionFailingStore(failures: 1, landing: true)
        let metrics = TestMetrics()
        let submitter = AcceptingSubmitter()
        let publisher = RecordingPublisher()
        let processor = processor(store, submitter, publisher, metrics: metrics)
        #expect(await handle(processor, "landed", callbacks: callbacks) == .ack)
        #expect(store.completeCalls.withLockedValue { $0 } == 2)
        try #require(publisher.all.count == 1)
        guard case .completed(let stored)? = try await store.requestState(id: "landed") else {
            Issue.record("the outcome must be stored"); return
        }
        #expect(publisher.all[0].body == stored.body && publisher.all[0].properties.messageID == stored.eventID)
        func requests(_ outcome: String) -> Int64 {
            metrics.counterTotal(label: "smpp_bridge_requests_total", dimensions: [("outcome", outcome)])
        }
        #expect(requests("accepted") == 1)
        #expect(requests("duplicate") == 0)
    }

    /// The memory is bounded: the oldest marks go first; a mark is forgotten once its request began again.
    @Test func unusedMarksAreBoundedAndTakenOnce() {
        let marks = UnusedMarks(capacity: 2)
        let at = Date(timeIntervalSinceReferenceDate: 1_000)
        marks.remember(id: "a", markedAt: at)
        marks.remember(id: "b", markedAt: at)
        marks.remember(id: "c", markedAt: at)
        #expect(marks.count == 2)
        #expect(marks.discounting(.inFlight(since: at, marks: 1), id: "a") == .inFlight(since: at, marks: 1))
        #expect(marks.discounting(.inFlight(since: at, marks: 1), id: "b") == nil)
        #expect(marks.discounting(.inFlight(since: at, marks: 1), id: "b") == .inFlight(since: at, marks: 1))
        #expect(marks.discounting(.inFlight(since: at.addingTimeInterval(1), marks: 1), id: "c")
            == .inFlight(since: at.addingTimeInterval(1), marks: 1))
        #expect(marks.count == 0)
        // A mark remembered again after its first was taken survives the eviction of that first one's slot.
        let later = at.addingTimeInterval(5)
        marks.remember(id: "d", markedAt: at)
        #expect(marks.discounting(.inFlight(since: at, marks: 1), id: "d") == nil)
        marks.remember(id: "d", markedAt: later)
        marks.remember(id: "e", markedAt: at)  // evicts the slot of d's first mark, not d's later one
        #expect(marks.discounting(.inFlight(since: later, marks: 1), id: "d") == nil)
    }
}
