import NIOConcurrencyHelpers
import SMPP

/// Decides, once, whether the application's answer or the client's own (at the deadline, or the session ending)
/// answers an inbound request; carries the application's answer to the session's event loop; and tells whoever waits
/// on that answer, exactly once, whether it was written.
///
/// Winning the race and being written are two steps with a gap between them (the hop to the event loop): the
/// session can end, or the SMSC reuse the sequence number, in that gap. So a winning answer's report is owned by
/// one party at a time: the responder until the event loop takes the answer to write it (``settle()``), then that
/// write, whose promise reports; an answer the event loop never takes is reported false by ``abandon()``.
final class InboundResponder: Sendable {
    /// Told once whether the application's answer was written to the connection the request came on.
    typealias Report = @Sendable (Bool) -> Void
    /// Told once that the request went without the application's answer (see ``whenPreempted(_:)``).
    typealias Preemption = @Sendable () -> Void

    private enum Phase {
        /// Nothing has answered the request yet; `preemption` (if anyone waits) is owed should that stay so.
        case pending(preemption: Preemption?)
        /// The application's answer won and is on its way to the event loop; `report` (if anyone waits) is owed.
        case answered(CommandStatus, report: Report?)
        /// Handed to the event loop's write (which owns the report now), or abandoned after the answer won.
        case settled
        /// Gone without the application's answer: the client answered itself, or the request was abandoned first.
        case preempted
    }

    private let handOver: @Sendable (InboundResponder, CommandStatus) -> Bool
    private let phase = NIOLockedValueBox(Phase.pending(preemption: nil))

    /// `handOver` carries a winning answer to the event loop (which then calls ``settle()`` or ``abandon()``); it
    /// returns false when the session is already gone and nothing will arrive there.
    init(handOver: @escaping @Sendable (InboundResponder, CommandStatus) -> Bool) { self.handOver = handOver }

    /// The application's answer: true if it wins (nothing answered the request yet). `report` is told whether it
    /// was written: false at once when it did not win.
    func respond(status: CommandStatus, report: Report? = nil) -> Bool {
        let won = phase.withLockedValue { phase in
            guard case .pending = phase else { return false }
            phase = .answered(status, report: report)
            return true
        }
        guard won else {
            report?(false)
            return false
        }
        if !handOver(self, status) { abandon() }
        return true
    }

    /// On the event loop, as the request is answered now (its deadline passed, or the application's answer arrived
    /// and the machine lets it through): the application's status and the report its write owes (nil when nobody
    /// waits) if that answer won; nil when it did not, and from now on it cannot (the client answers instead).
    func settle() -> (status: CommandStatus, report: Report?)? {
        let (answer, preemption) = phase.withLockedValue { phase -> ((CommandStatus, Report?)?, Preemption?) in
            switch phase {
            case .answered(let status, let report):
                phase = .settled
                return ((status, report), nil)
            case .pending(let preemption):
                phase = .preempted
                return (nil, preemption)
            case .settled, .preempted:
                return (nil, nil)
            }
        }
        preemption?()
        return answer
    }

    /// On the event loop, as the request goes without the application's answer being written (the session ended,
    /// the SMSC reused its sequence number, or the answer's hand-over found nothing to answer): an answer that won
    /// is reported false; no answer can win from now on. Does nothing once settled.
    func abandon() {
        let (owed, preemption) = phase.withLockedValue { phase -> (Report?, Preemption?) in
            switch phase {
            case .answered(_, let report):
                phase = .settled
                return (report, nil)
            case .pending(let preemption):
                phase = .preempted
                return (nil, preemption)
            case .settled, .preempted:
                return (nil, nil)
            }
        }
        owed?(false)
        preemption?()
    }

    /// Runs `preemption` once if the request goes without the application's answer: the client answers it itself
    /// (its deadline passed) or it is abandoned (the session ended, the SMSC reused its sequence number) before an
    /// application's answer won. At once when that happened already; never when an application's answer won (a
    /// won answer that is then not written is reported to its `report` instead). A later call replaces an earlier
    /// handler that has not run.
    func whenPreempted(_ preemption: @escaping Preemption) {
        let now = phase.withLockedValue { phase -> Bool in
            switch phase {
            case .pending:
                phase = .pending(preemption: preemption)
                return false
            case .preempted:
                return true
            case .answered, .settled:
                return false
            }
        }
        if now { preemption() }
    }
}
