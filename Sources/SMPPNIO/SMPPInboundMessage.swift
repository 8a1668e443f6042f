public import NIOCore
public import SMPP

/// A deliver_sm or data_sm the SMSC sent, handed to the application, which must answer it with ``respond(status:)``
/// before ``deadline``. If it does not, the client answers ESME_RX_T_APPN itself (the SMSC then delivers it again
/// later). Only the first answer counts. ``respondWritten(status:)`` (or ``respond(status:then:)``) also says whether
/// the answer was written, for an application that must know whether the SMSC will deliver the message again.
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

    /// Answers the SMSC with `status` (deliver_sm_resp / data_sm_resp) without waiting for the answer to be written.
    /// - Returns: true when this answer won: nothing had answered the message yet, so it is the one the client
    ///   writes — unless the session ends, or the write fails, before it reaches the connection, which this cannot
    ///   tell yet (``respond(status:then:)`` and ``respondWritten(status:)`` do). False when the message had already
    ///   been answered (an earlier call, the client's ESME_RX_T_APPN at the deadline, the SMSC reusing its sequence
    ///   number for another message, or the session ending): then the SMSC delivers it again and the application must
    ///   not treat it as acknowledged.
    @discardableResult
    public func respond(status: CommandStatus) -> Bool {
        responder.respond(status: status)
    }

    /// Answers the SMSC with `status` (deliver_sm_resp / data_sm_resp) and tells `report`, exactly once, whether the
    /// answer was written to the connection the message came on.
    ///
    /// True once its write succeeded (the client's own expiry at the deadline may be the one writing it, when this
    /// answer had won the race just before). False when the answer does not reach the connection: the message had
    /// already been answered (see ``respond(status:)``), or the session ended, or the SMSC reused the sequence number,
    /// between this call and the write, or the write failed. On false the SMSC delivers the message again. True means
    /// written to the socket: SMPP does not acknowledge a response, so a connection that dies at once can still lose
    /// it. `report` runs on the session's event loop or on the calling thread; it must not block.
    public func respond(status: CommandStatus, then report: @escaping @Sendable (Bool) -> Void) {
        _ = responder.respond(status: status, report: report)
    }

    /// Runs `handler` once if the message goes without this application's answer: the client answers ESME_RX_T_APPN
    /// itself at ``deadline``, or the session ends (or the SMSC reuses the sequence number) before any answer of the
    /// application won. From then on no answer of the application can reach the SMSC, which delivers the message
    /// again. Runs at once when that happened already, never when an answer of the application won first (whether
    /// that one was written is what ``respond(status:then:)`` reports). A later call replaces a handler that has not
    /// run. `handler` runs on the session's event loop or the calling thread; it must not block.
    public func whenPreempted(_ handler: @escaping @Sendable () -> Void) {
        responder.whenPreempted(handler)
    }

    /// ``respond(status:then:)`` awaited: true once the answer was written to the connection the message came on,
    /// false when it was not (the SMSC then delivers the message again). Returns within the time the session takes
    /// to write, or to end.
    public func respondWritten(status: CommandStatus) async -> Bool {
        await withCheckedContinuation { continuation in
            respond(status: status) { continuation.resume(returning: $0) }
        }
    }
}
