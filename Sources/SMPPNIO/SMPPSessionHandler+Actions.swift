import Logging
import NIOCore
import SMPP

extension SMPPSessionHandler {
    typealias Action = SessionStateMachine<OutboundSubmit>.Action

    /// Carries out one action of the machine.
    func run(_ action: Action, now: NIODeadline) {
        switch action {
        case .none:
            break
        case .write(let pdu):
            write(pdu)
        case .sessionBound:
            wasBound = true
            metrics.sessionBoundChanged(by: 1)
            if let handle { delegate?.sessionBound(handle) }
        case .complete(let request, let sequenceNumber, let status, let latency):
            // Responses are completed in dispatch, where the message_id is at hand; this path has none.
            handle?.load.subtract(1, ordering: .relaxed)
            request.promise.complete(.success(SubmitOutcome(
                commandStatus: CommandStatus(rawValue: status), messageID: "", sessionIndex: settings.slot,
                sequenceNumber: sequenceNumber, latency: latency)))
        case .fail(let request, let sequenceNumber, let failure):
            handle?.load.subtract(1, ordering: .relaxed)
            fail(request, sequenceNumber: sequenceNumber, failure)
        case .reroute(let request):
            handle?.load.subtract(1, ordering: .relaxed)
            if let delegate {
                delegate.reroute(request)
            } else {
                request.promise.complete(.failure(SMPPClientError(code: .shuttingDown)))
            }
        case .unexpectedResponse(let sequenceNumber):
            metrics.unexpectedResponses.increment()
            logger.warning("response matches no outstanding request", metadata: [
                SMPPLogKey.sequenceNumber: "\(sequenceNumber)",
            ])
        case .deliverInbound:
            // Only produced by inboundRequestReceived, which dispatch handles with the body in hand.
            break
        case .close(let reason, let pdu, let outstanding, let unsent):
            closeSession(reason, write: pdu, outstanding: outstanding, unsent: unsent)
        }
    }

    private func fail(_ request: OutboundSubmit, sequenceNumber: UInt32,
                      _ failure: SessionStateMachine<OutboundSubmit>.RequestFailure) {
        let error: SMPPClientError
        switch failure {
        case .genericNack(let status):
            error = SMPPClientError(code: .genericNack, commandStatus: status, sequenceNumber: sequenceNumber,
                                    sessionIndex: settings.slot)
        case .responseTimeout:
            error = SMPPClientError(code: .responseTimeout, sequenceNumber: sequenceNumber, sessionIndex: settings.slot)
        case .sessionLost:
            error = SMPPClientError(code: .sessionLostOutcomeUnknown, sequenceNumber: sequenceNumber,
                                    sessionIndex: settings.slot)
        case .malformedResponse:
            error = SMPPClientError(code: .malformedResponse, sequenceNumber: sequenceNumber,
                                    sessionIndex: settings.slot)
        }
        metrics.submitFailed(error.code)
        logger.debug("submit failed", metadata: [
            SMPPLogKey.sequenceNumber: "\(sequenceNumber)", SMPPLogKey.error: "\(error.code)",
        ])
        request.promise.complete(.failure(error))
    }

    private func closeSession(_ reason: SessionEndReason, write pdu: SessionStateMachine<OutboundSubmit>.OutboundPDU?,
                              outstanding: [(UInt32, OutboundSubmit)], unsent: [OutboundSubmit]) {
        if endReason == nil { endReason = reason }
        if reason == .linkDead {
            metrics.enquireLinkMisses.increment()
            logger.warning("enquire_link unanswered: link is dead")
        }
        if wasBound { metrics.sessionBoundChanged(by: -1) }
        if let pdu { write(pdu) }
        for (sequenceNumber, request) in outstanding {
            handle?.load.subtract(1, ordering: .relaxed)
            fail(request, sequenceNumber: sequenceNumber, .sessionLost)
        }
        if !outstanding.isEmpty {
            logger.warning("session lost with requests outstanding: outcome unknown", metadata: [
                SMPPLogKey.reason: "\(reason)", "smpp.outstanding": "\(outstanding.count)",
            ])
        }
        handle?.load.subtract(unsent.count, ordering: .relaxed)
        inboundIsDataSM.removeAll()
        if let handle, let delegate {
            delegate.sessionEnded(handle, reason: reason, wasBound: wasBound, unsent: unsent)
        } else {
            for request in unsent { request.promise.complete(.failure(SMPPClientError(code: .shuttingDown))) }
        }
        if let context {
            if needsFlush {
                needsFlush = false
                context.flush()
            }
            context.close(promise: nil)
        }
    }

    /// Writes a control PDU the machine asked for.
    func write(_ outbound: SessionStateMachine<OutboundSubmit>.OutboundPDU) {
        let pdu: PDU
        switch outbound {
        case .bind(let sequenceNumber):
            let body: PDUBody
            switch settings.kind {
            case .transmitter: body = .bindTransmitter(settings.bind)
            case .receiver: body = .bindReceiver(settings.bind)
            case .transceiver: body = .bindTransceiver(settings.bind)
            }
            pdu = PDU(body, sequenceNumber: sequenceNumber)
        case .enquireLink(let sequenceNumber):
            pdu = PDU(.enquireLink, sequenceNumber: sequenceNumber)
        case .enquireLinkResp(let sequenceNumber):
            pdu = PDU(.enquireLinkResp, sequenceNumber: sequenceNumber)
        case .unbind(let sequenceNumber):
            pdu = PDU(.unbind, sequenceNumber: sequenceNumber)
        case .unbindResp(let sequenceNumber):
            pdu = PDU(.unbindResp, sequenceNumber: sequenceNumber)
        case .genericNack(let sequenceNumber, let status):
            pdu = PDU(.genericNack, sequenceNumber: sequenceNumber, commandStatus: CommandStatus(rawValue: status))
        case .inboundResponse(let sequenceNumber, let status):
            let isDataSM = inboundIsDataSM.removeValue(forKey: sequenceNumber) ?? false
            pdu = PDU(isDataSM ? .dataSMResp(DataSMResp()) : .deliverSMResp(DeliverSMResp()),
                      sequenceNumber: sequenceNumber, commandStatus: CommandStatus(rawValue: status))
        }
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        do {
            try pdu.encode(into: &buffer)
        } catch {
            logger.error("cannot encode control PDU", metadata: [SMPPLogKey.error: "\(error)"])
            return
        }
        logger.trace("sending", metadata: [SMPPLogKey.pdu: "\(PDUTrace(pdu))"])
        context.write(wrapOutboundOut(buffer), promise: nil)
        needsFlush = true
    }

    /// After every event: send what the window and limits allow, release a held read, flush, re-arm the timer.
    func afterEvent(now: NIODeadline) {
        guard let context else { return }
        sending: while true {
            let decision = machine.nextSend(now: now) { $0.promise.claimForSending() }
            guard case .send(var request, let sequenceNumber) = decision else {
                if case .withdrawn = decision {
                    // Its caller has already been told it was cancelled.
                    handle?.load.subtract(1, ordering: .relaxed)
                    continue sending
                }
                break sending
            }
            request.encoded.setInteger(sequenceNumber, at: request.encoded.readerIndex + 12)
            if logger.logLevel <= .trace {
                // Decoded again only when tracing: the hot path never pays for it.
                var copy = request.encoded
                let pdu = try? PDU.decode(frame: &copy)
                logger.trace("sending", metadata: [
                    SMPPLogKey.command: "\(request.commandName)", SMPPLogKey.sequenceNumber: "\(sequenceNumber)",
                    SMPPLogKey.pdu: "\(pdu.map { "\(PDUTrace($0))" } ?? "undecodable")",
                ])
            }
            context.write(wrapOutboundOut(request.encoded), promise: nil)
            needsFlush = true
        }
        let occupied = machine.window.count
        if occupied != lastOccupancy {
            lastOccupancy = occupied
            occupancy.record(occupied)
        }
        if readHeld, machine.mayRead, !machine.isClosed {
            readHeld = false
            context.read()
        }
        if needsFlush, !inReadBatch {
            needsFlush = false
            context.flush()
        }
        armTimer(now: now, context: context)
    }

    private func armTimer(now: NIODeadline, context: ChannelHandlerContext) {
        guard let deadline = machine.nextDeadline(now: now) else { return }
        // Only re-arm for an earlier deadline: a timer that fires early finds nothing due and re-arms itself.
        if let current = timerDeadline, current <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) { loopBound.value.timerFired() }
    }
}

/// A PDU as text for the trace log, with the password of a bind masked.
struct PDUTrace: CustomStringConvertible {
    let pdu: PDU
    init(_ pdu: PDU) { self.pdu = pdu }

    var description: String {
        let header = "\(pdu.commandID.name) seq=\(pdu.sequenceNumber) status=\(pdu.commandStatus.rawValue)"
        switch pdu.body {
        case .bindTransmitter(let bind), .bindReceiver(let bind), .bindTransceiver(let bind):
            return "\(header) system_id=\(bind.systemID) password=******** system_type=\(bind.systemType)"
        case .outbind(let outbind):
            return "\(header) system_id=\(outbind.systemID) password=********"
        default:
            return "\(header) \(pdu.body)"
        }
    }
}
