@testable import BridgeCore
import Foundation
import Logging
import MetricsTestKit
import NIOConcurrencyHelpers
import SMPP
import SMPPNIO
import Testing

/// Accepts every segment (message ids `<prefix>1`, `<prefix>2`, …), but first lets "another instance" act on the
/// shared store (`interfere`): complete the request, as when the broker hands a request to a second instance while
/// the first is still submitting it and the second finishes first; or begin it, taking it over.
final class InterferingSubmitter: SegmentSubmitter {
    let prefix: String
    let interfere: @Sendable () async -> Void
    let sent = NIOLockedValueBox(0)

    init(prefix: String, interfere: @escaping @Sendable () async -> Void) {
        self.prefix = prefix
        self.interfere = interfere
    }

    /// Another instance completes `requestID` with `first`.
    static func completing(_ requestID: String, with first: StoredResult, in store: any BridgeStore) -> Self {
        Self(prefix: "E") {
            _ = try? await store.complete(RequestCompletion(requestID: requestID, result: first, correlations: []))
        }
    }

    /// Another instance begins `requestID`: it found this one's mark and takes the request over.
    static func takingOver(_ requestID: String, in store: any BridgeStore) -> Self {
        Self(prefix: "T") { _ = try? await store.beginRequest(id: requestID, at: Date().addingTimeInterval(0.001)) }
    }

    func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
        let count = sent.withLockedValue { count in
            count += 1
            return count
        }
        await interfere()
        return .success(SubmitOutcome(
            commandStatus: .ok, messageID: "\(prefix)\(count)", sessionIndex: 0, sequenceNumber: UInt32(count),
            latency: .zero))
    }
}

/// A request completed first by another delivery (another instance, with a shared store) has one result: the one
/// stored first, republished byte for byte with its event id — never a second, different result (DESIGN §3).
@Suite struct OutboundCompletedElsewhereTests {
    static let first = StoredResult(
        eventID: "first-event", status: "accepted", routingKey: "submit.accepted",
        body: Array(#"{"first":true}"#.utf8), completedAt: Date(timeIntervalSinceReferenceDate: 1_000))

    @Test(arguments: [true, false])
    func theResultStoredFirstIsTheOnePublished(callbacks: Bool) async throws {
        let first = Self.first
        let store = InMemoryBridgeStore()
        let publisher = RecordingPublisher()
        let submitter = InterferingSubmitter.completing("elsewhere", with: first, in: store)
        let processor = processor(store: store, submitter: submitter, publisher: publisher, metrics: TestMetrics())
        #expect(await handle(processor, id: "elsewhere", callbacks: callbacks) == .ack)
        #expect(submitter.sent.withLockedValue { $0 } == 1)
        try #require(publisher.all.count == 1)
        #expect(publisher.all[0].body == first.body)
        #expect(publisher.all[0].properties.messageID == "first-event")
        #expect(try await store.requestState(id: "elsewhere") == .completed(first))
    }

    func processor(
        store: any BridgeStore, submitter: any SegmentSubmitter, publisher: RecordingPublisher, metrics: TestMetrics
    ) -> OutboundProcessor {
        OutboundProcessor(
            settings: .init(sourceAddress: "ACME"), store: store, publisher: publisher, submitter: submitter,
            correlator: ReceiptCorrelator(hold: .milliseconds(10)), lateOutcomes: LateOutcomeBook(),
            metrics: BridgeMetrics(factory: metrics), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func handle(_ processor: OutboundProcessor, id: String, callbacks: Bool) async -> Settlement {
        let request = IncomingRequest(
            body: Array(#"{"id":"\#(id)","to":"+1555","text":"x"}"#.utf8), properties: .init(), redelivered: false,
            receivedAt: Date())
        if callbacks {
            let handled = await processor.handleLikeTheBridge(request)
            #expect(handled.callbacks)
            return handled.settlement
        }
        return await processor.process(request)
    }

    /// The dropped result is counted only as `duplicate` (the first completion counted the request's status), and the
    /// segments it got accepted stay correlated in the store, so their receipts match on any instance.
    @Test(arguments: [true, false])
    func theDroppedResultCountsAsADuplicateAndKeepsItsCorrelations(callbacks: Bool) async throws {
        let store = InMemoryBridgeStore()
        let metrics = TestMetrics()
        let submitter = InterferingSubmitter.completing("counted", with: Self.first, in: store)
        let processor = processor(store: store, submitter: submitter, publisher: RecordingPublisher(), metrics: metrics)
        #expect(await handle(processor, id: "counted", callbacks: callbacks) == .ack)
        func requests(_ outcome: String) -> Int64 {
            metrics.counterTotal(label: "smpp_bridge_requests_total", dimensions: [("outcome", outcome)])
        }
        #expect(requests("duplicate") == 1)
        #expect(requests("accepted") == 0)
        var stored: ReceiptCorrelation?
        for _ in 0..<200 where stored == nil {
            stored = try await store.correlation(keys: ["E1"])
            if stored == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(stored?.requestID == "counted")
    }

    /// Another instance took the request over (marked it in flight again) while this one was submitting it: the
    /// SMSC may get it twice, so the result this one stores and publishes says `possible_duplicate: true`, under
    /// the event id it was built with (the takeover's completion then republishes that one). Without a takeover the
    /// mark still holds and the result is unflagged.
    @Test(arguments: [true, false], [true, false])
    func aResultIsFlaggedWhenTheRequestWasTakenOver(callbacks: Bool, takenOver: Bool) async throws {
        let store = InMemoryBridgeStore()
        let publisher = RecordingPublisher()
        let submitter = InterferingSubmitter.takingOver(takenOver ? "taken" : "another", in: store)
        let processor = processor(store: store, submitter: submitter, publisher: publisher, metrics: TestMetrics())
        #expect(await handle(processor, id: "taken", callbacks: callbacks) == .ack)
        #expect(submitter.sent.withLockedValue { $0 } == 1)
        try #require(publisher.all.count == 1)
        let body = try JSONSerialization.jsonObject(with: Data(publisher.all[0].body)) as? [String: Any]
        #expect(body?["status"] as? String == "accepted")
        #expect(body?["possible_duplicate"] as? Bool == takenOver)
        guard case .completed(let stored)? = try await store.requestState(id: "taken") else {
            Issue.record("the result was not stored")
            return
        }
        #expect(stored.body == publisher.all[0].body)
        #expect(stored.eventID == publisher.all[0].properties.messageID)
        #expect(try await store.correlation(keys: ["T1"])?.requestID == "taken")
    }
}
