import Foundation

/// Decides, event by event, what `send --wait` prints and when it is done (DESIGN §1.3): the request's submit
/// result, then — when a receipt was requested and some segment was accepted — its receipts until every accepted
/// segment has a final one (a `failed` long message whose other segments were accepted still gets theirs). Events
/// of other requests are ignored. Pure: fed decoded bodies, no broker.
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
    /// The segments the SMSC accepted (those with a message_id), known from the result; nil when an accepted
    /// result does not list them (then the receipts' `segments` count tells how many).
    private var acceptedSegments: Set<Int>? = []
    /// The largest `segments` a receipt of this request gave.
    private var receiptSegmentCount = 1
    private var finalSegments: Set<Int> = []
    private(set) var isFinished = false

    init(requestID: String, expectsReceipts: Bool) {
        self.requestID = requestID
        self.expectsReceipts = expectsReceipts
    }

    /// What is still awaited, for the timeout message.
    var awaiting: String {
        guard resultStatus != nil else { return "the submit result" }
        let awaited = awaitedSegments
        return "final receipts (\(awaited.intersection(finalSegments).count) of \(awaited.count) segments)"
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
            acceptedSegments = Self.acceptedSegments(event["segments"] as? [Any] ?? [], status: status)
            // Only accepted segments can have receipts.
            if acceptedSegments?.isEmpty == true || !expectsReceipts { return finish() }
        case "delivery_receipt":
            if let total = event["segments"] as? Int, total > receiptSegmentCount { receiptSegmentCount = total }
            if event["final"] as? Bool == true { finalSegments.insert(event["segment"] as? Int ?? 1) }
        default:
            return .ignore
        }
        if resultStatus != nil, expectsReceipts, awaitedSegments.isSubset(of: finalSegments) { return finish() }
        return .print
    }

    /// The segments whose final receipt is awaited.
    private var awaitedSegments: Set<Int> { acceptedSegments ?? Set(1...receiptSegmentCount) }

    /// The indices of the segments with a `message_id`; when no segment says (an older or trimmed result), every
    /// listed segment of an `accepted` result, or nil when it lists none; none of another.
    static func acceptedSegments(_ segments: [Any], status: String) -> Set<Int>? {
        let entries = segments.enumerated().map { ($0.offset + 1, $0.element as? [String: Any] ?? [:]) }
        if entries.contains(where: { $0.1["message_id"] != nil }) {
            return Set(entries.filter { $0.1["message_id"] is String }.map { $0.1["index"] as? Int ?? $0.0 })
        }
        guard status == "accepted" else { return [] }
        return entries.isEmpty ? nil : Set(entries.map { $0.1["index"] as? Int ?? $0.0 })
    }

    private mutating func finish() -> Decision {
        isFinished = true
        return .printAndFinish
    }
}
