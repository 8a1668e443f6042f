/// On the consumer thread: the delivery tags of the current connection the broker still counts as unacknowledged,
/// in delivery order, and which of them the application has acked since the last flush. A flush turns a contiguous
/// run of acked tags at the front into one `multiple` ack (the broker then handles one frame instead of many) and
/// sends the other acked tags singly, at once, so no ack is held back behind a delivery the application keeps.
///
/// A `multiple` ack of tag t settles every tag ≤ t the broker still counts; the run is contiguous from the oldest
/// tag still counted, so it covers exactly the tags the application acked. Nacks and rejects are sent as they come,
/// after a flush (so a `multiple` nack never covers an ack not yet sent), and their tags are then forgotten.
struct AckCoalescer: Sendable {
    /// An acknowledgement frame to send.
    struct Ack: Equatable, Sendable {
        /// The delivery tag.
        var tag: UInt64
        /// Settles every unacknowledged tag up to `tag`.
        var multiple: Bool
    }

    private enum Status { case unsettled, acked }

    /// Delivered tags in order from `head`; entries no longer in `status` were settled (removed lazily).
    private var order: [UInt64] = []
    private var head = 0
    private var status: [UInt64: Status] = [:]
    private var ackedCount = 0

    /// Acks waiting for the next flush.
    var waiting: Int { ackedCount }

    /// A new connection: every tag of the old one is forgotten.
    mutating func reset() {
        order.removeAll(keepingCapacity: true)
        head = 0
        status.removeAll(keepingCapacity: true)
        ackedCount = 0
    }

    /// A delivery with `tag` was handed to the application.
    mutating func delivered(_ tag: UInt64) {
        guard status[tag] == nil else { return }
        status[tag] = .unsettled
        order.append(tag)
    }

    /// The application acked `tag` (and, with `multiple`, every unsettled tag below it).
    mutating func acked(_ tag: UInt64, multiple: Bool) {
        if multiple { forEachTag(upTo: tag) { $0.mark($1) } }
        mark(tag)
    }

    /// A nack or reject frame for `tag` (and, with `multiple`, every tag below it) was sent: forget them.
    mutating func settledOtherwise(_ tag: UInt64, multiple: Bool) {
        if multiple { forEachTag(upTo: tag) { $0.forget($1) } }
        forget(tag)
        compact()
    }

    /// Calls `body` for every delivered tag from the front up to `tag`, in delivery order.
    private mutating func forEachTag(upTo tag: UInt64, _ body: (inout AckCoalescer, UInt64) -> Void) {
        var index = head
        while index < order.count, order[index] <= tag {
            let current = order[index]
            body(&self, current)
            index += 1
        }
    }

    /// The frames for every ack given since the last flush, in order: one (`multiple` when it covers more than one
    /// tag) for the run at the front, then single acks for tags acked behind a tag still unsettled.
    mutating func flush() -> [Ack] {
        guard ackedCount > 0 else { return [] }
        var frames: [Ack] = []
        var last: UInt64?
        var run = 0
        while head < order.count {
            let tag = order[head]
            guard let state = status[tag] else {
                head += 1
                continue
            }
            guard state == .acked else { break }
            status[tag] = nil
            last = tag
            run += 1
            head += 1
        }
        ackedCount -= run
        if let last { frames.append(Ack(tag: last, multiple: run > 1)) }
        var index = head
        while ackedCount > 0, index < order.count {
            let tag = order[index]
            if status[tag] == .acked {
                status[tag] = nil
                ackedCount -= 1
                frames.append(Ack(tag: tag, multiple: false))
            }
            index += 1
        }
        compact()
        return frames
    }

    private mutating func mark(_ tag: UInt64) {
        guard status[tag] == .unsettled else { return }
        status[tag] = .acked
        ackedCount += 1
    }

    private mutating func forget(_ tag: UInt64) {
        guard let state = status.removeValue(forKey: tag) else { return }
        if state == .acked { ackedCount -= 1 }
    }

    /// Drops settled entries at the front, and rebuilds `order` when most of it is settled.
    private mutating func compact() {
        while head < order.count, status[order[head]] == nil { head += 1 }
        if head == order.count {
            order.removeAll(keepingCapacity: true)
            head = 0
        } else if order.count - head > 2 * status.count + 64 {
            order = order[head...].filter { status[$0] != nil }
            head = 0
        }
    }
}
