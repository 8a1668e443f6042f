/// Collects the parts of concatenated MO messages until each is whole (DESIGN §3 inbound step 2).
///
/// A pure value type: the caller passes the time in with every event (`partReceived(_:now:)`, `expire(now:)`) and
/// schedules its own timer from `nextExpiry`. Parts are grouped by (source, destination, reference, total); a group
/// completes in any arrival order. A part whose index the group holds already is a duplicate when its user data is
/// the same; with other content it is a new message reusing the reference before the earlier one completed: the
/// earlier message is returned, incomplete, in `ReassemblyEvent.evicted` (never dropped), and the part starts the
/// group again. After completion (a one-part message's too) a group's part digests are remembered for `timeout`, so
/// a part the SMSC delivers again is recognised as a duplicate, while a new message that reuses the reference
/// (different content) starts a new group. A part whose data_coding differs from its group's is rejected.
///
/// Memory is bounded: at most `maximumGroups` groups and `maximumOctets` octets of user data are held; when a new
/// part would exceed either, the oldest groups are evicted and returned as incomplete in `ReassemblyEvent.evicted`.
public struct MessageReassembler<Instant: InstantProtocol>: Sendable {
    /// How long a group may wait for its missing parts, counted from its first part.
    public var timeout: Instant.Duration
    /// Most groups held at once (default 10 000).
    public var maximumGroups: Int
    /// Most user-data octets held at once (default 16 MiB).
    public var maximumOctets: Int

    private struct Group: Sendable {
        var firstReceived: Instant
        var dataCoding: UInt8
        var parts: [UInt8: ConcatenatedPart] = [:]
        var octets = 0
    }

    private struct Completed: Sendable {
        var at: Instant
        var digests: [UInt8: Int]
    }

    private var groups: [ReassemblyKey: Group] = [:]
    private var completed: [ReassemblyKey: Completed] = [:]
    private var heldOctets = 0
    /// Groups in the order they were opened, with their opening time (which tells the entry of a live group from
    /// one whose group has since completed, expired or been evicted). Eviction takes the oldest from here in O(1)
    /// amortised; scanning every group for the oldest made each part at capacity cost O(groups), so a flood of new
    /// groups cost O(parts × maximumGroups).
    private var arrivals: [(key: ReassemblyKey, at: Instant)] = []
    private var arrivalsHead = 0

    /// Creates an empty reassembler.
    public init(timeout: Instant.Duration, maximumGroups: Int = 10_000, maximumOctets: Int = 16 << 20) {
        self.timeout = timeout
        self.maximumGroups = max(1, maximumGroups)
        self.maximumOctets = max(1, maximumOctets)
    }

    /// Groups waiting for parts.
    public var pendingCount: Int { groups.count }

    /// User-data octets held.
    public var pendingOctets: Int { heldOctets }

    /// When the oldest pending group expires; nil when nothing is pending.
    public var nextExpiry: Instant? { groups.values.map(\.firstReceived).min()?.advanced(by: timeout) }

    /// Takes one part.
    public mutating func partReceived(_ part: ConcatenatedPart, now: Instant) -> ReassemblyEvent {
        let info = part.concatenation
        guard info.total > 0 else { return ReassemblyEvent(outcome: .rejected(.init(code: .zeroTotal, concatenation: info))) }
        guard info.isWithinTotal else {
            return ReassemblyEvent(outcome: .rejected(.init(code: .indexOutOfRange, concatenation: info)))
        }
        let key = ReassemblyKey(part)
        if let done = completed[key], now < done.at.advanced(by: timeout),
            done.digests[info.index] == Self.digest(part.userData)
        {
            return ReassemblyEvent(outcome: .duplicate)
        }
        if info.total == 1 {
            remember(key, completedAt: now, digests: [info.index: Self.digest(part.userData)])
            return ReassemblyEvent(outcome: .complete(ReassembledMessage(key: key, dataCoding: part.dataCoding, parts: [part], missing: [])))
        }
        var event = ReassemblyEvent(outcome: .duplicate)
        var earlier: ReassembledMessage?
        if let group = groups[key], let held = group.parts[info.index] {
            guard held.userData != part.userData || held.dataCoding != part.dataCoding else { return event }
            // The reference reused before the earlier message completed: that one goes out as it is.
            groups[key] = nil
            heldOctets -= group.octets
            earlier = Self.message(key, group)
        }
        if var group = groups[key] {
            guard group.dataCoding == part.dataCoding else {
                return ReassemblyEvent(outcome: .rejected(.init(code: .dataCodingMismatch, concatenation: info)))
            }
            event.evicted = makeRoom(for: part.userData.count, newGroup: false, keeping: key)
            group.parts[info.index] = part
            group.octets += part.userData.count
            heldOctets += part.userData.count
            groups[key] = group
        } else {
            event.evicted = makeRoom(for: part.userData.count, newGroup: true, keeping: key)
            var group = Group(firstReceived: now, dataCoding: part.dataCoding)
            group.parts[info.index] = part
            group.octets = part.userData.count
            heldOctets += part.userData.count
            groups[key] = group
            arrivals.append((key, now))
            compactArrivals()
        }
        if let earlier { event.evicted.insert(earlier, at: 0) }
        guard let group = groups[key] else { return event }
        if group.parts.count == Int(info.total) {
            groups[key] = nil
            heldOctets -= group.octets
            remember(key, completedAt: now, digests: group.parts.mapValues { Self.digest($0.userData) })
            event.outcome = .complete(Self.message(key, group))
        } else {
            event.outcome = .pending(received: group.parts.count, total: Int(info.total))
        }
        return event
    }

    /// Removes and returns, incomplete, every group whose first part is at least `timeout` old at `now`.
    public mutating func expire(now: Instant) -> [ReassembledMessage] {
        var expired = [(at: Instant, message: ReassembledMessage)]()
        for (key, group) in groups where group.firstReceived.advanced(by: timeout) <= now {
            groups[key] = nil
            heldOctets -= group.octets
            expired.append((group.firstReceived, Self.message(key, group)))
        }
        forgetCompleted(before: now)
        return expired.sorted { $0.at < $1.at }.map(\.message)
    }

    /// Keeps a completed message's part digests for `timeout` (all forgotten beyond `maximumGroups` of them).
    private mutating func remember(_ key: ReassemblyKey, completedAt now: Instant, digests: [UInt8: Int]) {
        completed[key] = Completed(at: now, digests: digests)
        if completed.count > maximumGroups { forgetCompleted(before: nil) }
    }

    private mutating func forgetCompleted(before now: Instant?) {
        guard let now else {
            completed.removeAll(keepingCapacity: true)
            return
        }
        completed = completed.filter { now < $0.value.at.advanced(by: timeout) }
    }

    /// Evicts the oldest groups (in the order they were opened) until one more part (and group) fits.
    private mutating func makeRoom(for octets: Int, newGroup: Bool, keeping key: ReassemblyKey) -> [ReassembledMessage] {
        var evicted = [ReassembledMessage]()
        var kept: (key: ReassemblyKey, at: Instant)?
        while !groups.isEmpty, arrivalsHead < arrivals.count,
            (newGroup && groups.count >= maximumGroups) || heldOctets + octets > maximumOctets
        {
            let oldest = arrivals[arrivalsHead]
            arrivalsHead += 1
            guard let group = groups[oldest.key], group.firstReceived == oldest.at else { continue }
            if oldest.key == key {
                kept = oldest
                continue
            }
            groups[oldest.key] = nil
            heldOctets -= group.octets
            evicted.append(Self.message(oldest.key, group))
        }
        if let kept {
            // The group the part belongs to stays, and stays the oldest.
            arrivalsHead -= 1
            arrivals[arrivalsHead] = kept
        }
        return evicted
    }

    /// Drops the entries of groups that are gone once they outnumber the live ones (amortised O(1) per group).
    private mutating func compactArrivals() {
        guard arrivals.count > 2 * groups.count + 64 else { return }
        arrivals = arrivals[arrivalsHead...].filter { groups[$0.key]?.firstReceived == $0.at }
        arrivalsHead = 0
    }

    private static func message(_ key: ReassemblyKey, _ group: Group) -> ReassembledMessage {
        let ordered = group.parts.sorted { $0.key < $1.key }.map(\.value)
        let missing = (1...Int(max(key.total, 1))).filter { group.parts[UInt8(truncatingIfNeeded: $0)] == nil }
        return ReassembledMessage(key: key, dataCoding: group.dataCoding, parts: ordered, missing: missing)
    }

    private static func digest(_ bytes: [UInt8]) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes)
        return hasher.finalize()
    }
}

/// What taking one part led to.
public struct ReassemblyEvent: Sendable, Hashable {
    /// The part's own outcome.
    public enum Outcome: Sendable, Hashable {
        /// The message is whole.
        case complete(ReassembledMessage)
        /// Stored; `received` of `total` parts are held.
        case pending(received: Int, total: Int)
        /// This index was already held (or the message already completed with the same part): ignored.
        case duplicate
        /// The part is inconsistent and was not stored.
        case rejected(ReassemblyRejection)
    }

    /// The part's outcome.
    public var outcome: Outcome
    /// Groups evicted, incomplete, to stay within the memory bounds (publish them like expired ones).
    public var evicted: [ReassembledMessage] = []
}
