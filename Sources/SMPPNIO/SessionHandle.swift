import NIOCore
import Synchronization

/// What a session reports to the pool that owns it. Called on the session's event loop.
protocol SessionDelegate: AnyObject, Sendable {
    /// The session bound; `handle` can take submits (if `canSubmit`).
    func sessionBound(_ handle: SessionHandle)
    /// The session ended; `unsent` were accepted but never written and must go to another session.
    func sessionEnded(_ handle: SessionHandle, reason: SessionEndReason, wasBound: Bool, unsent: [OutboundSubmit])
    /// A request this session will not send; give it to another one.
    func reroute(_ request: OutboundSubmit)
    /// An inbound deliver_sm / data_sm for the application.
    func inboundReceived(_ message: SMPPInboundMessage)
}

/// A thread-safe handle on one live session: the pool submits through it, from any thread.
final class SessionHandle: Sendable {
    /// The connection slot, 0-based.
    let slot: Int
    /// Whether the session may submit.
    let canSubmit: Bool
    let eventLoop: any EventLoop
    private let handler: NIOLoopBound<SMPPSessionHandler>
    /// Requests handed to this session and not yet completed (queued or outstanding): the pool's load measure.
    let load = Atomic<Int>(0)

    init(slot: Int, canSubmit: Bool, handler: SMPPSessionHandler, eventLoop: any EventLoop) {
        self.slot = slot
        self.canSubmit = canSubmit
        self.eventLoop = eventLoop
        self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
    }

    /// Queues `request` on the session (on its event loop).
    func submit(_ request: OutboundSubmit) {
        load.add(1, ordering: .relaxed)
        if eventLoop.inEventLoop {
            handler.value.submit(request)
        } else {
            eventLoop.execute { self.handler.value.submit(request) }
        }
    }

    /// Starts graceful unbind.
    func shutdown() {
        eventLoop.execute { self.handler.value.shutdown() }
    }

    /// Closes the connection at once (outstanding requests fail as session lost).
    func close() {
        eventLoop.execute { self.handler.value.closeNow() }
    }

    /// Delivers an application's answer to an inbound request.
    func answerInbound(sequenceNumber: UInt32, status: UInt32, token: UInt64) {
        eventLoop.execute {
            self.handler.value.answerInbound(sequenceNumber: sequenceNumber, status: status, token: token)
        }
    }
}
