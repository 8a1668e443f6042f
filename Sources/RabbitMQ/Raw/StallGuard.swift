import Foundation
import Glibc
import Synchronization

/// A deadline for the C calls that librabbitmq makes without one (sending a frame, reading the rest of a message):
/// while the owner thread is inside such a call past its deadline, a shared watchdog thread shuts the socket down
/// (`shutdown(2)`, never `close`), so the call fails at once and the connection is lost and re-established instead
/// of the thread freezing (a broker under a resource alarm stops reading but keeps the connection open).
///
/// The descriptor is only ever shut down under the guard's lock while a call is inside `run`, and the owner clears
/// the deadline under that lock before it can close the socket: a reused descriptor number is never touched.
final class StallGuard: Sendable {
    private struct State {
        var deadline: ContinuousClock.Instant?
        var socket: Int32 = -1
        var fired = false
    }

    private let state = Mutex(State())

    /// Runs `body` (a C call on `socket`) with a deadline; a call still running at `now + limit` has its socket
    /// shut down and fails. Nested calls keep the outer deadline.
    func run<T>(socket: Int32, limit: Duration, _ what: String, _ body: () throws(AMQPError) -> T) throws(AMQPError)
        -> T
    {
        let outer = state.withLock { state -> Bool in
            guard state.deadline == nil else { return true }
            state.deadline = .now + limit
            state.socket = socket
            state.fired = false
            return false
        }
        if outer { return try body() }
        let result: Result<T, AMQPError>
        do throws(AMQPError) {
            result = .success(try body())
        } catch {
            result = .failure(error)
        }
        let fired = state.withLock { state -> Bool in
            state.deadline = nil
            state.socket = -1
            return state.fired
        }
        if fired {
            throw AMQPError(
                code: .connectionLost,
                message: "\(what): no progress for \(limit) (the broker stopped reading or writing); socket shut down")
        }
        return try result.get()
    }

    /// Called by the watchdog: shuts the socket down when the deadline has passed.
    fileprivate func check(now: ContinuousClock.Instant) {
        state.withLock { state in
            guard let deadline = state.deadline, now >= deadline, !state.fired, state.socket >= 0 else { return }
            state.fired = true
            _ = shutdown(state.socket, Int32(SHUT_RDWR))
        }
    }
}

/// One thread for the process that checks every registered guard (one per open connection) ten times a second,
/// and sleeps while there is none. A call that stalls is cut within its limit plus 100 ms. The thread starts with
/// the shared instance, i.e. when the first connection is opened.
final class StallWatchdog: Sendable {
    static let shared = StallWatchdog()

    private let guards = Mutex<[ObjectIdentifier: StallGuard]>([:])

    private init() {
        let thread = Thread { [self] in loop() }
        thread.name = "amqp-watchdog"
        thread.start()
    }

    /// Watches `stallGuard` until ``forget(_:)``.
    func watch(_ stallGuard: StallGuard) {
        guards.withLock { $0[ObjectIdentifier(stallGuard)] = stallGuard }
    }

    /// Stops watching `stallGuard` (its connection is being destroyed).
    func forget(_ stallGuard: StallGuard) {
        guards.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(stallGuard)) }
    }

    private func loop() {
        while true {
            let guards = self.guards.withLock { Array($0.values) }
            let now = ContinuousClock.now
            for stallGuard in guards { stallGuard.check(now: now) }
            usleep(guards.isEmpty ? 500_000 : 100_000)
        }
    }
}
