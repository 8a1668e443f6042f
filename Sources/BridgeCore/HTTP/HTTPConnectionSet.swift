import NIOConcurrencyHelpers
import NIOCore

/// The open connections of one server, bounded, so shutdown can reach every one and a flood is refused early.
///
/// At the bound, a new connection takes the place of the one that has waited longest for a request (just accepted,
/// or kept alive after a response), which is closed: connections that send nothing cannot fill the endpoint and
/// lock out the health checks and scrapes. Only when every connection is in the middle of a request is the new one
/// refused.
final class HTTPConnectionSet: Sendable {
    private struct Entry {
        let channel: any Channel
        /// Since when it waits for a request; nil while a request is being received or answered.
        var idleSince: NIODeadline?
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var quiescing = false
    }
    private let state = NIOLockedValueBox(State())
    let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Adds a new connection, waiting for its first request since `now`; at the limit, in place of the connection
    /// idle the longest, which is closed. False (the caller closes the new one) when shutting down, or at the limit
    /// with no idle connection.
    func insert(_ channel: any Channel, now: NIODeadline = .now()) -> Bool {
        let (added, evicted) = state.withLockedValue { state -> (Bool, (any Channel)?) in
            guard !state.quiescing else { return (false, nil) }
            var evicted: (any Channel)?
            if state.entries.count >= limit {
                let idle = state.entries.compactMap { key, entry in entry.idleSince.map { (key: key, since: $0) } }
                guard let oldest = idle.min(by: { $0.since < $1.since }) else { return (false, nil) }
                evicted = state.entries.removeValue(forKey: oldest.key)?.channel
            }
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, idleSince: now)
            return (true, evicted)
        }
        evicted?.close(promise: nil)
        if added {
            channel.closeFuture.whenComplete { _ in self.remove(channel) }
        }
        return added
    }

    /// The connection waits for a request from `now` on (after a response it keeps the connection for).
    func markIdle(_ channel: any Channel, now: NIODeadline) {
        state.withLockedValue { $0.entries[ObjectIdentifier(channel)]?.idleSince = now }
    }

    /// The connection is receiving or answering a request: it is not taken for a newcomer.
    func markBusy(_ channel: any Channel) {
        state.withLockedValue { $0.entries[ObjectIdentifier(channel)]?.idleSince = nil }
    }

    /// The entry holds its channel, so no other channel can have its identifier while it is there; an evicted one
    /// is gone already.
    private func remove(_ channel: any Channel) {
        state.withLockedValue { _ = $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Connections open right now.
    var count: Int { state.withLockedValue { $0.entries.count } }

    /// Connections open right now that wait for a request.
    var idleCount: Int { state.withLockedValue { $0.entries.values.filter { $0.idleSince != nil }.count } }

    /// Refuses every later connection and returns the open ones.
    func beginQuiescing() -> [any Channel] {
        state.withLockedValue { state in
            state.quiescing = true
            return state.entries.values.map(\.channel)
        }
    }
}
