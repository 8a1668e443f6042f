/// A message's state as query_sm reports it (reference §3 query_sm_resp).
struct MessageStatus: Sendable, Hashable {
    /// message_state: ENROUTE (1) until the first receipt's time, then that receipt's state.
    var state: UInt8
    /// When a final state was reached, in seconds since 1970-01-01 UTC; nil while not final.
    var finalDate: Int64?
    /// error_code: the low octet of the GSM error for a failure, else 0.
    var errorCode: UInt8
}

/// The outcomes of the most recent messages, bounded: beyond `limit` the oldest are forgotten. A state is worked
/// out when asked from the outcome and its times, so tracking costs no timer per message.
struct MessageStatusBook: Sendable {
    private struct Entry: Sendable {
        var outcome: DeliveryOutcome
        /// Wall-clock milliseconds of each state change, in `outcome.receipts` order.
        var changes: [Int64]
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private var head = 0

    /// Tracks a new message whose states change at `changes` (milliseconds since 1970, one per receipt of
    /// `outcome`).
    mutating func track(_ messageID: String, outcome: DeliveryOutcome, changes: [Int64], limit: Int) {
        entries[messageID] = Entry(outcome: outcome, changes: changes)
        order.append(messageID)
        while entries.count > max(1, limit), head < order.count {
            entries[order[head]] = nil
            head += 1
        }
        if head > 4096, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }

    /// The state at `now` (milliseconds since 1970), nil when unknown or forgotten.
    func status(of messageID: String, now: Int64) -> MessageStatus? {
        guard let entry = entries[messageID] else { return nil }
        var status = MessageStatus(state: ReceiptStat.enroute.messageState, finalDate: nil, errorCode: 0)
        for (stat, time) in zip(entry.outcome.receipts, entry.changes) where time <= now {
            status = MessageStatus(
                state: stat.messageState, finalDate: stat.isFinal ? time / 1000 : nil,
                errorCode: UInt8(truncatingIfNeeded: stat.gsmErrorCode ?? 0))
        }
        return status
    }
}
