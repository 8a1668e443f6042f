import NIOCore

extension SessionStateMachine {
    /// The SMSC sent deliver_sm or data_sm. Bound receivers hand it to the application with a deadline; otherwise
    /// it is refused with ESME_RINVBNDSTS.
    mutating func inboundRequestReceived(sequenceNumber: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        switch state {
        case .bound, .unbinding:
            guard canReceive else { break }
            if inbound.contains(sequenceNumber) {
                // A repeat of one the application still holds: the first answer will serve both.
                return .none
            }
            lastInboundToken &+= 1
            inbound.insert(lastInboundToken, sequenceNumber: sequenceNumber, sentAt: now,
                           deadline: now + configuration.inboundResponseTimeout)
            return .deliverInbound(sequenceNumber: sequenceNumber)
        case .closed:
            return .none
        case .connecting, .binding:
            break
        }
        return .write(.inboundResponse(sequenceNumber: sequenceNumber, status: WireStatus.incorrectBindStatus))
    }

    /// The token of the inbound request the application holds under `sequenceNumber`; its answer must carry it.
    func inboundToken(sequenceNumber: UInt32) -> UInt64? { inbound.request(for: sequenceNumber) }

    /// The application answered an inbound request. A late answer (we already said ESME_RX_T_APPN) is dropped, also
    /// when the SMSC has since sent another request with the same sequence number (its token differs).
    mutating func inboundAnswered(sequenceNumber: UInt32, status: UInt32, token: UInt64? = nil,
                                  now: NIODeadline) -> Action {
        guard !isClosed, let held = inbound.request(for: sequenceNumber), token == nil || token == held,
              inbound.remove(sequenceNumber) != nil else { return .none }
        return .write(.inboundResponse(sequenceNumber: sequenceNumber, status: status))
    }

    /// Whether the handler may read more from the socket: not while the application holds the maximum of inbound
    /// requests unanswered (backpressure onto the SMSC).
    var mayRead: Bool { inbound.count < max(1, configuration.maxInboundInFlight) }

    /// Inbound requests the application has not answered yet.
    var inboundInFlight: Int { inbound.count }
}
