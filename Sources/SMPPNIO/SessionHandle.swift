import NIOConcurrencyHelpers
import NIOCore

/// What a session reports to the pool that owns it, and where it pulls requests from. Called on the session's
/// event loop.
protocol SessionDelegate: AnyObject, Sendable {
    /// The session bound; `handle` pulls requests (if `canSubmit`).
    func sessionBound(_ handle: SessionHandle)
    /// The session ended. It holds no unsent requests (they wait in the pool until a session writes them).
    func sessionEnded(_ handle: SessionHandle, reason: SessionEndReason, wasBound: Bool)
    /// The next request for `handle` to write, already claimed (its caller can no longer withdraw it), or nil when
    /// none waits: the pool then wakes `handle` when one arrives.
    func nextRequest(for handle: SessionHandle) -> OutboundSubmit?
    /// `handle` was woken for a request but cannot take one now (window full, paused, closed): wake another.
    func passWake(from handle: SessionHandle)
    /// An inbound deliver_sm / data_sm for the application.
    func inboundReceived(_ message: SMPPInboundMessage)
    /// A response arrived after its request failed (a response timeout, or its session closing).
    func lateOutcome(_ outcome: LateSubmitOutcome)
}

/// A thread-safe handle on one live session: the pool wakes it, shuts it down and closes it from any thread.
final class SessionHandle: Sendable {
    /// The connection slot, 0-based.
    let slot: Int
    /// Whether the session may submit.
    let canSubmit: Bool
    let eventLoop: any EventLoop
    private let handler: NIOLoopBound<SMPPSessionHandler>
    /// Answers given but not yet handed to the event loop, and whether a hand-over is scheduled: answers that come
    /// close together (a burst of receipts confirmed by the broker at once) share one task on the loop and one flush.
    private let answers = NIOLockedValueBox<(pending: [InboundAnswer], scheduled: Bool)>(([], false))

    init(slot: Int, canSubmit: Bool, handler: SMPPSessionHandler, eventLoop: any EventLoop) {
        self.slot = slot
        self.canSubmit = canSubmit
        self.eventLoop = eventLoop
        self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
    }

    /// Requests wait in the pool: let the session pull what it may (on its event loop).
    func wake() {
        eventLoop.execute { self.handler.value.woken() }
    }

    /// Starts graceful unbind.
    func shutdown() {
        eventLoop.execute { self.handler.value.shutdown() }
    }

    /// Closes the connection at once (outstanding requests fail as session lost).
    func close() {
        eventLoop.execute { self.handler.value.closeNow() }
    }

    /// Delivers an application's answer to an inbound request (in the order answers are given).
    func answerInbound(_ answer: InboundAnswer) {
        let schedule = answers.withLockedValue { answers in
            answers.pending.append(answer)
            defer { answers.scheduled = true }
            return !answers.scheduled
        }
        guard schedule else { return }
        eventLoop.execute {
            let batch = self.answers.withLockedValue { answers in
                answers.scheduled = false
                defer { answers.pending = [] }
                return answers.pending
            }
            self.handler.value.answerInbound(batch)
        }
    }
}

/// An application's answer to one inbound deliver_sm / data_sm.
struct InboundAnswer: Sendable {
    var sequenceNumber: UInt32
    var status: UInt32
    var token: UInt64
    /// Settled when the answer is written, abandoned when it is not.
    var responder: InboundResponder
}
