import Logging
import Metrics
import NIOCore
import SMPP

extension SMPPSessionHandler {
    /// Feeds one decoded PDU to the machine; `raw` is the frame as received.
    func dispatch(_ pdu: PDU, raw: ByteBuffer, now: NIODeadline) {
        let sequenceNumber = pdu.sequenceNumber
        switch pdu.body {
        case .submitSMResp(let response):
            responseReceived(sequenceNumber, pdu.commandStatus, messageID: response.messageID, now: now)
        case .dataSMResp(let response):
            responseReceived(sequenceNumber, pdu.commandStatus, messageID: response.messageID, now: now)
        case .genericNack:
            genericNackReceived(sequenceNumber, pdu.commandStatus, now: now)
        case .deliverSM(let deliver):
            inboundReceived(.deliverSM(deliver), sequenceNumber: sequenceNumber, isDataSM: false, raw: raw, now: now)
        case .dataSM(let data):
            inboundReceived(.dataSM(data), sequenceNumber: sequenceNumber, isDataSM: true, raw: raw, now: now)
        case .alertNotification:
            // Has no response (reference §3); we do not act on it.
            machine.activityReceived(now: now)
        default:
            let status = pdu.commandStatus.rawValue
            if controlReceived(pdu.commandID, sequenceNumber: sequenceNumber, status: status, now: now) { return }
            if pdu.commandID.isResponse {
                // A response to something we never send (query_sm_resp, …): it matches nothing.
                run(.unexpectedResponse(sequenceNumber: sequenceNumber), now: now)
            } else {
                run(machine.unsupportedRequestReceived(sequenceNumber: sequenceNumber, now: now), now: now)
            }
        }
    }

    private func genericNackReceived(_ sequenceNumber: UInt32, _ status: CommandStatus, now: NIODeadline) {
        let wasPaused = machine.pausedUntil.map { $0 > now } ?? false
        let wasDraining = machine.unbindWhenDrained
        let action = machine.genericNackReceived(sequenceNumber: sequenceNumber, status: status.rawValue, now: now)
        if case .close(.bindRejected, _, _) = action { logBindResult(status, action: action) }
        warnIfRebinding(wasDraining: wasDraining, status: status, sequenceNumber: sequenceNumber, in: "generic_nack")
        if case .fail = action, WireStatus.isThrottle(status.rawValue) {
            metrics.throttleEvents.increment()
            logger.log(level: wasPaused ? .debug : .warning, "SMSC asks to slow down (generic_nack); pausing session",
                       metadata: [
                           SMPPLogKey.statusName: "\(status.name)", SMPPLogKey.window: "\(machine.effectiveWindow)",
                       ])
        }
        run(action, now: now)
    }

    private func responseReceived(_ sequenceNumber: UInt32, _ status: CommandStatus, messageID: String,
                                  now: NIODeadline) {
        let wasPaused = machine.pausedUntil.map { $0 > now } ?? false
        let wasDraining = machine.unbindWhenDrained
        let action = machine.submitResponseReceived(sequenceNumber: sequenceNumber, status: status.rawValue, now: now)
        let outcome: SubmitOutcome
        switch action {
        case .complete(_, _, _, let latency), .lateResponse(_, _, _, let latency):
            outcome = SubmitOutcome(commandStatus: status, messageID: messageID, sessionIndex: settings.slot,
                                    sequenceNumber: sequenceNumber, latency: latency)
        default:
            run(action, now: now)
            return
        }
        warnIfRebinding(wasDraining: wasDraining, status: status, sequenceNumber: sequenceNumber, in: "submit response")
        if WireStatus.isThrottle(status.rawValue) {
            metrics.throttleEvents.increment()
            // One warning when a pause begins; answers arriving during it only lower the window further.
            logger.log(level: wasPaused ? .debug : .warning, "SMSC asks to slow down; pausing session", metadata: [
                SMPPLogKey.statusName: "\(status.name)", SMPPLogKey.window: "\(machine.effectiveWindow)",
            ])
        }
        if case .lateResponse(let request, _, _, _) = action {
            logger.info("response after the response timeout: late outcome", metadata: [
                SMPPLogKey.sequenceNumber: "\(sequenceNumber)", SMPPLogKey.messageID: "\(messageID)",
                SMPPLogKey.submitTag: "\(request.tag)",
                SMPPLogKey.commandStatus: "\(status.rawValue)", SMPPLogKey.statusName: "\(status.name)",
            ])
            delegate?.lateOutcome(LateSubmitOutcome(tag: request.tag, outcome: outcome))
            return
        }
        guard case .complete(let request, _, _, let latency) = action else { return }
        if let counter = submitCounters[status.rawValue] {
            counter.increment()
        } else {
            let counter = metrics.submits(status: status)
            // The session's own cache stays small whatever the SMSC answers (the shared table bounds the labels).
            if status.isNamed || submitCounters.count < StatusCounterTable.distinctUnnamedLimit {
                submitCounters[status.rawValue] = counter
            }
            counter.increment()
        }
        metrics.responseLatency.recordNanoseconds(latency.nanoseconds)
        logger.debug("submit response", metadata: [
            SMPPLogKey.sequenceNumber: "\(sequenceNumber)", SMPPLogKey.messageID: "\(messageID)",
            SMPPLogKey.submitTag: "\(request.tag)",
            SMPPLogKey.commandStatus: "\(status.rawValue)", SMPPLogKey.statusName: "\(status.name)",
            SMPPLogKey.latencyMilliseconds: "\(Double(latency.nanoseconds) / 1e6)",
        ])
        request.promise.complete(.success(outcome))
    }

    private func inboundReceived(_ body: SMPPInboundMessage.Body, sequenceNumber: UInt32, isDataSM: Bool,
                                 raw: ByteBuffer, now: NIODeadline) {
        let bodyOctets = raw.getBytes(at: raw.readerIndex + 16, length: max(0, raw.readableBytes - 16)) ?? []
        let action = machine.inboundRequestReceived(
            sequenceNumber: sequenceNumber, body: bodyOctets, isDataSM: isDataSM, now: now)
        guard case .deliverInbound = action else {
            if case .write(.inboundResponse) = action {
                inboundIsDataSM[sequenceNumber] = isDataSM
                inboundRefused(sequenceNumber: sequenceNumber, now: now)
            }
            run(action, now: now)
            return
        }
        inboundIsDataSM[sequenceNumber] = isDataSM
        (isDataSM ? metrics.inboundDataSM : metrics.inboundDeliverSM).increment()
        // A different request reusing a number we still hold replaced it: the first one's answer is void.
        inboundResponders.removeValue(forKey: sequenceNumber)?.abandon()
        guard let handle, let delegate, let token = machine.inboundToken(sequenceNumber: sequenceNumber),
              let deadline = machine.inboundDeadline(sequenceNumber: sequenceNumber) else { return }
        let responder = InboundResponder { [weak handle] responder, status in
            guard let handle else { return false }
            handle.answerInbound(InboundAnswer(
                sequenceNumber: sequenceNumber, status: status.rawValue, token: token, responder: responder))
            return true
        }
        inboundResponders[sequenceNumber] = responder
        delegate.inboundReceived(SMPPInboundMessage(
            body: body, sequenceNumber: sequenceNumber, sessionIndex: settings.slot, deadline: deadline,
            responder: responder))
    }

    /// A frame whose header is readable but whose body does not parse (the framing is intact, only this body is
    /// wrong):
    /// - submit_sm_resp / data_sm_resp: its command_status is in the header, so it is an outcome like any other,
    ///   with the message_id read best-effort (up to a NUL or the end, padding dropped); a slow-down status still
    ///   pauses. Calling it "unknown" would make the caller resubmit an accepted message.
    /// - bind_*_resp: judged by its command_status like a readable one (a system_id too long or a broken TLV must
    ///   not leave the session waiting for a bind timeout, reconnecting forever, while the SMSC thinks it bound).
    /// - generic_nack, enquire_link(_resp), unbind(_resp) with a body: the header is all they say (trailing octets
    ///   ignored), so they are answered or settled as usual; alert_notification is never answered (reference §3).
    /// - deliver_sm / data_sm: handed to the application raw with the error, never dropped.
    /// - any other request: generic_nack; any other response: unexpected.
    /// Every framed PDU counts as activity on the link.
    func decodeFailed(_ error: SMPPDecodeError, raw: ByteBuffer, now: NIODeadline) {
        logger.warning("undecodable PDU", metadata: [SMPPLogKey.error: "\(error)"])
        guard let commandID = error.commandID, let sequenceNumber = error.sequenceNumber,
              let rawStatus = raw.getInteger(at: raw.readerIndex + 8, as: UInt32.self) else {
            metrics.unexpectedResponses.increment()
            return
        }
        machine.activityReceived(now: now)
        if controlReceived(commandID, sequenceNumber: sequenceNumber, status: rawStatus, now: now) { return }
        let status = CommandStatus(rawValue: rawStatus)
        switch commandID {
        case .alertNotification:
            return
        case .submitSMResp, .dataSMResp:
            responseReceived(sequenceNumber, status, messageID: Self.bestEffortMessageID(raw), now: now)
            return
        case .genericNack:
            genericNackReceived(sequenceNumber, status, now: now)
            return
        case .deliverSM, .dataSM:
            let octets = raw.getBytes(at: raw.readerIndex, length: raw.readableBytes) ?? []
            inboundReceived(.undecodable(commandID: commandID, raw: octets, error: error), sequenceNumber: sequenceNumber,
                            isDataSM: commandID == .dataSM, raw: raw, now: now)
            return
        default:
            break
        }
        if commandID.isResponse {
            run(.unexpectedResponse(sequenceNumber: sequenceNumber), now: now)
            return
        }
        let nackStatus: UInt32 = commandID.isKnown ? 0x0000_0001 : WireStatus.invalidCommandID  // ESME_RINVMSGLEN
        if machine.isClosed { return }
        run(.write(.genericNack(sequenceNumber: sequenceNumber, status: nackStatus)), now: now)
    }

    /// bind_*_resp, enquire_link(_resp) and unbind(_resp), whose header says all that matters (so a body that does
    /// not parse is handled the same way): fed to the machine; false for any other command.
    private func controlReceived(_ commandID: CommandID, sequenceNumber: UInt32, status: UInt32,
                                 now: NIODeadline) -> Bool {
        switch commandID {
        case .bindTransmitterResp, .bindReceiverResp, .bindTransceiverResp:
            var status = status
            if status == WireStatus.ok, commandID != settings.kind.bindResponse {
                // Bound as something else than asked (a receiver for our transceiver, say): submits would all be
                // refused, or no deliver_sm would ever come. A bind failure (the slot waits its longest delay).
                logger.error("SMSC answered the bind with another bind type's response; refusing the session", metadata: [
                    "smpp.expected": "\(settings.kind.bindResponse)", "smpp.received": "\(commandID)",
                ])
                status = WireStatus.bindFailed
            }
            let action = machine.bindResponseReceived(sequenceNumber: sequenceNumber, status: status, now: now)
            logBindResult(CommandStatus(rawValue: status), action: action)
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
        default:
            return false
        }
        return true
    }

    /// One warning when a refusal for the session's state (`pdu`: what carried it) began the drain before a rebind.
    private func warnIfRebinding(wasDraining: Bool, status: CommandStatus, sequenceNumber: UInt32, in pdu: String) {
        guard machine.unbindWhenDrained, !wasDraining else { return }
        logger.warning("SMSC refused a request for the session's state; binding again once the window drains",
                       metadata: [
                           SMPPLogKey.statusName: "\(status.name)", SMPPLogKey.sequenceNumber: "\(sequenceNumber)",
                           SMPPLogKey.pdu: "\(pdu)",
                       ])
    }

    /// The message_id of a response body that does not parse: its octets up to the first NUL (or the end), at most
    /// 65 (the field's maximum, reference §4), non-printable octets dropped.
    static func bestEffortMessageID(_ raw: ByteBuffer) -> String {
        let body = raw.getBytes(at: raw.readerIndex + 16, length: max(0, raw.readableBytes - 16)) ?? []
        let field = body.prefix { $0 != 0 }.prefix(65).filter { (0x21...0x7E).contains($0) }
        return String(decoding: field, as: UTF8.self)
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

    /// Counts an inbound request the application did not answer within the inbound timeout (answered
    /// ESME_RX_T_APPN: the SMSC delivers it again) and says so as a refusal is said: a stalled store or broker would
    /// otherwise log a warning per held receipt.
    func inboundExpired(sequenceNumber: UInt32, now: NIODeadline) {
        metrics.inboundExpired.increment()
        reportThrottled(
            &expiryWarnings, sequenceNumber: sequenceNumber, now: now, countKey: "expired_since_last_warning",
            warning: "inbound request not answered in time (smpp.inbound_timeout): ESME_RX_T_APPN; the SMSC retries it",
            debug: "inbound request not answered in time: ESME_RX_T_APPN")
    }

    /// Counts a refusal and says so (an SMSC retrying a flood would otherwise get a warning line per PDU).
    private func inboundRefused(sequenceNumber: UInt32, now: NIODeadline) {
        metrics.inboundRefused.increment()
        reportThrottled(
            &refusalWarnings, sequenceNumber: sequenceNumber, now: now, countKey: "refused_since_last_warning",
            warning: "inbound request refused with ESME_RX_T_APPN (held maximum reached or shutting down); the SMSC retries it",
            debug: "inbound request refused with ESME_RX_T_APPN")
    }

    /// `warning` for the first occurrence and then at most one per ``refusalWarningInterval``, with how many there
    /// were meanwhile under `countKey`; the rest at debug.
    private func reportThrottled(
        _ warnings: inout ThrottledWarning, sequenceNumber: UInt32, now: NIODeadline, countKey: String,
        warning: Logger.Message, debug: Logger.Message
    ) {
        let metadata: Logger.Metadata = [SMPPLogKey.sequenceNumber: "\(sequenceNumber)"]
        guard let count = warnings.occurred(now: now, interval: Self.refusalWarningInterval) else {
            return logger.debug(debug, metadata: metadata)
        }
        logger.warning(warning, metadata: metadata.merging([countKey: "\(count)"]) { $1 })
    }
}
