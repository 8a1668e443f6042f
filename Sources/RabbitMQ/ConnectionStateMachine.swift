/// The lifecycle of one broker connection, as a pure value: events in, actions out, time and jitter passed in.
///
/// The first connect tries each of the broker's addresses once and reports the last failure to the caller (wrong
/// password, closed port, bad TLS); once connected, any loss leads to reconnect attempts with exponential backoff and
/// jitter until ``closeRequested()``. With several addresses (a cluster) the owner moves to the next address after
/// every failed attempt, and the delay grows once per round over all of them, not per address.
struct ConnectionStateMachine {
    typealias Instant = ContinuousClock.Instant

    enum State: Equatable {
        case idle
        case connecting(attempt: Int, initial: Bool)
        case connected
        case waitingToReconnect(until: Instant, attempt: Int)
        case closed
    }

    enum Action: Equatable {
        case none
        /// Open the connection now (on the owner thread).
        case connect
        /// Now connected and set up; `initial` = the first connection (resume the `connect()` caller).
        case reportConnected(initial: Bool)
        /// The first connect failed: report to the caller and stop.
        case failStart(AMQPError)
        /// Lost or failed to reconnect: drop the connection, fail what was in flight, try again at the deadline.
        case reconnect(at: Instant, after: AMQPError)
        /// Close the connection (if any) and stop.
        case close
    }

    private(set) var state: State = .idle
    let initialDelay: Duration
    let maxDelay: Duration
    /// How many broker addresses the owner rotates over (at least 1).
    let addressCount: Int

    init(initialDelay: Duration, maxDelay: Duration, addressCount: Int = 1) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.addressCount = max(1, addressCount)
    }

    /// The delay before reconnect attempt `attempt` (1, 2, …): initial × 2^(attempt-1), capped at the maximum,
    /// then shortened by up to half at random (`jitter` in 0..<1) so that many clients do not reconnect in step.
    func delay(attempt: Int, jitter: Double) -> Duration {
        var delay = initialDelay
        var step = 1
        while step < attempt, delay < maxDelay {
            delay *= 2
            step += 1
        }
        delay = min(delay, maxDelay)
        let clamped = min(max(jitter, 0), 0.999_999)
        return delay * (1 - clamped / 2)
    }

    /// The caller asked to connect.
    mutating func startRequested() -> Action {
        guard case .idle = state else { return .none }
        state = .connecting(attempt: 1, initial: true)
        return .connect
    }

    /// The connection is open and set up.
    mutating func connectSucceeded() -> Action {
        guard case .connecting(_, let initial) = state else { return .none }
        state = .connected
        return .reportConnected(initial: initial)
    }

    /// Opening or setting up the connection failed.
    mutating func connectFailed(_ error: AMQPError, now: Instant, jitter: Double) -> Action {
        guard case .connecting(let attempt, let initial) = state else { return .none }
        if initial {
            guard attempt < addressCount else {
                state = .closed
                return .failStart(error)
            }
            state = .connecting(attempt: attempt + 1, initial: true)
            return .connect
        }
        let round = (attempt - 1) / addressCount + 1
        let until = now + delay(attempt: round, jitter: jitter)
        state = .waitingToReconnect(until: until, attempt: attempt + 1)
        return .reconnect(at: until, after: error)
    }

    /// An established connection broke (socket, heartbeat, connection.close, consumer cancelled).
    mutating func connectionLost(_ error: AMQPError, now: Instant, jitter: Double) -> Action {
        guard case .connected = state else { return .none }
        let until = now + delay(attempt: 1, jitter: jitter)
        state = .waitingToReconnect(until: until, attempt: 2)
        return .reconnect(at: until, after: error)
    }

    /// Time passed; starts the next attempt once the backoff deadline is reached.
    mutating func tick(now: Instant) -> Action {
        guard case .waitingToReconnect(let until, let attempt) = state, now >= until else { return .none }
        state = .connecting(attempt: attempt, initial: false)
        return .connect
    }

    /// The caller closes the connection.
    mutating func closeRequested() -> Action {
        switch state {
        case .closed: return .none
        default:
            state = .closed
            return .close
        }
    }

    /// When the handler must call ``tick(now:)`` next, if it is waiting.
    var deadline: Instant? {
        if case .waitingToReconnect(let until, _) = state { return until }
        return nil
    }
}
