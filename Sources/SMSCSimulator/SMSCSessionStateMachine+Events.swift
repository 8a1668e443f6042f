import NIOCore
import SMPP

extension SMSCSessionStateMachine {
    /// The accounts' answer to an `authenticate` action.
    mutating func bindVerdictReceived(
        _ verdict: BindVerdict, kind: BindKind, systemID: String, sequenceNumber: UInt32,
        limitResponse: SessionLimitResponse, serverSystemID: String, peerInterfaceVersion: UInt8 = InterfaceVersion.smpp34,
        now: NIODeadline
    ) -> [Action] {
        guard state == .open else { return [] }
        let status: CommandStatus
        switch verdict {
        case .accepted:
            state = .bound(kind, systemID: systemID, unbindSent: false)
            sessionInitDeadline = nil
            if let after = faults.sendUnbindAfterMilliseconds {
                unbindDeadline = now + .milliseconds(after)
            }
            if let enquireLinkInterval { enquireLinkDeadline = now + enquireLinkInterval }
            // A 3.3 peer (interface_version ≤ 0x33) knows no TLVs (reference §3): its bind_resp carries none.
            let tlvs: [TLV] = peerInterfaceVersion >= InterfaceVersion.smpp34 ? [.scInterfaceVersion(InterfaceVersion.smpp34)] : []
            let body = BindResponse(systemID: serverSystemID, tlvs: tlvs)
            return [.count(\.bindsAccepted), reply(kind.response(body), sequenceNumber)]
        case .unknownSystemID: status = .invalidSystemID
        case .wrongPassword: status = .invalidPassword
        case .tooManySessions: status = limitResponse == .alreadyBound ? .alreadyBound : .bindFailed
        case .refusedByFault: status = .bindFailed
        }
        return [.count(\.bindsRejected), reply(kind.response(BindResponse()), sequenceNumber, status: status)]
    }

    /// A frame that could not be read. A bad command_length cannot be resynchronised: generic_nack
    /// ESME_RINVCMDLEN with sequence 0, then close (reference §1). A body that does not parse is answered with
    /// generic_nack carrying the status the codec suggests and the PDU's sequence number.
    mutating func frameErrorReceived(_ error: SMPPDecodeError) -> [Action] {
        guard state != .closed else { return [] }
        if error.code == .invalidCommandLength {
            state = .closed
            let nack = PDU(.genericNack, sequenceNumber: 0, commandStatus: .invalidCommandLength)
            return [.count(\.protocolErrors), .send(nack, delayMilliseconds: 0), .close(.protocolError)]
        }
        receivedPDUs += 1
        let nack = PDU(.genericNack, sequenceNumber: error.sequenceNumber ?? 0, commandStatus: error.code.suggestedStatus)
        return [.count(\.protocolErrors), .send(nack, delayMilliseconds: 0)]
    }

    /// The clock reached `nextDeadline` (or later).
    mutating func timerFired(now: NIODeadline) -> [Action] {
        guard state != .closed else { return [] }
        var actions: [Action] = []
        if let deadline = sessionInitDeadline, deadline <= now, state == .open {
            state = .closed
            return [.count(\.sessionInitTimeouts), .close(.sessionInitTimeout)]
        }
        if let deadline = unbindDeadline, deadline <= now, case .bound(let kind, let systemID, let unbindSent) = state {
            if unbindSent {
                state = .closed
                return [.close(.unbindNotAnswered)]
            }
            state = .bound(kind, systemID: systemID, unbindSent: true)
            unbindDeadline = now + Self.unbindResponseTimeout
            actions += [.count(\.unbindsSent), .send(PDU(.unbind, sequenceNumber: allocateSequence()), delayMilliseconds: 0)]
        }
        if let deadline = enquireLinkDeadline, deadline <= now, let interval = enquireLinkInterval,
           case .bound(_, _, false) = state {
            enquireLinkDeadline = now + interval
            actions += [.count(\.enquireLinksSent), .send(PDU(.enquireLink, sequenceNumber: allocateSequence()), delayMilliseconds: 0)]
        }
        for (sequence, pending) in pendingDeliveries where pending.deadline <= now {
            pendingDeliveries[sequence] = nil
            actions.append(.deliveryFinished(deliveryID: pending.deliveryID, .retry))
        }
        return actions
    }

    /// Numbers a deliver_sm for delivery `deliveryID` and starts its response timer; nil when the session
    /// cannot take deliveries now.
    mutating func deliverySent(deliveryID: UInt64, now: NIODeadline) -> UInt32? {
        guard canReceive else { return nil }
        let sequence = allocateSequence()
        pendingDeliveries[sequence] = (deliveryID, now + deliverResponseTimeout)
        return sequence
    }

    /// A deliver_sm numbered by `deliverySent` could not be written after all.
    mutating func deliveryNotSent(sequenceNumber: UInt32) {
        pendingDeliveries[sequenceNumber] = nil
    }

    /// The connection closed: nothing more happens; returns the deliveries still unanswered.
    mutating func closed() -> [UInt64] {
        state = .closed
        let unanswered = unansweredDeliveries
        pendingDeliveries = [:]
        sessionInitDeadline = nil
        unbindDeadline = nil
        enquireLinkDeadline = nil
        return unanswered
    }

    /// The next sequence number for a request the simulator sends: 1…0x7FFFFFFF, then 1 again (reference §1).
    mutating func allocateSequence() -> UInt32 {
        let sequence = nextSequence
        nextSequence = nextSequence >= 0x7FFF_FFFF ? 1 : nextSequence + 1
        return sequence
    }
}
