import NIOConcurrencyHelpers
public import NIOCore
public import SMPP

/// A deliver_sm or data_sm the SMSC sent, handed to the application, which must answer it with ``respond(status:)``
/// before ``deadline``. If it does not, the client answers ESME_RX_T_APPN itself (the SMSC then delivers it again
/// later). Only the first answer counts.
public struct SMPPInboundMessage: Sendable {
    /// What arrived.
    public enum Body: Sendable, Hashable {
        /// deliver_sm: an MO message or a delivery receipt (esm_class tells which).
        case deliverSM(DeliverSM)
        /// data_sm.
        case dataSM(DataSM)
        /// A deliver_sm or data_sm whose body does not parse (e.g. stray octets after its TLVs): the whole PDU as
        /// received (header included) and why it failed. It is never dropped or nacked by the client: the
        /// application decides (keep it, or answer ESME_RX_T_APPN so the SMSC retries).
        case undecodable(commandID: CommandID, raw: [UInt8], error: SMPPDecodeError)
    }

    /// The request body.
    public let body: Body
    /// Its sequence number on the session it arrived on.
    public let sequenceNumber: UInt32
    /// The index of the session (connection slot) it arrived on, 0-based.
    public let sessionIndex: Int
    /// When the client answers ESME_RX_T_APPN itself (arrival + `smpp.inbound_timeout`, on the event loop's
    /// clock, `NIODeadline.now()`): an answer after it no longer takes effect. Check it before doing work on a
    /// message that waited in the stream.
    public let deadline: NIODeadline
    let responder: InboundResponder

    /// Answers the SMSC with `status` (deliver_sm_resp / data_sm_resp).
    /// - Returns: true when this answer is the one the SMSC gets; false when the message had already been answered
    ///   (an earlier call, the client's ESME_RX_T_APPN at the deadline, the SMSC reusing its sequence number for
    ///   another message, or the session ending): then the SMSC delivers it again and the application must not
    ///   treat it as acknowledged.
    @discardableResult
    public func respond(status: CommandStatus) -> Bool {
        responder.respond(status: status)
    }
}

/// Decides, once, whether the application's answer or the client's own (at the deadline, or the session ending)
/// answers an inbound request, and carries the application's answer to the session's event loop.
final class InboundResponder: Sendable {
    enum Phase: Equatable {
        case pending
        case answered(CommandStatus)
        case expired
    }

    private let deliver: @Sendable (CommandStatus) -> Void
    private let phase = NIOLockedValueBox(Phase.pending)

    init(_ deliver: @escaping @Sendable (CommandStatus) -> Void) { self.deliver = deliver }

    /// The application's answer: true if it wins (nothing answered the request yet).
    func respond(status: CommandStatus) -> Bool {
        let won = phase.withLockedValue { phase in
            guard phase == .pending else { return false }
            phase = .answered(status)
            return true
        }
        if won { deliver(status) }
        return won
    }

    /// The client answers it (deadline, session end, superseded): returns the application's status when its
    /// answer already won and is on its way to the event loop (the caller then writes that instead), else nil.
    func expire() -> CommandStatus? {
        phase.withLockedValue { phase in
            switch phase {
            case .pending:
                phase = .expired
                return nil
            case .answered(let status):
                return status
            case .expired:
                return nil
            }
        }
    }
}
