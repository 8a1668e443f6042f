import NIOConcurrencyHelpers

/// The requests in flight — tasks, and requests carried by callbacks (``CallbackOutboundRequest``) — so shutdown can
/// wait for them (bounded) and then cancel what is left.
final class InFlightRequests: Sendable {
    private enum Entry {
        case task(Task<Void, Never>)
        case callbacks(cancel: @Sendable () -> Void)

        func cancel() {
            switch self {
            case .task(let task): task.cancel()
            case .callbacks(let cancel): cancel()
            }
        }
    }

    private struct State {
        var tasks: [UInt64: Entry] = [:]
        var next: UInt64 = 0
        var drained: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }
    private let state = NIOLockedValueBox(State())
    /// Told the new count after every change, under the lock (so the last value told is the current one).
    private let onCountChange: @Sendable (Int) -> Void

    /// `onCountChange` is told the number in flight after every start and end (e.g. a gauge's `record`); it must be
    /// quick and must not call back into this object.
    init(onCountChange: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.onCountChange = onCountChange
    }

    /// Starts `work` as a tracked task.
    func start(_ work: @escaping @Sendable () async -> Void) {
        state.withLockedValue { state in
            state.next += 1
            let id = state.next
            state.tasks[id] = .task(Task {
                await work()
                self.finished(id)
            })
            onCountChange(state.tasks.count)
        }
    }

    /// Counts a request that runs without a task of its own: `cancel` is what shutdown calls after the drain
    /// timeout. Returns its id, for ``finished(_:)`` once it ended.
    func register(cancel: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLockedValue { state in
            state.next += 1
            state.tasks[state.next] = .callbacks(cancel: cancel)
            onCountChange(state.tasks.count)
            return state.next
        }
    }

    var count: Int { state.withLockedValue { $0.tasks.count } }

    /// How many callers wait in ``waitUntilDrained()`` (tests).
    var drainWaiterCount: Int { state.withLockedValue { $0.drained.count } }

    /// The request `id` ended.
    func finished(_ id: UInt64) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            if state.tasks.removeValue(forKey: id) != nil { onCountChange(state.tasks.count) }
            guard state.tasks.isEmpty else { return [] }
            defer { state.drained = [:] }
            return Array(state.drained.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no request is in flight, or when the calling task is cancelled.
    func waitUntilDrained() async {
        let waiter = state.withLockedValue { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let done = state.withLockedValue { state -> Bool in
                    if state.tasks.isEmpty || Task.isCancelled { return true }
                    state.drained[waiter] = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLockedValue { $0.drained.removeValue(forKey: waiter) }?.resume()
        }
    }

    /// Waits up to `timeout` for the tasks to finish; cancels the rest (they hand their requests back) and waits
    /// for them. Returns how many had to be cancelled.
    ///
    /// When the calling task is cancelled (the second signal, or the graceful shutdown's own time limit), the
    /// requests are cancelled at once, and their hand-backs are waited for at most ``handBackWait`` — not skipped,
    /// as a cancelled wait would (the consumer would close with them still running).
    func drain(timeout: Duration) async -> Int {
        if await waitUntilDrained(within: timeout) { return 0 }
        let remaining = state.withLockedValue { Array($0.tasks.values) }
        for entry in remaining { entry.cancel() }
        if Task.isCancelled {
            // Not cancelled with this task: the hand-backs (a nack each) are quick, but must not be cut off.
            _ = await Task { await self.waitUntilDrained(within: Self.handBackWait) }.value
        } else {
            await waitUntilDrained()
            if Task.isCancelled {
                // Cancelled while waiting (a second signal after the drain's own timeout): the cancelled requests may
                // still be storing their correlations or releasing marks; give them the same bounded wait, or the
                // store would close under them.
                _ = await Task { await self.waitUntilDrained(within: Self.handBackWait) }.value
            }
        }
        return remaining.count
    }

    /// How long a cancelled drain waits for the requests it cancelled to hand their deliveries back.
    static let handBackWait: Duration = .seconds(3)

    /// ``waitUntilDrained()`` for at most `limit`: true when every request finished (false at the limit, or when
    /// the calling task is cancelled first).
    private func waitUntilDrained(within limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitUntilDrained(); return !Task.isCancelled }
            group.addTask { try? await Task.sleep(for: limit); return false }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
    }
}
