/// A message's state as query_sm reports it (reference §3 query_sm_resp).
struct MessageStatus: Sendable, Hashable {
    /// message_state: ENROUTE (1) until the first receipt's state, then that state.
    var state: UInt8
    /// When a final state was reached, in seconds since 1970-01-01 UTC; nil while not final.
    var finalDate: Int64?
    /// error_code: the low octet of the GSM error for a failure, else 0.
    var errorCode: UInt8
}

/// The states of the most recent messages, bounded: beyond `limit` the oldest are forgotten.
struct MessageStatusBook: Sendable {
    private var statuses: [String: MessageStatus] = [:]
    private var order: [String] = []
    private var head = 0

    /// Starts tracking a new message in state ENROUTE.
    mutating func track(_ messageID: String, limit: Int) {
        statuses[messageID] = MessageStatus(state: ReceiptStat.enroute.messageState, finalDate: nil, errorCode: 0)
        order.append(messageID)
        while statuses.count > max(1, limit), head < order.count {
            statuses[order[head]] = nil
            head += 1
        }
        if head > 4096, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }

    /// Moves a tracked message to `stat` at `now` (seconds since 1970); unknown ids are ignored.
    mutating func update(_ messageID: String, to stat: ReceiptStat, at now: Int64) {
        guard statuses[messageID] != nil else { return }
        statuses[messageID] = MessageStatus(
            state: stat.messageState, finalDate: stat.isFinal ? now : nil,
            errorCode: UInt8(truncatingIfNeeded: stat.gsmErrorCode ?? 0))
    }

    /// The tracked state, nil when unknown or forgotten.
    func status(of messageID: String) -> MessageStatus? { statuses[messageID] }
}
