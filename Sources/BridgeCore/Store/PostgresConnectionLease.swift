import Logging
import PostgresNIO
import Synchronization

/// Leases a connection of `client` for `body`, or fails with ``NoConnection`` when none is had within `timeout`
/// (the pool itself would wait for a server that is down until its circuit breaker trips, a minute later). Exactly
/// one of the lease and the timeout wins: once `body` started, it runs to its end. Shared by the store's writer and
/// readers and the session budget's rounds.
///
/// The timeout is an entry in ``DeadlineTimer/shared``, dropped when the lease ends — not a child task sleeping
/// beside the lease (that was a task group, two child tasks and a dispatch timer for every store round).
/// Cancelling the caller cancels the lease (and `body`, if it started), as in a child task.
func leaseConnection<Value: Sendable>(
    from client: PostgresClient, within timeout: Duration, location: String, logger: Logger,
    _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Value
) async throws -> Value {
    let race = ConnectionLease<Value>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            race.begin(continuation)
            let timer = DeadlineTimer.shared.schedule(at: .now + timeout) {
                guard race.timedOut() else { return }
                race.finish(.failure(NoConnection(timeout: timeout, location: location)))
            }
            race.attach(Task {
                do {
                    let value = try await client.withConnection { connection in
                        guard race.leased() else { throw CancellationError() }
                        return try await body(connection, logger)
                    }
                    race.finish(.success(value))
                } catch {
                    race.finish(.failure(error))
                }
            }, timer: timer)
        }
    } onCancel: {
        race.cancel()
    }
}

/// No pooled connection within the timeout (the server is down, unreachable, or every connection is busy).
struct NoConnection: Error, CustomStringConvertible {
    let timeout: Duration
    let location: String

    var description: String {
        "no connection to the database \(location) within \(timeout) (server down or unreachable?)"
    }
}

/// One ``leaseConnection(from:within:location:logger:_:)``: which of the lease and its timeout came first, and the
/// one resumption of the caller.
final class ConnectionLease<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var task: Task<Void, Never>?
        var timer: DeadlineTimer.Token?
        var cancelled = false
    }
    /// Which of the lease and the timeout came first.
    private let race = LeaseRace()
    private let state = Mutex(State())

    /// The caller waits on `continuation` (resumed once, by ``finish(_:)``).
    func begin(_ continuation: CheckedContinuation<Value, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// The task that leases and the timeout's timer entry (dropped by ``finish(_:)``); the task is cancelled at
    /// once if the caller already was, or the timeout already won.
    func attach(_ task: Task<Void, Never>, timer: DeadlineTimer.Token) {
        let (cancelled, finished) = state.withLock { state -> (Bool, Bool) in
            state.task = task
            state.timer = timer
            return (state.cancelled, state.continuation == nil)
        }
        // The timeout stores its phase before it reads the task: if it won before the task was stored, it is seen
        // here; if after, it cancels the stored task itself.
        if cancelled || race.hasTimedOut { task.cancel() }
        if finished { DeadlineTimer.shared.cancel(timer) }
    }

    /// The connection came first: true, and the timeout will not count.
    func leased() -> Bool { race.leased() }

    /// The timeout came first: true, the lease's task is cancelled, and a connection that arrives later is not used.
    func timedOut() -> Bool {
        guard race.timedOut() else { return false }
        state.withLock { $0.task }?.cancel()
        return true
    }

    /// The caller was cancelled: so is the lease (its task then finishes with the failure).
    func cancel() {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }

    /// Resumes the caller with `result`, the first time only; the timer's entry goes.
    func finish(_ result: Result<Value, any Error>) {
        let (continuation, timer) = state.withLock { state in
            defer { state.continuation = nil }
            return (state.continuation, state.timer)
        }
        if let timer { DeadlineTimer.shared.cancel(timer) }
        continuation?.resume(with: result)
    }
}

/// Which of two things came first (a lease and its timeout, a close and its timeout): each asks once, one wins.
final class LeaseRace: Sendable {
    private enum Phase { case waiting, leased, timedOut }
    private let phase = Mutex(Phase.waiting)

    /// Neither has come yet.
    var isWaiting: Bool { phase.withLock { $0 == .waiting } }

    /// The second thing came first.
    var hasTimedOut: Bool { phase.withLock { $0 == .timedOut } }

    /// The first thing came first: true, and the other will not count.
    func leased() -> Bool {
        phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = .leased
            return true
        }
    }

    /// The second thing came first: true, and the first will not count.
    func timedOut() -> Bool {
        phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = .timedOut
            return true
        }
    }
}
