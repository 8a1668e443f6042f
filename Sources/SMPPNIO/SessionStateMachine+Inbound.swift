import NIOCore

extension SessionStateMachine {
    /// The SMSC sent deliver_sm or data_sm (`body`: its octets after the header). A bound receiver hands it to
    /// the application with a deadline; it is refused with ESME_RX_T_APPN (the SMSC retries later) when the
    /// application already holds ``Configuration/maxInboundInFlight`` or the session is shutting down, and with
    /// ESME_RINVBNDSTS when the session cannot receive — except a data_sm (`isDataSM`), which SMPP 3.4 lets the
    /// SMSC send on a transmitter too (reference §2): refusing it with a session-class status could make the SMSC drop
    /// the message.
    ///
    /// The same sequence number while the application still holds one: the same body is a repeat (the first
    /// answer serves both); a different body means the SMSC gave up on the first and reused the number, so the
    /// newcomer replaces it (the first one's answer then no longer takes effect; the SMSC redelivers it).
    mutating func inboundRequestReceived(
        sequenceNumber: UInt32, body: [UInt8] = [], isDataSM: Bool = false, now: NIODeadline
    ) -> Action {
        lastReceived = now
        switch state {
        case .bound, .unbinding:
            guard canReceive || isDataSM else { break }
            if let held = inbound.request(for: sequenceNumber) {
                if held.body == body { return .none }
                _ = inbound.remove(sequenceNumber)
            } else if unbindWhenDrained || state != .bound || inbound.count >= max(1, configuration.maxInboundInFlight) {
                recentAnswers.record(sequenceNumber, now: now)
                return .write(.inboundResponse(sequenceNumber: sequenceNumber, status: WireStatus.temporaryAppError))
            }
            lastInboundToken &+= 1
            inbound.insert(HeldInbound(token: lastInboundToken, body: body), sequenceNumber: sequenceNumber,
                           sentAt: now, deadline: now + configuration.inboundResponseTimeout)
            return .deliverInbound(sequenceNumber: sequenceNumber)
        case .closed:
            return .none
        case .connecting, .binding:
            break
        }
        recentAnswers.record(sequenceNumber, now: now)
        return .write(.inboundResponse(sequenceNumber: sequenceNumber, status: WireStatus.incorrectBindStatus))
    }

    /// The token of the inbound request the application holds under `sequenceNumber`; its answer must carry it.
    func inboundToken(sequenceNumber: UInt32) -> UInt64? { inbound.request(for: sequenceNumber)?.token }

    /// When the client answers the inbound request held under `sequenceNumber` itself (ESME_RX_T_APPN).
    func inboundDeadline(sequenceNumber: UInt32) -> NIODeadline? { inbound.deadline(for: sequenceNumber) }

    /// The application answered an inbound request. A late answer (we already said ESME_RX_T_APPN) is dropped, also
    /// when the SMSC has since sent another request with the same sequence number (its token differs).
    mutating func inboundAnswered(sequenceNumber: UInt32, status: UInt32, token: UInt64? = nil,
                                  now: NIODeadline) -> Action {
        guard !isClosed, let held = inbound.request(for: sequenceNumber), token == nil || token == held.token,
              inbound.remove(sequenceNumber) != nil else { return .none }
        recentAnswers.record(sequenceNumber, now: now)
        return .write(.inboundResponse(sequenceNumber: sequenceNumber, status: status))
    }

    /// Inbound requests the application has not answered yet.
    var inboundInFlight: Int { inbound.count }
}
