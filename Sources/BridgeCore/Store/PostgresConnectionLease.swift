import Logging
import PostgresNIO
import Synchronization

/// Leases a connection of `client` for `body`, or fails with ``NoConnection`` when none is had within `timeout`
/// (the pool itself would wait for a server that is down until its circuit breaker trips, a minute later). Exactly
/// one of the lease and the timeout wins: once `body` started, it runs to its end. Shared by the store's writer and
/// readers and the session budget's rounds.
func leaseConnection<Value: Sendable>(
    from client: PostgresClient, within timeout: Duration, location: String, logger: Logger,
    _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Value
) async throws -> Value {
    let race = LeaseRace()
    return try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask {
            try await client.withConnection { connection in
                guard race.leased() else { throw CancellationError() }
                return try await body(connection, logger)
            }
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            guard race.timedOut() else { return nil }
            throw NoConnection(timeout: timeout, location: location)
        }
        while let next = try await group.next() {
            if let value = next {
                group.cancelAll()
                return value
            }
        }
        throw CancellationError()
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

/// Which of a lease and its timeout came first.
final class LeaseRace: Sendable {
    private enum Phase { case waiting, leased, timedOut }
    private let phase = Mutex(Phase.waiting)

    /// The connection came first: true, and the timeout will not fire.
    func leased() -> Bool {
        phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = .leased
            return true
        }
    }

    /// The timeout came first: true, and a connection that arrives later is not used.
    func timedOut() -> Bool {
        phase.withLock { phase in
            guard phase == .waiting else { return false }
            phase = .timedOut
            return true
        }
    }
}

