import Testing

@testable import smpp_bridge

@Suite struct SendWaitTrackerTests {
    static func body(_ json: String) -> [UInt8] { Array(json.utf8) }

    static let accepted2 = body(
        #"{"type":"submit_result","request_id":"r1","status":"accepted","segments":[{"index":1},{"index":2}]}"#)

    static func receipt(_ segment: Int, final: Bool, of total: Int = 2, request: String = "r1") -> [UInt8] {
        body(#"{"type":"delivery_receipt","request_id":"\#(request)","segment":\#(segment),"segments":\#(total),"final":\#(final)}"#)
    }

    @Test func anAcceptedRequestWaitsForAFinalReceiptPerSegment() {
        var tracker = SendWaitTracker(requestID: "r1", expectsReceipts: true)
        #expect(tracker.awaiting == "the submit result")
        #expect(tracker.eventReceived(body: Self.accepted2, correlationID: "r1") == .print)
        #expect(tracker.eventReceived(body: Self.receipt(1, final: false), correlationID: "r1") == .print)
        #expect(tracker.eventReceived(body: Self.receipt(1, final: true), correlationID: "r1") == .print)
        #expect(tracker.awaiting == "final receipts (1 of 2 segments)")
        #expect(tracker.eventReceived(body: Self.receipt(1, final: true), correlationID: "r1") == .print)
        #expect(tracker.eventReceived(body: Self.receipt(2, final: true), correlationID: "r1") == .printAndFinish)
        #expect(tracker.isFinished)
        #expect(tracker.eventReceived(body: Self.receipt(2, final: true), correlationID: "r1") == .ignore)
    }

    @Test func aResultThatIsNotAcceptedEndsTheWait() {
        for status in ["failed", "rejected", "expired", "unknown"] {
            var tracker = SendWaitTracker(requestID: "r1", expectsReceipts: true)
            let result = Self.body(#"{"type":"submit_result","request_id":"r1","status":"\#(status)","segments":[]}"#)
            #expect(tracker.eventReceived(body: result, correlationID: nil) == .printAndFinish)
        }
    }

    /// A long message `failed` because one segment was refused: the accepted one's receipt still comes, and the
    /// wait goes on for it (it ended at the result).
    @Test func aFailedResultWithAnAcceptedSegmentWaitsForThatSegmentsReceipt() {
        var tracker = SendWaitTracker(requestID: "r1", expectsReceipts: true)
        let result = Self.body(
            #"{"type":"submit_result","request_id":"r1","status":"failed","segments":["#
                + #"{"index":1,"message_id":"5F3A","command_status":0,"attempts":1},"#
                + #"{"index":2,"message_id":null,"command_status":11,"attempts":1}]}"#)
        #expect(tracker.eventReceived(body: result, correlationID: "r1") == .print)
        #expect(tracker.awaiting == "final receipts (0 of 1 segments)")
        #expect(tracker.eventReceived(body: Self.receipt(1, final: true), correlationID: "r1") == .printAndFinish)
        // None accepted: nothing to wait for.
        var refused = SendWaitTracker(requestID: "r1", expectsReceipts: true)
        let none = Self.body(
            #"{"type":"submit_result","request_id":"r1","status":"failed","segments":["#
                + #"{"index":1,"message_id":null,"command_status":11,"attempts":1}]}"#)
        #expect(refused.eventReceived(body: none, correlationID: "r1") == .printAndFinish)
    }

    /// An accepted result that lists no segments: the receipts' `segments` count says how many to wait for.
    @Test func anAcceptedResultWithoutSegmentsWaitsForEveryReceiptedSegment() {
        var tracker = SendWaitTracker(requestID: "r1", expectsReceipts: true)
        let result = Self.body(#"{"type":"submit_result","request_id":"r1","status":"accepted","segments":[]}"#)
        #expect(tracker.eventReceived(body: result, correlationID: "r1") == .print)
        #expect(tracker.eventReceived(body: Self.receipt(1, final: true, of: 3), correlationID: "r1") == .print)
        #expect(tracker.eventReceived(body: Self.receipt(2, final: true, of: 3), correlationID: "r1") == .print)
        #expect(tracker.eventReceived(body: Self.receipt(3, final: true, of: 3), correlationID: "r1") == .printAndFinish)
    }

    @Test func withoutReceiptsTheResultEndsTheWait() {
        var tracker = SendWaitTracker(requestID: "r1", expectsReceipts: false)
        #expect(tracker.eventReceived(body: Self.accepted2, correlationID: nil) == .printAndFinish)
    }

    @Test func otherRequestsAndNonEventsAreIgnored() {
        var tracker = SendWaitTracker(requestID: "r1", expectsReceipts: true)
        #expect(tracker.eventReceived(body: Self.receipt(1, final: true, request: "r2"), correlationID: "r2") == .ignore)
        #expect(tracker.eventReceived(body: Self.body("not json"), correlationID: "r1") == .ignore)
        #expect(tracker.eventReceived(body: Self.body(#"{"type":"mo","request_id":"r1"}"#), correlationID: "r1") == .ignore)
        // An event without request_id (an unmatched receipt) counts only through its correlation_id.
        let unmatched = Self.body(#"{"type":"delivery_receipt","request_id":null,"final":true}"#)
        #expect(tracker.eventReceived(body: unmatched, correlationID: nil) == .ignore)
        #expect(tracker.eventReceived(body: Self.accepted2, correlationID: "r1") == .print)
    }

    @Test func aFinalReceiptBeforeTheResultWaitsForTheResult() {
        var tracker = SendWaitTracker(requestID: "r1", expectsReceipts: true)
        #expect(tracker.eventReceived(body: Self.receipt(1, final: true, of: 1), correlationID: "r1") == .print)
        let result = Self.body(#"{"type":"submit_result","request_id":"r1","status":"accepted","segments":[{}]}"#)
        #expect(tracker.eventReceived(body: result, correlationID: "r1") == .printAndFinish)
    }
}
