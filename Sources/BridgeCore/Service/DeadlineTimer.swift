import Synchronization

/// Runs actions at their deadlines, many deadlines from one task: the ends of held receipts' waits, the connection
/// timeouts of the PostgreSQL store's leases, the close checks of its statements. Scheduling or cancelling one is a
/// lock and a dictionary entry — no task, no dispatch timer, no hop to another thread — where a sleeping task per
/// deadline cost a task and a timer each (measured as ~5 % of a PostgreSQL-backed instance).
///
/// The task sleeps until the earliest deadline, at most ``tick`` at a time (a deadline scheduled earlier than the one
/// it sleeps for runs at most that late), and stops once nothing is scheduled. Actions due together run in deadline
/// order on that task, outside the lock, and must be quick.
final class DeadlineTimer: Sendable {
    /// What ``cancel(_:)`` takes.
    struct Token: Hashable, Sendable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var action: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var running = false
    }

    /// For the PostgreSQL store's leases and statements (every store and the session budget share it).
    static let shared = DeadlineTimer()

    /// The longest the task sleeps at a time.
    let tick: Duration
    private let state = Mutex(State())

    init(tick: Duration = .milliseconds(50)) {
        self.tick = tick
    }

    /// Runs `action` at `deadline` (or at once, on the timer's task, if that has passed) unless cancelled first.
    @discardableResult
    func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> Token {
        let (token, start) = state.withLock { state -> (Token, Bool) in
            state.nextID += 1
            state.entries[state.nextID] = Entry(deadline: deadline, action: action)
            defer { state.running = true }
            return (Token(id: state.nextID), !state.running)
        }
        if start { Task { await self.run() } }
        return token
    }

    /// Drops the action of `token` if it has not run.
    func cancel(_ token: Token) {
        state.withLock { _ = $0.entries.removeValue(forKey: token.id) }
    }

    /// Whether the task runs (it stops once nothing is scheduled).
    var isRunning: Bool { state.withLock { $0.running } }

    private func run() async {
        while true {
            let (due, next) = state.withLock { state -> ([@Sendable () -> Void], ContinuousClock.Instant?) in
                let now = ContinuousClock.now
                var dueIDs: [UInt64] = []
                var next: ContinuousClock.Instant?
                for (id, entry) in state.entries {
                    if entry.deadline <= now { dueIDs.append(id) } else { next = min(next ?? entry.deadline, entry.deadline) }
                }
                let due = dueIDs.compactMap { state.entries.removeValue(forKey: $0) }
                    .sorted { $0.deadline < $1.deadline }.map(\.action)
                if next == nil { state.running = false }
                return (due, next)
            }
            for action in due { action() }
            guard let next else { return }
            try? await Task.sleep(for: min(next - .now, tick))
        }
    }
}
