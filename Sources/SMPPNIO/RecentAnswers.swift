import NIOCore

/// The sequence numbers of the responses this session wrote to the SMSC's own requests (deliver_sm_resp,
/// data_sm_resp, enquire_link_resp), each for a while after it was written. A generic_nack that echoes one of them may
/// be the SMSC refusing that response (a late one, say) rather than answering our request that happens to carry
/// the same number: the two numbering spaces overlap. Bounded in count; an entry is forgotten after `horizon`.
struct RecentAnswers {
    private var writtenAt: [UInt32: NIODeadline] = [:]
    private var order = CircularBuffer<UInt32>()
    let capacity: Int
    let horizon: TimeAmount

    init(capacity: Int, horizon: TimeAmount) {
        self.capacity = max(0, capacity)
        self.horizon = horizon
    }

    /// Notes a response written with `sequenceNumber` at `now`.
    mutating func record(_ sequenceNumber: UInt32, now: NIODeadline) {
        guard capacity > 0 else { return }
        if writtenAt.updateValue(now, forKey: sequenceNumber) == nil { order.append(sequenceNumber) }
        while order.count > capacity { writtenAt.removeValue(forKey: order.removeFirst()) }
    }

    /// Whether a response with `sequenceNumber` was written within the horizon before `now`.
    func contains(_ sequenceNumber: UInt32, now: NIODeadline) -> Bool {
        guard let at = writtenAt[sequenceNumber] else { return false }
        return now - at <= horizon
    }

    /// Whether `sequenceNumber` is remembered at all (within the horizon or not yet forgotten).
    func holds(_ sequenceNumber: UInt32) -> Bool { writtenAt[sequenceNumber] != nil }

    /// Forgets everything (the connection ended).
    mutating func removeAll() {
        writtenAt.removeAll()
        order.removeAll()
    }
}
