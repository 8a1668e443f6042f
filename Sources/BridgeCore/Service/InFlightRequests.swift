import NIOConcurrencyHelpers

/// The request tasks in flight, so shutdown can wait for them (bounded) and then cancel what is left.
final class InFlightRequests: Sendable {
    private struct State {
        var tasks: [UInt64: Task<Void, Never>] = [:]
        var next: UInt64 = 0
        var drained: [CheckedContinuation<Void, Never>] = []
    }
    private let state = NIOLockedValueBox(State())

    /// Starts `work` as a tracked task; returns how many are in flight with it.
    @discardableResult
    func start(_ work: @escaping @Sendable () async -> Void) -> Int {
        state.withLockedValue { state in
            state.next += 1
            let id = state.next
            state.tasks[id] = Task {
                await work()
                self.finished(id)
            }
            return state.tasks.count
        }
    }

    var count: Int { state.withLockedValue { $0.tasks.count } }

    private func finished(_ id: UInt64) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.tasks[id] = nil
            guard state.tasks.isEmpty else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no task is in flight.
    func waitUntilDrained() async {
        await withCheckedContinuation { continuation in
            let done = state.withLockedValue { state -> Bool in
                if state.tasks.isEmpty { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Waits up to `timeout` for the tasks to finish; cancels the rest (they hand their requests back) and waits
    /// for them. Returns how many had to be cancelled.
    func drain(timeout: Duration) async -> Int {
        let finishedInTime = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitUntilDrained(); return true }
            group.addTask { try? await Task.sleep(for: timeout); return false }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
        if finishedInTime { return 0 }
        let remaining = state.withLockedValue { Array($0.tasks.values) }
        for task in remaining { task.cancel() }
        await waitUntilDrained()
        return remaining.count
    }
}
