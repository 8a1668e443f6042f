import BridgeCore
import SMPP

/// Reads the events of one `smpp-bench e2e` run: which request (`<run>-<index>`, index 1...requests) an event is
/// for and what it says. Pure; safe to use from any thread.
struct EndToEndEventReader: Sendable {
    /// The run part of the request ids.
    let run: String
    /// How many requests the run publishes.
    let requests: Int

    /// The id of request `index`.
    func requestID(_ index: Int) -> String { idPrefix + String(index) }

    private var idPrefix: String { run + "-" }

    /// What one event means to the run, read from its body without touching the tally (so a caller can parse
    /// outside a lock and ``EndToEndTally/record(_:at:)`` under it).
    enum Event: Sendable, Equatable {
        /// The result of request `index`; `segments` of it were accepted when `accepted`, and `receiptIDs` are the
        /// receipts its segments are to get: segment number → the match keys of its message id (one entry per
        /// segment with a message id).
        case result(index: Int, body: [UInt8], accepted: Bool, segments: Int, receiptIDs: [Int: Set<String>])
        /// A final receipt of request `index` for `segment`, with the match keys of its message id.
        case receipt(index: Int, segment: Int, idKeys: Set<String>)
        /// A receipt that another one follows (`final: false`, e.g. `enroute`).
        case interimReceipt
        /// A receipt the bridge could not match to a request.
        case unmatchedReceipt
        /// An event for a request of another run.
        case foreign
        /// Not a JSON object.
        case unreadable
    }

    /// Reads a `submit_result` body.
    func result(from body: [UInt8]) -> Event {
        guard case .object(let event)? = try? JSONReader.parse(body) else { return .unreadable }
        guard let index = index(of: event["request_id"]) else { return .foreign }
        guard case .string("accepted")? = event["status"] else {
            return .result(index: index, body: body, accepted: false, segments: 0, receiptIDs: [:])
        }
        var segments = 1
        var ids: [Int: Set<String>] = [:]
        if case .array(let list)? = event["segments"], !list.isEmpty {
            segments = list.count
            for case .object(let segment) in list {
                guard case .string(let messageID)? = segment["message_id"], case .number(let number)? = segment["index"],
                    let segmentNumber = Int(number.text)
                else { continue }
                ids[segmentNumber] = Set(MessageIDMatching.matchKeys(for: messageID, format: .auto, side: .submitResponse))
            }
        }
        return .result(index: index, body: body, accepted: true, segments: segments, receiptIDs: ids)
    }

    /// Reads a `delivery_receipt` body.
    func receipt(from body: [UInt8]) -> Event {
        guard case .object(let event)? = try? JSONReader.parse(body) else { return .unreadable }
        if case .bool(false)? = event["final"] { return .interimReceipt }
        guard case .bool(true)? = event["matched"], case .string? = event["request_id"] else { return .unmatchedReceipt }
        guard let index = index(of: event["request_id"]) else { return .foreign }
        var messageID = ""
        var segment = 0
        if case .string(let text)? = event["message_id"] { messageID = text }
        if case .number(let number)? = event["segment"] { segment = Int(number.text) ?? 0 }
        // Read as the bridge matches ids (trimmed, case, leading zeros, hex and decimal readings): the receipt's id may
        // be written otherwise than the submit_sm_resp's (DESIGN §4 "Receipts").
        let keys = Set(MessageIDMatching.matchKeys(for: messageID, format: .auto, side: .receipt))
        return .receipt(index: index, segment: segment, idKeys: keys)
    }

    /// The request index of a `request_id` of this run, or nil.
    private func index(of node: JSONNode?) -> Int? {
        guard case .string(let id)? = node, id.hasPrefix(idPrefix) else { return nil }
        let digits = id.utf8.dropFirst(idPrefix.utf8.count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let index = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return index >= 1 && index <= requests ? index : nil
    }
}
