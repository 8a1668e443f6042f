import Synchronization

/// Deliveries read by the consumer thread and not yet taken by the application. When it holds `highWater`
/// deliveries the thread stops reading frames; taking one below that wakes the thread again.
final class DeliveryBuffer: Sendable {
    private struct State {
        var items = HeadIndexedQueue<AMQPDelivery>()
        var waiters: [(id: UInt64, continuation: CheckedContinuation<AMQPDelivery?, Never>)] = []
        var nextWaiterID: UInt64 = 0
        var finished = false
        var count: Int { items.count }

        /// Takes the oldest delivery, if any; `wake` when that makes room below `highWater` again.
        mutating func take(highWater: Int) -> (item: AMQPDelivery, wake: Bool)? {
            guard let item = items.popFirst() else { return nil }
            return (item, count == highWater - 1)
        }
    }

    private let state = Mutex(State())
    let highWater: Int
    private let onRoom: @Sendable () -> Void

    init(highWater: Int, onRoom: @escaping @Sendable () -> Void) {
        self.highWater = max(highWater, 1)
        self.onRoom = onRoom
    }

    /// Deliveries waiting to be taken.
    var count: Int { state.withLock { $0.count } }

    /// Adds a delivery, or hands it straight to a waiting `next()`.
    func push(_ delivery: AMQPDelivery) {
        let waiter = state.withLock { state -> CheckedContinuation<AMQPDelivery?, Never>? in
            if state.finished { return nil }
            if !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.items.append(delivery)
            return nil
        }
        waiter?.resume(returning: delivery)
    }

    /// Drops every buffered delivery (their connection is gone; the broker redelivers them).
    func removeAll() {
        state.withLock { $0.items.removeAll() }
    }

    /// No more deliveries: buffered ones are dropped (they cannot be acknowledged any more; the broker redelivers
    /// them), later ones too, and waiting and future `next()` calls return nil.
    func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            state.items.removeAll()
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// The next delivery; nil when finished or when the calling task is cancelled.
    func next() async -> AMQPDelivery? {
        // A cancelled reader (the bridge at shutdown) takes nothing more, buffered or not: what stays in the buffer is
        // unacknowledged and returns to the queue when the consumer closes.
        if Task.isCancelled { return nil }
        // A buffered delivery is handed out at once, without a continuation: the common case under load.
        let (taken, id) = state.withLock { state -> ((item: AMQPDelivery, wake: Bool)?, UInt64) in
            if let taken = state.take(highWater: highWater) { return (taken, 0) }
            state.nextWaiterID &+= 1
            return (nil, state.nextWaiterID)
        }
        if let taken {
            if taken.wake { onRoom() }
            return taken.item
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<AMQPDelivery?, Never>) in
                enum Outcome { case item(AMQPDelivery, wake: Bool), end, wait }
                let outcome = state.withLock { state -> Outcome in
                    if let taken = state.take(highWater: highWater) { return .item(taken.item, wake: taken.wake) }
                    if state.finished || Task.isCancelled { return .end }
                    state.waiters.append((id, continuation))
                    return .wait
                }
                switch outcome {
                case .item(let item, let wake):
                    continuation.resume(returning: item)
                    if wake { onRoom() }
                case .end:
                    continuation.resume(returning: nil)
                case .wait:
                    break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<AMQPDelivery?, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(returning: nil)
        }
    }
}

/// The deliveries of an ``AMQPConsumer``, in arrival order. Ends when the consumer is closed (or the iterating
/// task is cancelled). Backpressure: the consumer reads no more from the broker while `prefetch` deliveries
/// are waiting here, and the broker sends no more than `prefetch` unacknowledged ones.
public struct AMQPDeliveries: AsyncSequence, Sendable {
    /// The element: one delivery.
    public typealias Element = AMQPDelivery
    /// Never fails; connection trouble shows up in ``AMQPConsumer/events``.
    public typealias Failure = Never

    let buffer: DeliveryBuffer

    /// Iterates the deliveries.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: DeliveryBuffer

        /// The next delivery, or nil at the end.
        public mutating func next() async -> AMQPDelivery? { await buffer.next() }

        /// The next delivery, or nil at the end.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> AMQPDelivery? {
            await buffer.next()
        }
    }

    /// Makes an iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}
