import NIOCore
import SMPP

/// One SMSC-side SMPP session, sans I/O: it takes each received PDU (or frame error, or timer tick) with the
/// current time and returns what to do. The handler carries the actions out (STYLE rule 1); the shared parts
/// (accounts, message ids, records, receipts) are reached through the `authenticate` and `accept` actions.
struct SMSCSessionStateMachine {
    enum State: Hashable {
        /// TCP connected, not bound; only bind and enquire_link are served.
        case open
        /// Bound; `unbindSent` once the simulator itself has sent unbind (fault) and waits for unbind_resp.
        case bound(BindKind, systemID: String, unbindSent: Bool)
        /// Closed or closing; everything is ignored.
        case closed
    }

    /// A message the ESME handed over for delivery.
    enum Submission: Hashable {
        case submitSM(SubmitSM)
        case dataSM(DataSM)
    }

    /// Why the connection is closed.
    enum CloseReason: Hashable {
        case unbound, dropFault, sessionInitTimeout, protocolError, unbindNotAnswered
    }

    enum Action {
        /// Write this PDU after the delay (0 = now).
        case send(PDU, delayMilliseconds: Int64)
        /// Write these octets (a deliberately malformed PDU) after the delay.
        case sendRaw([UInt8], delayMilliseconds: Int64)
        /// Check these credentials against the accounts, then call `bindVerdictReceived`.
        case authenticate(BindRequest, BindKind, sequenceNumber: UInt32)
        /// Accept this message: assign an id, record it, schedule its receipts, and answer with the id after the
        /// delay.
        case accept(Submission, sequenceNumber: UInt32, delayMilliseconds: Int64)
        /// Like `accept`, but never answered (the `acceptWithoutResponseRate` fault).
        case acceptWithoutResponse(Submission, sequenceNumber: UInt32)
        /// Like `accept`, but the message's first delivery receipt goes out on this session before the response
        /// (the `receiptBeforeResponseRate` fault).
        case acceptReceiptFirst(Submission, sequenceNumber: UInt32, delayMilliseconds: Int64)
        /// Answer this query_sm from the message's current state after the delay.
        case query(QuerySM, sequenceNumber: UInt32, delayMilliseconds: Int64)
        /// A deliver_sm this session sent is finished: acknowledged, to be retried later, or dropped.
        case deliveryFinished(deliveryID: UInt64, DeliveryResult)
        /// Count an event.
        case count(WritableKeyPath<SimulatorCounters, UInt64>)
        /// Flush what was written and close the connection.
        case close(CloseReason)
    }

    /// What became of one deliver_sm.
    enum DeliveryResult: Hashable {
        case acknowledged, retry, drop
    }

    var state: State = .open
    let faults: SimulatorFaults
    var random: SimulatorRandom
    var receivedPDUs = 0
    var nextSequence: UInt32 = 1
    var sessionInitDeadline: NIODeadline?
    var unbindDeadline: NIODeadline?
    var pendingDeliveries: [UInt32: (deliveryID: UInt64, deadline: NIODeadline)] = [:]
    let deliverResponseTimeout: TimeAmount
    /// Send enquire_link this often while bound; nil = never.
    let enquireLinkInterval: TimeAmount?
    var enquireLinkDeadline: NIODeadline?
    /// How long the simulator waits for unbind_resp after its own unbind before it closes anyway.
    static let unbindResponseTimeout = TimeAmount.seconds(5)

    init(faults: SimulatorFaults, sessionInitTimeout: TimeAmount, deliverResponseTimeout: TimeAmount,
         enquireLinkInterval: TimeAmount? = nil, random: SimulatorRandom, now: NIODeadline) {
        self.faults = faults
        self.enquireLinkInterval = enquireLinkInterval
        self.random = random
        self.deliverResponseTimeout = deliverResponseTimeout
        self.sessionInitDeadline = now + sessionInitTimeout
    }

    /// The earliest moment `timerFired` has something to do, if any.
    var nextDeadline: NIODeadline? {
        let candidates = [sessionInitDeadline, unbindDeadline, enquireLinkDeadline] + pendingDeliveries.values.map { Optional($0.deadline) }
        return candidates.compactMap { $0 }.min()
    }

    /// Whether deliver_sm may be sent on this session now.
    var canReceive: Bool {
        if case .bound(let kind, _, false) = state { return kind.canReceive }
        return false
    }

    /// The delivery ids sent on this session and not yet answered (handed back to the queue when it closes).
    var unansweredDeliveries: [UInt64] { pendingDeliveries.values.map(\.deliveryID) }

    // MARK: Inbound PDUs

    mutating func pduReceived(_ pdu: PDU, now: NIODeadline) -> [Action] {
        guard state != .closed else { return [] }
        receivedPDUs += 1
        if faults.shouldDrop(receivedPDUs: receivedPDUs, using: &random) {
            state = .closed
            return [.count(\.connectionsDropped), .close(.dropFault)]
        }
        if pdu.commandID.isResponse { return responseReceived(pdu, now: now) }
        let seq = pdu.sequenceNumber
        switch pdu.body {
        case .bindTransmitter(let request), .bindReceiver(let request), .bindTransceiver(let request):
            guard let kind = BindKind(pdu.body) else { return [] }
            guard state == .open else {
                return [.count(\.bindsRejected), reply(kind.response(BindResponse()), seq, status: .alreadyBound)]
            }
            return [.authenticate(request, kind, sequenceNumber: seq)]
        case .enquireLink:
            if faults.ignoreEnquireLink { return [.count(\.enquireLinksReceived), .count(\.enquireLinksIgnored)] }
            return [.count(\.enquireLinksReceived), reply(.enquireLinkResp, seq)]
        case .unknown, .outbind, .alertNotification:
            return [.count(\.protocolErrors), .send(PDU(.genericNack, sequenceNumber: seq, commandStatus: .invalidCommandID), delayMilliseconds: 0)]
        default:
            break
        }
        guard case .bound(let kind, _, _) = state else {
            return notAllowed(pdu)
        }
        switch pdu.body {
        case .unbind:
            state = .closed
            return [.count(\.unbindsReceived), .send(PDU(.unbindResp, sequenceNumber: seq), delayMilliseconds: 0), .close(.unbound)]
        case .submitSM(let submit) where kind.canSubmit:
            return submission(.submitSM(submit), sequenceNumber: seq, response: .submitSMResp(SubmitSMResp()))
        case .dataSM(let data) where kind.canSubmit:
            return submission(.dataSM(data), sequenceNumber: seq, response: .dataSMResp(DataSMResp()))
        case .querySM(let query) where kind.canSubmit:
            return [.query(query, sequenceNumber: seq, delayMilliseconds: faults.latency.sample(using: &random))]
        case .cancelSM where kind.canSubmit:
            return [reply(.cancelSMResp, seq, status: .cancelFailed)]
        case .replaceSM where kind.canSubmit:
            return [reply(.replaceSMResp, seq, status: .replaceFailed)]
        case .submitMulti where kind.canSubmit:
            return [reply(.submitMultiResp(SubmitMultiResp()), seq, status: .submitFailed)]
        default:
            return notAllowed(pdu)
        }
    }

    private mutating func notAllowed(_ pdu: PDU) -> [Action] {
        guard let response = pdu.body.emptyResponse else { return [] }
        return [.count(\.invalidBindState), reply(response, pdu.sequenceNumber, status: .invalidBindStatus)]
    }

    private mutating func submission(_ submission: Submission, sequenceNumber: UInt32, response: PDUBody) -> [Action] {
        let delay = faults.latency.sample(using: &random)
        switch faults.submitFault(using: &random) {
        case .accept:
            // Drawn only when the fault is on, so seeded runs without it keep their sequence of draws.
            if faults.receiptBeforeResponseRate > 0, canReceive, random.chance(faults.receiptBeforeResponseRate) {
                return [.count(\.submitsReceived),
                        .acceptReceiptFirst(submission, sequenceNumber: sequenceNumber, delayMilliseconds: delay)]
            }
            return [.count(\.submitsReceived), .accept(submission, sequenceNumber: sequenceNumber, delayMilliseconds: delay)]
        case .throttle:
            return [.count(\.submitsReceived), .count(\.submitsThrottled),
                    .send(PDU(response, sequenceNumber: sequenceNumber, commandStatus: .throttled), delayMilliseconds: delay)]
        case .queueFull:
            return [.count(\.submitsReceived), .count(\.submitsQueueFull),
                    .send(PDU(response, sequenceNumber: sequenceNumber, commandStatus: .messageQueueFull), delayMilliseconds: delay)]
        case .noResponse:
            return [.count(\.submitsReceived), .count(\.submitsUnanswered)]
        case .acceptWithoutResponse:
            return [.count(\.submitsReceived), .count(\.submitsAcceptedUnanswered),
                    .acceptWithoutResponse(submission, sequenceNumber: sequenceNumber)]
        case .genericNack:
            return [.count(\.submitsReceived), .count(\.genericNacksInjected),
                    .send(PDU(.genericNack, sequenceNumber: sequenceNumber, commandStatus: .systemError), delayMilliseconds: delay)]
        case .malformed:
            return [.count(\.submitsReceived), .count(\.malformedSent),
                    .sendRaw(Self.malformedResponse(to: response, sequenceNumber: sequenceNumber), delayMilliseconds: delay)]
        }
    }

    /// A response with a valid header whose message_id runs to the end of the PDU without its NUL.
    static func malformedResponse(to response: PDUBody, sequenceNumber: UInt32) -> [UInt8] {
        let body = Array("MALFORMED".utf8)
        var bytes: [UInt8] = []
        for value in [UInt32(16 + body.count), response.commandID.rawValue, 0, sequenceNumber] {
            bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        return bytes + body
    }

    mutating func reply(_ body: PDUBody, _ sequenceNumber: UInt32, status: CommandStatus = .ok) -> Action {
        .send(PDU(body, sequenceNumber: sequenceNumber, commandStatus: status), delayMilliseconds: faults.latency.sample(using: &random))
    }

    private mutating func responseReceived(_ pdu: PDU, now: NIODeadline) -> [Action] {
        switch pdu.body {
        case .enquireLinkResp:
            return [.count(\.enquireLinkResponsesReceived)]
        case .unbindResp:
            guard case .bound(_, _, true) = state else { return [] }
            state = .closed
            return [.close(.unbound)]
        case .deliverSMResp, .dataSMResp, .genericNack:
            guard let pending = pendingDeliveries.removeValue(forKey: pdu.sequenceNumber) else { return [] }
            let result = Self.deliveryResult(pdu)
            let finished = Action.deliveryFinished(deliveryID: pending.deliveryID, result)
            // .retry here can only be ESME_RX_T_APPN (an unanswered one times out in timerFired).
            return result == .retry ? [.count(\.deliveriesTemporaryAppError), finished] : [finished]
        default:
            return []
        }
    }

    /// ESME_ROK → acknowledged; ESME_RX_T_APPN (0x64) → deliver again later; 0x65, 0x66, any other error or a
    /// generic_nack → drop (reference §4, SMSC → ESME direction).
    static func deliveryResult(_ pdu: PDU) -> DeliveryResult {
        if case .genericNack = pdu.body { return .drop }
        switch pdu.commandStatus {
        case .ok: return .acknowledged
        case .receiverTemporaryAppError: return .retry
        default: return .drop
        }
    }
}
