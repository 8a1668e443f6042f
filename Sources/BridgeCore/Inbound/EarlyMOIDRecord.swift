import Synchronization

/// Registers what to run once if an inbound message goes without the bridge's answer (the client answered it at its
/// deadline, or its session ended first): `SMPPInboundMessage.whenPreempted(_:)`.
public typealias PreemptionHook = @Sendable (@escaping @Sendable () -> Void) -> Void

/// What a preemption of an MO means for its publish, decided once under a lock:
/// - before the publish starts (the MO waited at the gate, or for the store): it is not published at all — the SMSC
///   was answered ESME_RX_T_APPN and delivers it again, and that copy is the one to publish;
/// - while the publish is pending: the event id is stored at once (``arm(_:)``), for the redelivery that may reach
///   another instance before the confirm;
/// - after the publish's outcome (``close()``): nothing; the outcome path handles it.
final class EarlyMOIDRecord: Sendable {
    private enum State {
        case waiting
        case preemptedBeforePublishing
        case armed(@Sendable () async -> Bool)
        case started(Task<Bool, Never>)
        case closed
    }

    private let state = Mutex(State.waiting)

    /// The preemption handler.
    func preempt() {
        state.withLock { state in
            switch state {
            case .waiting: state = .preemptedBeforePublishing
            case .armed(let store): state = .started(Task { await store() })
            case .preemptedBeforePublishing, .started, .closed: break
            }
        }
    }

    /// Whether the message was preempted before its publish was armed: then it is not to be published.
    var preemptedBeforePublishing: Bool {
        state.withLock { state in
            if case .preemptedBeforePublishing = state { return true }
            return false
        }
    }

    /// As the publish starts: `store` (which says whether the store kept the id) runs on a preemption from now on —
    /// at once if one came since ``preemptedBeforePublishing`` was read.
    func arm(_ store: @escaping @Sendable () async -> Bool) {
        state.withLock { state in
            switch state {
            case .waiting: state = .armed(store)
            case .preemptedBeforePublishing: state = .started(Task { await store() })
            case .armed, .started, .closed: break
            }
        }
    }

    /// Ends the window: nothing starts after this. Returns whether the id was stored early (awaiting the store).
    func close() async -> Bool {
        let running = state.withLock { state -> Task<Bool, Never>? in
            if case .started(let task) = state { return task }
            state = .closed
            return nil
        }
        return await running?.value ?? false
    }
}
