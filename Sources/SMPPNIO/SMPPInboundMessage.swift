import NIOConcurrencyHelpers
public import SMPP

/// A deliver_sm or data_sm the SMSC sent, handed to the application, which must answer it with ``respond(status:)``.
/// If it does not answer within the configured inbound response timeout, the client answers ESME_RX_T_APPN itself
/// (the SMSC then delivers it again later). Only the first answer counts.
public struct SMPPInboundMessage: Sendable {
    /// What arrived.
    public enum Body: Sendable, Hashable {
        /// deliver_sm: an MO message or a delivery receipt (esm_class tells which).
        case deliverSM(DeliverSM)
        /// data_sm.
        case dataSM(DataSM)
    }

    /// The request body.
    public let body: Body
    /// Its sequence number on the session it arrived on.
    public let sequenceNumber: UInt32
    /// The index of the session (connection slot) it arrived on, 0-based.
    public let sessionIndex: Int
    let responder: InboundResponder

    /// Answers the SMSC with `status` (deliver_sm_resp / data_sm_resp). Later calls, and calls after the timeout
    /// answer or after the session ended, do nothing.
    public func respond(status: CommandStatus) {
        responder.respond(sequenceNumber: sequenceNumber, status: status)
    }
}

/// Carries an application's answer to the session that owns the request, on that session's event loop.
final class InboundResponder: Sendable {
    private let deliver: @Sendable (UInt32, CommandStatus) -> Void
    private let answered = NIOLockedValueBox(false)

    init(_ deliver: @escaping @Sendable (UInt32, CommandStatus) -> Void) { self.deliver = deliver }

    func respond(sequenceNumber: UInt32, status: CommandStatus) {
        let first = answered.withLockedValue { answered in
            defer { answered = true }
            return !answered
        }
        if first { deliver(sequenceNumber, status) }
    }
}
