import Synchronization

/// Registers what to run once if an inbound message goes without the bridge's answer (the client answered it at its
/// deadline, or its session ended first): `SMPPInboundMessage.whenPreempted(_:)`.
public typealias PreemptionHook = @Sendable (@escaping @Sendable () -> Void) -> Void

/// The early store of an MO's event id while its publish is pending: started at most once, by the preemption, and
/// only until the publish's outcome closes it, so the outcome path knows for certain whether the id went to the store
/// already (and then must not store it again).
final class EarlyMOIDRecord: Sendable {
    private enum State {
        case open
        case started(Task<Bool, Never>)
        case closed
    }

    private let state = Mutex(State.open)

    /// Runs `store` (which says whether the store kept the id) unless a record ran already or ``close()`` came first.
    func start(_ store: @escaping @Sendable () async -> Bool) {
        state.withLock { state in
            guard case .open = state else { return }
            state = .started(Task { await store() })
        }
    }

    /// Ends the window: no record starts after this. Returns whether a record stored the id (awaiting it).
    func close() async -> Bool {
        let running = state.withLock { state -> Task<Bool, Never>? in
            switch state {
            case .open:
                state = .closed
                return nil
            case .started(let task):
                return task
            case .closed:
                return nil
            }
        }
        return await running?.value ?? false
    }
}
