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
            request.promise.complete(.success(SubmitOutcome(
                commandStatus: CommandStatus(rawValue: status), messageID: "", sessionIndex: settings.slot,
                sequenceNumber: sequenceNumber, latency: latency)))
        case .lateResponse(let request, let sequenceNumber, let status, let latency):
            // Late submit_sm_resps are reported in dispatch, where the message_id is at hand; this path is a late
            // generic_nack's.
            logger.info("generic_nack after the response timeout: late outcome", metadata: [
                SMPPLogKey.sequenceNumber: "\(sequenceNumber)", SMPPLogKey.commandStatus: "\(status)",
                SMPPLogKey.submitTag: "\(request.tag)",
                SMPPLogKey.statusName: "\(CommandStatus(rawValue: status).name)",
            ])
            delegate?.lateOutcome(LateSubmitOutcome(tag: request.tag, outcome: SubmitOutcome(
                commandStatus: CommandStatus(rawValue: status), messageID: "", sessionIndex: settings.slot,
                sequenceNumber: sequenceNumber, latency: latency)))
        case .fail(let request, let sequenceNumber, let failure):
            fail(request, sequenceNumber: sequenceNumber, failure)
        case .unexpectedResponse(let sequenceNumber):
            metrics.unexpectedResponses.increment()
            logger.warning("response matches no outstanding request", metadata: [
                SMPPLogKey.sequenceNumber: "\(sequenceNumber)",
            ])
        case .ambiguousNack(let sequenceNumber, let status):
            metrics.unexpectedResponses.increment()
            // The submit waits for its own response, or times out (outcome unknown).
            logger.warning(
                "generic_nack numbered like an answer we just wrote and like a waiting submit: taken as the answer's",
                metadata: [
                    SMPPLogKey.sequenceNumber: "\(sequenceNumber)",
                    SMPPLogKey.commandStatus: "\(status)",
                ])
        case .deliverInbound:
            // Only produced by inboundRequestReceived, which dispatch handles with the body in hand.
            break
        case .inboundExpired(let sequenceNumber):
            // The application's answer may have won the race and be on its way here: then it is the answer, and
            // this write reports its outcome to the application.
            let answered = inboundResponders.removeValue(forKey: sequenceNumber)?.settle()
            if answered == nil { inboundExpired(sequenceNumber: sequenceNumber, now: now) }
            write(.inboundResponse(sequenceNumber: sequenceNumber,
                                   status: answered?.status.rawValue ?? WireStatus.temporaryAppError),
                  then: answered?.report)
        case .close(let reason, let pdu, let outstanding):
            closeSession(reason, write: pdu, outstanding: outstanding)
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
            SMPPLogKey.submitTag: "\(request.tag)",
        ])
        request.promise.complete(.failure(error))
    }

    private func closeSession(_ reason: SessionEndReason, write pdu: SessionStateMachine<OutboundSubmit>.OutboundPDU?,
                              outstanding: [(UInt32, OutboundSubmit)]) {
        if endReason == nil { endReason = reason }
        if reason == .linkDead {
            metrics.enquireLinkMisses.increment()
            logger.warning("enquire_link unanswered: link is dead")
        }
        if reason == .unresponsive {
            logger.warning("submits unanswered \(settings.machine.maxConsecutiveTimeouts) times in a row: closing the session")
        }
        if wasBound { metrics.sessionBoundChanged(by: -1) }
        if let pdu { write(pdu) }
        for (sequenceNumber, request) in outstanding {
            fail(request, sequenceNumber: sequenceNumber, .sessionLost)
        }
        if !outstanding.isEmpty {
            logger.warning("session lost with requests outstanding: outcome unknown", metadata: [
                SMPPLogKey.reason: "\(reason)", "smpp.outstanding": "\(outstanding.count)",
            ])
        }
        inboundIsDataSM.removeAll()
        // Answers the application gives from now on no longer take effect (the SMSC redelivers), nor do those that
        // won but are still on their way here: they are reported unwritten.
        for responder in inboundResponders.values { responder.abandon() }
        inboundResponders.removeAll()
        if let handle, let delegate {
            delegate.sessionEnded(handle, reason: reason, wasBound: wasBound)
        }
        if let context {
            if needsFlush {
                needsFlush = false
                context.flush()
            }
            context.close(promise: nil)
        }
    }

    /// Writes a control PDU the machine asked for; `report`, if given, is told once whether the write succeeded.
    func write(_ outbound: SessionStateMachine<OutboundSubmit>.OutboundPDU,
               then report: InboundResponder.Report? = nil) {
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
        guard let context else {
            report?(false)
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        do {
            try pdu.encode(into: &buffer)
        } catch {
            logger.error("cannot encode control PDU", metadata: [SMPPLogKey.error: "\(error)"])
            report?(false)
            return
        }
        logger.trace("sending", metadata: [SMPPLogKey.pdu: "\(PDUTrace(pdu))"])
        // A promise only when someone waits for the outcome: the receipts' answers, most of the traffic, go without.
        let promise = report.map { report in
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenComplete { result in
                if case .success = result { report(true) } else { report(false) }
            }
            return promise
        }
        context.write(wrapOutboundOut(buffer), promise: promise)
        needsFlush = true
    }

    /// After every event: pull and send what the window and limits allow, unbind if shutdown has drained, flush,
    /// re-arm the timer. Returns whether the pool was asked for a request.
    @discardableResult
    func afterEvent(now: NIODeadline) -> Bool {
        guard let context else { return false }
        var asked = false
        if let handle, let delegate {
            while let (request, sequenceNumber) = machine.nextSend(now: now, take: {
                asked = true
                return delegate.nextRequest(for: handle)
            }) {
                send(request, sequenceNumber: sequenceNumber, context: context)
            }
        }
        // Every path that empties the window or the held inbound set (responses, nacks, timeouts, answers) ends
        // here: once shutdown has drained, unbind.
        run(machine.unbindIfDrained(now: now), now: now)
        let occupied = machine.window.count
        if occupied != lastOccupancy {
            lastOccupancy = occupied
            occupancy.record(occupied)
        }
        if needsFlush, !inReadBatch {
            needsFlush = false
            context.flush()
        }
        armTimer(now: now, context: context)
        return asked
    }

    private func send(_ request: OutboundSubmit, sequenceNumber: UInt32, context: ChannelHandlerContext) {
        var encoded = request.encoded
        encoded.setInteger(sequenceNumber, at: encoded.readerIndex + 12)
        if logger.logLevel <= .trace {
            // Decoded again only when tracing: the hot path never pays for it.
            var copy = encoded
            let pdu = try? PDU.decode(frame: &copy)
            logger.trace("sending", metadata: [
                SMPPLogKey.command: "\(request.commandName)", SMPPLogKey.sequenceNumber: "\(sequenceNumber)",
                SMPPLogKey.pdu: "\(pdu.map { "\(PDUTrace($0))" } ?? "undecodable")",
            ])
        }
        context.write(wrapOutboundOut(encoded), promise: nil)
        needsFlush = true
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
