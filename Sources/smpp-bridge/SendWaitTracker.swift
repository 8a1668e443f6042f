import Foundation

/// Decides, event by event, what `send --wait` prints and when it is done (DESIGN §1.3): the request's submit
/// result, then — when it was accepted and a receipt was requested — its receipts until every segment has a final
/// one. Events of other requests are ignored. Pure: fed decoded bodies, no broker.
struct SendWaitTracker {
    /// What to do with one event.
    enum Decision: Equatable {
        /// Not this request's, or not an event: skip it.
        case ignore
        /// This request's: print it and keep waiting.
        case print
        /// This request's, and nothing more will come: print it and stop.
        case printAndFinish
    }

    let requestID: String
    /// Whether receipts were requested (`--dlr`, or `smpp.registered_delivery`).
    let expectsReceipts: Bool
    private var resultStatus: String?
    private var segmentCount: Int?
    private var finalSegments: Set<Int> = []
    private(set) var isFinished = false

    init(requestID: String, expectsReceipts: Bool) {
        self.requestID = requestID
        self.expectsReceipts = expectsReceipts
    }

    /// What is still awaited, for the timeout message.
    var awaiting: String {
        guard resultStatus != nil else { return "the submit result" }
        let total = segmentCount ?? 1
        return "final receipts (\(finalSegments.count) of \(total) segments)"
    }

    /// An event body arrived (with its AMQP correlation_id, which carries the request id too).
    mutating func eventReceived(body: [UInt8], correlationID: String?) -> Decision {
        guard !isFinished,
            let event = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        else { return .ignore }
        let eventRequestID = event["request_id"] as? String
        guard eventRequestID == requestID || (eventRequestID == nil && correlationID == requestID) else {
            return .ignore
        }
        switch event["type"] as? String {
        case "submit_result":
            let status = event["status"] as? String ?? "unknown"
            resultStatus = status
            if let segments = event["segments"] as? [Any], !segments.isEmpty { segmentCount = segments.count }
            // Only an accepted request can have receipts.
            if status != "accepted" || !expectsReceipts { return finish() }
        case "delivery_receipt":
            if let total = event["segments"] as? Int, total > 0 { segmentCount = total }
            if event["final"] as? Bool == true { finalSegments.insert(event["segment"] as? Int ?? 1) }
        default:
            return .ignore
        }
        if resultStatus != nil, expectsReceipts, finalSegments.count >= (segmentCount ?? 1) { return finish() }
        return .print
    }

    private mutating func finish() -> Decision {
        isFinished = true
        return .printAndFinish
    }
}
