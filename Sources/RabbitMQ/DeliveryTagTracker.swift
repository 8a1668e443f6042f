/// The delivery tags of the consumer's current connection that the application has not settled yet (ack, nack or
/// reject), so a second settlement of the same tag, or of a tag never delivered, is refused locally. The broker
/// answers such a frame by closing the channel (406 PRECONDITION_FAILED "unknown delivery tag"), which costs a
/// reconnect and the redelivery of every unacknowledged message.
///
/// The rule is RabbitMQ's own (`rabbit_channel:collect_acks`): the given tag must be outstanding, also with
/// `multiple`, which then settles it and every outstanding tag below it. So a frame the tracker lets through is one
/// the broker accepts.
///
/// Cost: O(1) per delivery and per single settlement (a set insert/remove), amortised O(1) per settled tag for
/// `multiple`. Tags on one channel only increase, so `order` is sorted: a multiple settlement pops from its front.
/// Single settlements leave their entry in `order` (removed lazily when it reaches the front, or by a compaction
/// once most of `order` is stale), so a long-unsettled first tag cannot make it grow without bound.
struct DeliveryTagTracker: Sendable {
    /// What a settlement found.
    enum Outcome: Equatable, Sendable {
        /// The tags were outstanding and are settled now (`count` of them); the frame may be sent.
        case settled(count: Int)
        /// The delivery came on another connection (or none is up): its tags mean nothing on this one.
        case stale
        /// The tag was settled before, or never delivered on this connection: sending would close the channel.
        case alreadySettled
        /// The consumer is closing or closed: nothing can be sent any more.
        case closed
    }

    /// The connection the tags belong to; 0 while disconnected.
    private(set) var generation: UInt64 = 0
    private var outstanding: Set<UInt64> = []
    /// Every delivered tag in arrival order from `head` on, including some already settled (lazy removal).
    private var order: [UInt64] = []
    private var head = 0

    /// Set by `close()`: every later settlement is refused as `closed`.
    private(set) var isClosed = false

    /// How many delivered tags are not settled yet.
    var outstandingCount: Int { outstanding.count }

    /// A new connection (or, with 0, none): every tag of the old one is forgotten (the broker redelivers them).
    mutating func reset(generation: UInt64) {
        self.generation = isClosed ? 0 : generation
        outstanding.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        head = 0
    }

    /// The consumer is closing: nothing settled from now on would be sent.
    mutating func close() {
        isClosed = true
        reset(generation: 0)
    }

    /// A delivery with `tag` arrived on the current connection.
    mutating func delivered(_ tag: UInt64) {
        guard outstanding.insert(tag).inserted else { return }
        order.append(tag)
    }

    /// Settles `tag` (and, with `multiple`, every outstanding tag below it) of connection `generation`.
    mutating func settle(_ tag: UInt64, multiple: Bool, generation: UInt64) -> Outcome {
        guard !isClosed else { return .closed }
        guard generation == self.generation, generation != 0 else { return .stale }
        guard outstanding.contains(tag) else { return .alreadySettled }
        guard multiple else {
            outstanding.remove(tag)
            dropSettledFront()
            return .settled(count: 1)
        }
        var count = 0
        while head < order.count, order[head] <= tag {
            if outstanding.remove(order[head]) != nil { count += 1 }
            head += 1
        }
        // Only if the broker ever broke tag order: `tag` itself must not stay outstanding behind a larger one.
        if outstanding.remove(tag) != nil { count += 1 }
        dropSettledFront()
        return .settled(count: count)
    }

    /// Pops settled entries off the front, and compacts when the stale entries outweigh the live ones. Each entry
    /// is popped or copied a bounded number of times on average, so this is amortised O(1) per settlement.
    private mutating func dropSettledFront() {
        while head < order.count, !outstanding.contains(order[head]) { head += 1 }
        if head == order.count {
            order.removeAll(keepingCapacity: true)
            head = 0
        } else if order.count - head > 2 * outstanding.count + 64 {
            order = order[head...].filter { outstanding.contains($0) }
            head = 0
        } else if head > 64, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
