/// Publisher-confirm bookkeeping for one confirm-mode channel, as a pure value (no I/O, time passed in).
///
/// Every publish gets the next sequence number (1, 2, … per channel after `confirm.select`). The broker answers with
/// basic.ack or basic.nack for a tag, or for every outstanding tag up to it (`multiple`), in any order. A mandatory
/// publish that cannot be routed gets basic.return (which carries no tag) before its ack; it is matched to the
/// oldest outstanding mandatory publish with the same fingerprint. `Waiter` is whatever the handler resumes.
struct ConfirmTracker<Waiter> {
    /// How one publish ended.
    enum Outcome: Equatable {
        /// The broker took responsibility for the message.
        case confirmed
        /// The broker refused it (basic.nack).
        case nacked
        /// Unroutable mandatory publish (basic.return), with the reply code and text.
        case returned(replyCode: UInt16, replyText: String)
        /// No answer within the confirm timeout.
        case timedOut
        /// The channel or connection went away with it in flight.
        case lost
    }

    private struct Entry {
        var waiter: Waiter
        var publishedAt: ContinuousClock.Instant
        var fingerprint: Int?
        var returned: (replyCode: UInt16, replyText: String)?
    }

    /// `entries[i]` is sequence number `firstSequence + i`; nil once settled.
    private var entries: [Entry?] = []
    private var firstSequence: UInt64 = 1
    private var head = 0
    private(set) var outstanding = 0
    private var lastPublishedAt: ContinuousClock.Instant?
    private let timeout: Duration

    /// Creates a tracker whose publishes time out after `timeout`.
    init(timeout: Duration) { self.timeout = timeout }

    /// The sequence number the next publish will get.
    var nextSequence: UInt64 { firstSequence &+ UInt64(entries.count) }

    /// Records a publish; returns its sequence number (= the delivery tag the broker will confirm). `now` is when
    /// its deadline started (when it was handed over); a time earlier than the previous publish's counts as that
    /// one's, so deadlines stay in sequence order (expiry scans from the oldest and stops at the first young one).
    mutating func published(_ waiter: Waiter, fingerprint: Int? = nil, now: ContinuousClock.Instant) -> UInt64 {
        let sequence = nextSequence
        let at = lastPublishedAt.map { max($0, now) } ?? now
        lastPublishedAt = at
        entries.append(Entry(waiter: waiter, publishedAt: at, fingerprint: fingerprint, returned: nil))
        outstanding += 1
        return sequence
    }

    /// basic.ack from the broker.
    mutating func ackReceived(deliveryTag: UInt64, multiple: Bool) -> [(Waiter, Outcome)] {
        settle(upTo: deliveryTag, multiple: multiple) { entry in
            entry.returned.map { .returned(replyCode: $0.replyCode, replyText: $0.replyText) } ?? .confirmed
        }
    }

    /// basic.nack from the broker.
    mutating func nackReceived(deliveryTag: UInt64, multiple: Bool) -> [(Waiter, Outcome)] {
        settle(upTo: deliveryTag, multiple: multiple) { _ in .nacked }
    }

    /// basic.return from the broker: marks the oldest unreturned outstanding publish with this fingerprint, whose
    /// ack follows. Returns false when nothing matched (the return is then only logged).
    mutating func returnReceived(fingerprint: Int, replyCode: UInt16, replyText: String) -> Bool {
        var index = head
        while index < entries.count {
            if let entry = entries[index], entry.fingerprint == fingerprint, entry.returned == nil {
                entries[index]?.returned = (replyCode, replyText)
                return true
            }
            index += 1
        }
        return false
    }

    /// Publishes older than the timeout at `now`; they are settled as `.timedOut` (a late ack is ignored).
    mutating func expire(now: ContinuousClock.Instant) -> [(Waiter, Outcome)] {
        var result: [(Waiter, Outcome)] = []
        var index = head
        while index < entries.count {
            if let entry = entries[index] {
                // Publishes are recorded in time order, so the first young one ends the scan.
                guard now - entry.publishedAt >= timeout else { break }
                result.append((entry.waiter, .timedOut))
                entries[index] = nil
                outstanding -= 1
            }
            index += 1
        }
        compact()
        return result
    }

    /// When the oldest outstanding publish times out, if any.
    var nextDeadline: ContinuousClock.Instant? {
        var index = head
        while index < entries.count {
            if let entry = entries[index] { return entry.publishedAt + timeout }
            index += 1
        }
        return nil
    }

    /// The channel is gone: everything outstanding fails, and a new channel starts again at sequence 1.
    mutating func channelLost() -> [(Waiter, Outcome)] {
        let result = entries[head...].compactMap { $0.map { ($0.waiter, Outcome.lost) } }
        entries.removeAll()
        head = 0
        firstSequence = 1
        outstanding = 0
        return result
    }

    private mutating func settle(
        upTo tag: UInt64, multiple: Bool, _ outcome: (Entry) -> Outcome
    ) -> [(Waiter, Outcome)] {
        // A tag below the window was already settled (or timed out); above it is a broker bug: ignore both.
        guard tag >= firstSequence, tag < nextSequence else { return [] }
        let last = Int(tag - firstSequence)
        // Everything up to `last` may already be settled (timed out, or acked singly): then head is past it.
        let first = multiple ? head : last
        guard first <= last, last >= head else { return [] }
        var result: [(Waiter, Outcome)] = []
        for index in first...last {
            if let entry = entries[index] {
                result.append((entry.waiter, outcome(entry)))
                entries[index] = nil
                outstanding -= 1
            }
        }
        compact()
        return result
    }

    private mutating func compact() {
        while head < entries.count, entries[head] == nil { head += 1 }
        if head == entries.count {
            firstSequence &+= UInt64(head)
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4096 {
            entries.removeFirst(head)
            firstSequence &+= UInt64(head)
            head = 0
        }
    }
}
