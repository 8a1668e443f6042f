import NIOConcurrencyHelpers
import NIOCore

/// The open connections of one server, bounded, so shutdown can reach every one and a flood is refused early.
final class HTTPConnectionSet: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var quiescing = false
    }
    private let state = NIOLockedValueBox(State())
    let limit: Int

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Adds a new connection; false (the caller closes it) when at the limit or shutting down.
    func insert(_ channel: any Channel) -> Bool {
        let added = state.withLockedValue { state -> Bool in
            guard !state.quiescing, state.channels.count < limit else { return false }
            state.channels[ObjectIdentifier(channel)] = channel
            return true
        }
        if added {
            channel.closeFuture.whenComplete { _ in self.remove(channel) }
        }
        return added
    }

    private func remove(_ channel: any Channel) {
        state.withLockedValue { _ = $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Connections open right now.
    var count: Int { state.withLockedValue { $0.channels.count } }

    /// Refuses every later connection and returns the open ones.
    func beginQuiescing() -> [any Channel] {
        state.withLockedValue { state in
            state.quiescing = true
            return Array(state.channels.values)
        }
    }
}
