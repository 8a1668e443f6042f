import Logging
import Metrics
import NIOCore
import SMPP

extension SMPPSessionHandler {
    /// Feeds one decoded PDU to the machine.
    func dispatch(_ pdu: PDU, now: NIODeadline) {
        let sequenceNumber = pdu.sequenceNumber
        let status = pdu.commandStatus.rawValue
        switch pdu.body {
        case .bindTransmitterResp, .bindReceiverResp, .bindTransceiverResp:
            let action = machine.bindResponseReceived(sequenceNumber: sequenceNumber, status: status, now: now)
            logBindResult(pdu.commandStatus, action: action)
            run(action, now: now)
        case .submitSMResp(let response):
            responseReceived(sequenceNumber, pdu.commandStatus, messageID: response.messageID, now: now)
        case .dataSMResp(let response):
            responseReceived(sequenceNumber, pdu.commandStatus, messageID: response.messageID, now: now)
        case .genericNack:
            let action = machine.genericNackReceived(sequenceNumber: sequenceNumber, status: status, now: now)
            if case .fail = action, WireStatus.isThrottle(status) {
                metrics.throttleEvents.increment()
                logger.warning("SMSC throttling (generic_nack); pausing session", metadata: [
                    SMPPLogKey.statusName: "\(pdu.commandStatus.name)", SMPPLogKey.window: "\(machine.effectiveWindow)",
                ])
            }
            run(action, now: now)
        case .enquireLink:
            run(machine.enquireLinkReceived(sequenceNumber: sequenceNumber, now: now), now: now)
        case .enquireLinkResp:
            run(machine.enquireLinkResponseReceived(sequenceNumber: sequenceNumber, now: now), now: now)
        case .unbind:
            logger.info("SMSC sent unbind; answering and reconnecting")
            run(machine.unbindReceived(sequenceNumber: sequenceNumber, now: now), now: now)
        case .unbindResp:
            run(machine.unbindResponseReceived(sequenceNumber: sequenceNumber, now: now), now: now)
        case .deliverSM(let deliver):
            inboundReceived(.deliverSM(deliver), sequenceNumber: sequenceNumber, isDataSM: false, now: now)
        case .dataSM(let data):
            inboundReceived(.dataSM(data), sequenceNumber: sequenceNumber, isDataSM: true, now: now)
        case .alertNotification:
            // Has no response (reference §3); we do not act on it.
            machine.activityReceived(now: now)
        default:
            if pdu.commandID.isResponse {
                // A response to something we never send (query_sm_resp, …): it matches nothing.
                run(.unexpectedResponse(sequenceNumber: sequenceNumber), now: now)
            } else {
                run(machine.unsupportedRequestReceived(sequenceNumber: sequenceNumber, now: now), now: now)
            }
        }
    }

    private func responseReceived(_ sequenceNumber: UInt32, _ status: CommandStatus, messageID: String,
                                  now: NIODeadline) {
        let wasPaused = machine.pausedUntil.map { $0 > now } ?? false
        let action = machine.submitResponseReceived(sequenceNumber: sequenceNumber, status: status.rawValue, now: now)
        guard case .complete(let request, _, _, let latency) = action else {
            run(action, now: now)
            return
        }
        handle?.load.subtract(1, ordering: .relaxed)
        if let counter = submitCounters[status.rawValue] {
            counter.increment()
        } else {
            let counter = metrics.submits(status: status)
            submitCounters[status.rawValue] = counter
            counter.increment()
        }
        metrics.responseLatency.recordNanoseconds(latency.nanoseconds)
        logger.debug("submit response", metadata: [
            SMPPLogKey.sequenceNumber: "\(sequenceNumber)", SMPPLogKey.messageID: "\(messageID)",
            SMPPLogKey.commandStatus: "\(status.rawValue)", SMPPLogKey.statusName: "\(status.name)",
            SMPPLogKey.latencyMilliseconds: "\(Double(latency.nanoseconds) / 1e6)",
        ])
        if status == .throttled || status == .messageQueueFull {
            metrics.throttleEvents.increment()
            // One warning when a pause begins; answers arriving during it only lower the window further.
            logger.log(level: wasPaused ? .debug : .warning, "SMSC throttling; pausing session", metadata: [
                SMPPLogKey.statusName: "\(status.name)", SMPPLogKey.window: "\(machine.effectiveWindow)",
            ])
        }
        request.promise.complete(.success(SubmitOutcome(
            commandStatus: status, messageID: messageID, sessionIndex: settings.slot,
            sequenceNumber: sequenceNumber, latency: latency)))
        run(machine.unbindIfDrained(now: now), now: now)
    }

    private func inboundReceived(_ body: SMPPInboundMessage.Body, sequenceNumber: UInt32, isDataSM: Bool,
                                 now: NIODeadline) {
        let action = machine.inboundRequestReceived(sequenceNumber: sequenceNumber, now: now)
        guard case .deliverInbound = action else {
            if case .write(.inboundResponse) = action { inboundIsDataSM[sequenceNumber] = isDataSM }
            run(action, now: now)
            return
        }
        inboundIsDataSM[sequenceNumber] = isDataSM
        (isDataSM ? metrics.inboundDataSM : metrics.inboundDeliverSM).increment()
        guard let handle, let delegate, let token = machine.inboundToken(sequenceNumber: sequenceNumber) else { return }
        let responder = InboundResponder { [weak handle] sequenceNumber, status in
            handle?.answerInbound(sequenceNumber: sequenceNumber, status: status.rawValue, token: token)
        }
        delegate.inboundReceived(SMPPInboundMessage(
            body: body, sequenceNumber: sequenceNumber, sessionIndex: settings.slot, responder: responder))
    }

    /// A frame that does not parse: answer a request with generic_nack and keep the session (the framing is
    /// intact, only this body is wrong); a response we cannot read fails its request as malformed.
    func decodeFailed(_ error: SMPPDecodeError, now: NIODeadline) {
        logger.warning("undecodable PDU", metadata: [SMPPLogKey.error: "\(error)"])
        guard let commandID = error.commandID, let sequenceNumber = error.sequenceNumber else {
            metrics.unexpectedResponses.increment()
            return
        }
        if commandID.isResponse {
            if commandID == .submitSMResp || commandID == .dataSMResp {
                run(machine.malformedResponseReceived(sequenceNumber: sequenceNumber, now: now), now: now)
            } else {
                run(.unexpectedResponse(sequenceNumber: sequenceNumber), now: now)
            }
            return
        }
        let status: UInt32 = commandID.isKnown ? 0x0000_0001 : WireStatus.invalidCommandID  // ESME_RINVMSGLEN
        if machine.isClosed { return }
        run(.write(.genericNack(sequenceNumber: sequenceNumber, status: status)), now: now)
    }

    private func logBindResult(_ status: CommandStatus, action: SessionStateMachine<OutboundSubmit>.Action) {
        let metadata: Logger.Metadata = [
            SMPPLogKey.host: "\(settings.host)", SMPPLogKey.port: "\(settings.port)",
            SMPPLogKey.systemID: "\(settings.bind.systemID)",
            SMPPLogKey.commandStatus: "\(status.rawValue)", SMPPLogKey.statusName: "\(status.name)",
        ]
        switch action {
        case .sessionBound:
            logger.info("bound", metadata: metadata)
        case .close:
            if WireStatus.isCredentialRejection(status.rawValue) {
                logger.error("bind rejected: check system_id and password", metadata: metadata)
            } else {
                logger.warning("bind rejected", metadata: metadata)
            }
        default:
            logger.warning("bind response does not match the bind sent", metadata: metadata)
        }
    }
}
