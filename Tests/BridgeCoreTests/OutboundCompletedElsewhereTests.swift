@testable import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import SMPP
import SMPPNIO
import Testing

/// Accepts every segment, but first lets "another instance" complete the request in the shared store, as happens
/// when the broker hands a request to a second instance while the first is still submitting it.
final class CompletingElsewhereSubmitter: SegmentSubmitter {
    let store: any BridgeStore
    let requestID: String
    let first: StoredResult
    let sent = NIOLockedValueBox(0)

    init(store: any BridgeStore, completing requestID: String, with first: StoredResult) {
        self.store = store
        self.requestID = requestID
        self.first = first
    }

    func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
        let count = sent.withLockedValue { count in
            count += 1
            return count
        }
        _ = try? await store.complete(RequestCompletion(requestID: requestID, result: first, correlations: []))
        return .success(SubmitOutcome(
            commandStatus: .ok, messageID: "E\(count)", sessionIndex: 0, sequenceNumber: UInt32(count), latency: .zero))
    }
}

/// A request completed first by another delivery (another instance, with a shared store) has one result: the one
/// stored first, republished byte for byte with its event id — never a second, different result (DESIGN §3).
@Suite struct OutboundCompletedElsewhereTests {
    @Test(arguments: [true, false])
    func theResultStoredFirstIsTheOnePublished(callbacks: Bool) async throws {
        let first = StoredResult(
            eventID: "first-event", status: "accepted", routingKey: "submit.accepted",
            body: Array(#"{"first":true}"#.utf8), completedAt: Date(timeIntervalSinceReferenceDate: 1_000))
        let store = InMemoryBridgeStore()
        let publisher = RecordingPublisher()
        let submitter = CompletingElsewhereSubmitter(store: store, completing: "elsewhere", with: first)
        let processor = OutboundProcessor(
            settings: .init(sourceAddress: "ACME"), store: store, publisher: publisher, submitter: submitter,
            correlator: ReceiptCorrelator(hold: .milliseconds(10)), lateOutcomes: LateOutcomeBook(),
            metrics: BridgeMetrics(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let request = IncomingRequest(
            body: Array(#"{"id":"elsewhere","to":"+1555","text":"x"}"#.utf8), properties: .init(), redelivered: false,
            receivedAt: Date())
        let settlement: Settlement
        if callbacks {
            let handled = await processor.handleLikeTheBridge(request)
            #expect(handled.callbacks)
            settlement = handled.settlement
        } else {
            settlement = await processor.process(request)
        }
        #expect(settlement == .ack)
        #expect(submitter.sent.withLockedValue { $0 } == 1)
        try #require(publisher.all.count == 1)
        #expect(publisher.all[0].body == first.body)
        #expect(publisher.all[0].properties.messageID == "first-event")
        #expect(try await store.requestState(id: "elsewhere") == .completed(first))
    }
}
