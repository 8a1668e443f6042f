import NIOConcurrencyHelpers

/// Decides which of its connection slots an ``SMPPClient`` may connect, so that several clients (in several
/// processes) together keep no more sessions bound to one account than the operator allows (issue 9 item 2).
///
/// The client asks for each slot with ``claim(slot:)`` before it connects it and connects it only while it holds
/// the returned lease; when the gate revokes the lease the slot's session unbinds at once (its unsent requests stay
/// in the client's queue for the other sessions) and is closed by the revocation's deadline at the latest, then the
/// client calls ``release(_:)`` and claims the slot again. Without a gate every slot connects, as always.
public protocol SessionSlotGate: Sendable {
    /// Waits until this client may use connection slot `slot` (0-based, as in ``SMPPSessionEvent``) and returns
    /// its lease. Returns nil when the gate is closed or the calling task is cancelled (the client cancels it at
    /// shutdown); it must return promptly then.
    func claim(slot: Int) async -> SessionSlotLease?

    /// The slot's connection is closed and its lease no longer used (the client shuts down, or the lease was
    /// revoked): the gate may give the slot to someone else. Called once per lease, from any thread; must not block.
    func release(_ lease: SessionSlotLease)
}

/// Permission for one connection slot to be connected, given by a ``SessionSlotGate`` until it revokes it.
/// Thread-safe.
public final class SessionSlotLease: Sendable {
    /// The connection slot, 0-based.
    public let slot: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var revokedWithin: Duration?
        var observers: [@Sendable (Duration) -> Void] = []
    }

    /// A lease on `slot`, not revoked.
    public init(slot: Int) {
        self.slot = slot
    }

    /// Whether ``revoke(closeWithin:)`` was called.
    public var isRevoked: Bool { state.withLockedValue { $0.revokedWithin != nil } }

    /// Takes the permission back: the slot's session starts a graceful unbind now (no new submits; written ones
    /// get their answers) and its connection is closed `closeWithin` from now at the latest, whatever is
    /// outstanding (those requests fail as session lost). Only the first call counts; returns whether it was it.
    @discardableResult
    public func revoke(closeWithin: Duration) -> Bool {
        let observers: [@Sendable (Duration) -> Void]? = state.withLockedValue { state in
            guard state.revokedWithin == nil else { return nil }
            state.revokedWithin = closeWithin
            defer { state.observers.removeAll() }
            return state.observers
        }
        guard let observers else { return false }
        for observer in observers { observer(closeWithin) }
        return true
    }

    /// Calls `observer` once when the lease is revoked (with its `closeWithin`), at once on this thread if it
    /// already is.
    public func onRevoke(_ observer: @escaping @Sendable (Duration) -> Void) {
        let already: Duration? = state.withLockedValue { state in
            if let within = state.revokedWithin { return within }
            state.observers.append(observer)
            return nil
        }
        if let already { observer(already) }
    }
}
