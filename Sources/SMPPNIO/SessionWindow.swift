public import NIOCore

/// The requests a session has sent and not yet had answered, keyed by sequence number. Generic over whatever the
/// caller attaches to a request (a promise, the PDU, …); pure bookkeeping with time passed in.
///
/// Every request gets the same response timeout, so deadlines grow in send order: a FIFO of (sequence, deadline)
/// gives the earliest live deadline in amortised O(1); answered entries are skipped lazily.
public struct SessionWindow<Request> {
    /// One outstanding request.
    public struct Entry {
        /// What the caller attached.
        public var request: Request
        /// When it was written.
        public var sentAt: NIODeadline
        /// When it times out.
        public var deadline: NIODeadline
    }

    private var entries: [UInt32: Entry] = [:]
    private var order = CircularBuffer<(sequenceNumber: UInt32, deadline: NIODeadline)>()

    /// An empty window.
    public init() {}

    /// How many requests are outstanding.
    public var count: Int { entries.count }
    /// Whether nothing is outstanding.
    public var isEmpty: Bool { entries.isEmpty }

    /// Whether `sequenceNumber` is outstanding.
    public func contains(_ sequenceNumber: UInt32) -> Bool { entries[sequenceNumber] != nil }

    /// What the caller attached to the outstanding `sequenceNumber`, or nil.
    public func request(for sequenceNumber: UInt32) -> Request? { entries[sequenceNumber]?.request }

    /// The deadline of the outstanding `sequenceNumber`, or nil.
    public func deadline(for sequenceNumber: UInt32) -> NIODeadline? { entries[sequenceNumber]?.deadline }

    /// Records a request sent at `now` that times out at `deadline`.
    public mutating func insert(_ request: Request, sequenceNumber: UInt32, sentAt now: NIODeadline, deadline: NIODeadline) {
        entries[sequenceNumber] = Entry(request: request, sentAt: now, deadline: deadline)
        order.append((sequenceNumber, deadline))
    }

    /// Removes and returns the request answered by `sequenceNumber`, or nil if none is outstanding.
    public mutating func remove(_ sequenceNumber: UInt32) -> Entry? {
        let entry = entries.removeValue(forKey: sequenceNumber)
        if entries.isEmpty { order.removeAll(keepingCapacity: true) }
        return entry
    }

    private mutating func dropAnswered() {
        while let first = order.first {
            if let entry = entries[first.sequenceNumber], entry.deadline == first.deadline { return }
            order.removeFirst()
        }
    }

    /// The earliest deadline of an outstanding request.
    public mutating func earliestDeadline() -> NIODeadline? {
        dropAnswered()
        return order.first?.deadline
    }

    /// Removes and returns every request whose deadline is at or before `now`, oldest first.
    public mutating func removeExpired(now: NIODeadline) -> [(sequenceNumber: UInt32, entry: Entry)] {
        var expired: [(sequenceNumber: UInt32, entry: Entry)] = []
        while true {
            dropAnswered()
            guard let first = order.first, first.deadline <= now else { break }
            order.removeFirst()
            if let entry = entries.removeValue(forKey: first.sequenceNumber) {
                expired.append((first.sequenceNumber, entry))
            }
        }
        return expired
    }

    /// Removes and returns every outstanding request in send order (the session is gone).
    public mutating func removeAll() -> [(sequenceNumber: UInt32, entry: Entry)] {
        var all: [(sequenceNumber: UInt32, entry: Entry)] = []
        all.reserveCapacity(entries.count)
        for item in order {
            if let entry = entries.removeValue(forKey: item.sequenceNumber) {
                all.append((item.sequenceNumber, entry))
            }
        }
        // Anything left has no matching FIFO record (cannot normally happen); fail it too rather than lose it.
        for (sequenceNumber, entry) in entries { all.append((sequenceNumber, entry)) }
        entries.removeAll()
        order.removeAll()
        return all
    }
}
