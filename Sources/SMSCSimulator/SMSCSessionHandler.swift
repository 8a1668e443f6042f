import Logging
import NIOCore
import SMPP

/// The thin NIO side of one SMSC session: decodes frames into PDUs, feeds the state machine with the current
/// time, and carries out its actions (writes, delayed writes, closes, one timer) against the shared core.
final class SMSCSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let core: SimulatorCore
    private var logger: Logger
    private var machine: SMSCSessionStateMachine?
    private var context: ChannelHandlerContext?
    private var sessionID: UInt64 = 0
    private var boundSystemID: String?
    private var timer: Scheduled<Void>?
    private var lastWrite: EventLoopFuture<Void>?
    private var isClosed = false
    /// True while a read burst is being handled: writes then wait for `channelReadComplete` to flush once, so a
    /// pipelined window costs one syscall (and one TLS record) instead of one per response.
    private var inReadBurst = false
    /// Sequence numbers of the client's submits awaiting the simulator's answer (``checkClientWindow(_:actions:)``).
    private var awaitingAnswer = Set<UInt32>()
    private var needsFlush = false

    init(core: SimulatorCore, logger: Logger) {
        self.core = core
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        let (id, random) = core.connectionOpened()
        sessionID = id
        logger[metadataKey: "smsc.session"] = "\(id)"
        logger.debug("connection opened", metadata: ["peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
        machine = SMSCSessionStateMachine(
            faults: core.configuration.faults.forConnection(id),
            sessionInitTimeout: .milliseconds(core.configuration.sessionInitTimeoutMilliseconds),
            deliverResponseTimeout: .milliseconds(core.configuration.deliverResponseTimeoutMilliseconds),
            enquireLinkInterval: core.configuration.enquireLinkIntervalMilliseconds.map { .milliseconds($0) },
            random: random, now: .now())
        rescheduleTimer()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadBurst = true
        var frame = unwrapInboundIn(data)
        do {
            let pdu = try PDU.decode(frame: &frame)
            logger.trace("received", metadata: ["pdu": "\(pdu.commandID.name)", "seq": "\(pdu.sequenceNumber)"])
            let actions = machine?.pduReceived(pdu, now: .now()) ?? []
            checkClientWindow(pdu, actions: actions)
            run(actions)
        } catch {
            logger.debug("undecodable PDU", metadata: ["error": "\(error)"])
            run(machine?.frameErrorReceived(error) ?? [])
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBurst = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let decodeError = error as? SMPPDecodeError {
            logger.debug("bad frame", metadata: ["error": "\(decodeError)"])
            run(machine?.frameErrorReceived(decodeError) ?? [])
        } else {
            logger.debug("connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        timer?.cancel()
        timer = nil
        let unanswered = machine?.closed() ?? []
        core.connectionClosed(sessionID: sessionID, boundSystemID: boundSystemID, unanswered: unanswered)
        boundSystemID = nil
        logger.debug("connection closed")
        self.context = nil
        context.fireChannelInactive()
    }

    /// Sends deliveries handed over together (called on this channel's event loop by the endpoint): written one by
    /// one, flushed once.
    func sendDeliveries(_ deliveries: [OutboundDelivery]) {
        let wasInReadBurst = inReadBurst
        inReadBurst = true  // writes now wait for the flush below
        for delivery in deliveries { sendDelivery(delivery) }
        inReadBurst = wasInReadBurst
        if !wasInReadBurst, needsFlush, let context {
            needsFlush = false
            context.flush()
        }
    }

    /// Sends one delivery; one the session cannot take goes back to the core as a retry.
    func sendDelivery(_ delivery: OutboundDelivery) {
        guard !isClosed, var machine,
              let sequence = machine.deliverySent(deliveryID: delivery.id, now: .now()) else {
            core.deliveryFinished(deliveryID: delivery.id, result: .retry)
            return
        }
        self.machine = machine
        if !write(PDU(.deliverSM(delivery.body), sequenceNumber: sequence)) {
            // Not encodable (or the channel went away): forget the sequence number, give the delivery back.
            self.machine?.deliveryNotSent(sequenceNumber: sequence)
            core.deliveryFinished(deliveryID: delivery.id, result: isClosed ? .retry : .drop)
        }
        rescheduleTimer()
    }

    // MARK: Actions

    private func run(_ actions: [SMSCSessionStateMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let pdu, let delay):
                after(delay) { $0.write(pdu) }
            case .sendRaw(let bytes, let delay):
                after(delay) { $0.writeRaw(bytes) }
            case .authenticate(let request, let kind, let sequence):
                let verdict = core.authenticate(systemID: request.systemID, password: request.password)
                logger.info("bind", metadata: ["system_id": "\(request.systemID)", "kind": "\(kind)", "verdict": "\(verdict)"])
                if verdict == .accepted { boundSystemID = request.systemID }
                run(machine?.bindVerdictReceived(
                    verdict, kind: kind, systemID: request.systemID, sequenceNumber: sequence,
                    limitResponse: core.configuration.sessionLimitResponse,
                    serverSystemID: core.configuration.systemID, peerInterfaceVersion: request.interfaceVersion,
                    now: .now()) ?? [])
            case .accept(let submission, let sequence, let delay),
                 .acceptReceiptFirst(let submission, let sequence, let delay):
                var receiptFirst = false
                if case .acceptReceiptFirst = action { receiptFirst = true }
                let (id, early) = core.accept(
                    submission, account: boundSystemID ?? "", sessionID: sessionID, sequenceNumber: sequence,
                    receiptFirst: receiptFirst)
                // Written before the response: the ESME reads the receipt first.
                if let early { sendDelivery(early) }
                let body: PDUBody
                switch submission {
                case .submitSM: body = .submitSMResp(SubmitSMResp(messageID: id.text))
                case .dataSM: body = .dataSMResp(DataSMResp(messageID: id.text))
                }
                after(delay) { $0.write(PDU(body, sequenceNumber: sequence)) }
            case .acceptWithoutResponse(let submission, let sequence):
                _ = core.accept(
                    submission, account: boundSystemID ?? "", sessionID: sessionID, sequenceNumber: sequence,
                    receiptFirst: false)
            case .query(let query, let sequence, let delay):
                let response: PDU
                if let status = core.status(of: query.messageID) {
                    let finalDate = status.finalDate.map { SMPPTime.absolute(unixSeconds: $0).string } ?? ""
                    response = PDU(.querySMResp(QuerySMResp(
                        messageID: query.messageID, finalDate: finalDate, messageState: status.state,
                        errorCode: status.errorCode)), sequenceNumber: sequence)
                } else {
                    response = PDU(.querySMResp(QuerySMResp()), sequenceNumber: sequence, commandStatus: .invalidMessageID)
                }
                after(delay) { $0.write(response) }
            case .deliveryFinished(let id, let result):
                core.deliveryFinished(deliveryID: id, result: result)
            case .count(let key):
                core.count(key)
            case .close(let reason):
                logger.debug("closing", metadata: ["reason": "\(reason)"])
                closeAfterWrites()
            }
        }
        rescheduleTimer()
    }

    private func after(_ milliseconds: Int64, _ body: @escaping (SMSCSessionHandler) -> Void) {
        guard milliseconds > 0, let context else {
            body(self)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(milliseconds)) { body(self) }
    }

    /// Counts what a real SMSC refuses of a client's submits (the simulator still answers them): a sequence number
    /// reused while its request awaits its answer, and more submits awaiting an answer than
    /// `maxOutstandingSubmits`. A submit the faults leave unanswered (or answer malformed) stops counting at once:
    /// the client frees its window slot at its response timeout, not at an answer.
    private func checkClientWindow(_ pdu: PDU, actions: [SMSCSessionStateMachine.Action]) {
        guard pdu.commandID == .submitSM || pdu.commandID == .dataSM else { return }
        let sequence = pdu.sequenceNumber
        if !awaitingAnswer.insert(sequence).inserted { core.count(\.sequenceNumbersReused) }
        if let limit = core.configuration.maxOutstandingSubmits, awaitingAnswer.count > limit {
            core.count(\.windowOverruns)
        }
        let answered = actions.contains { action in
            switch action {
            case .send(let response, _): response.sequenceNumber == sequence && response.commandID.isResponse
            case .accept(_, let number, _), .acceptReceiptFirst(_, let number, _): number == sequence
            default: false
            }
        }
        if !answered { awaitingAnswer.remove(sequence) }
    }

    @discardableResult
    private func write(_ pdu: PDU) -> Bool {
        guard !isClosed, let context else { return false }
        if pdu.commandID.isResponse { awaitingAnswer.remove(pdu.sequenceNumber) }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        do {
            try pdu.encode(into: &buffer)
        } catch {
            logger.error("cannot encode PDU", metadata: ["pdu": "\(pdu.commandID.name)", "error": "\(error)"])
            return false
        }
        logger.trace("sent", metadata: ["pdu": "\(pdu.commandID.name)", "seq": "\(pdu.sequenceNumber)", "status": "\(pdu.commandStatus)"])
        if inReadBurst {
            lastWrite = context.write(wrapOutboundOut(buffer))
            needsFlush = true
        } else {
            lastWrite = context.writeAndFlush(wrapOutboundOut(buffer))
        }
        if pdu.commandStatus == .ok, let machine, machine.canReceive, let boundSystemID {
            switch pdu.body {
            case .bindReceiverResp, .bindTransceiverResp:
                // Registered only once bind_resp is on its way, so no deliver_sm can overtake it.
                let endpoint = HandlerEndpoint(sessionID: sessionID, handler: NIOLoopBound(self, eventLoop: context.eventLoop))
                core.sessionBound(systemID: boundSystemID, endpoint: endpoint)
            default: break
            }
        }
        return true
    }

    private func writeRaw(_ bytes: [UInt8]) {
        guard !isClosed, let context else { return }
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        if inReadBurst {
            lastWrite = context.write(wrapOutboundOut(buffer))
            needsFlush = true
        } else {
            lastWrite = context.writeAndFlush(wrapOutboundOut(buffer))
        }
    }

    private func closeAfterWrites() {
        guard let context else { return }
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        let channel = context.channel
        if let lastWrite {
            lastWrite.whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

    private func rescheduleTimer() {
        timer?.cancel()
        timer = nil
        guard !isClosed, let context, let deadline = machine?.nextDeadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timer = nil
            self.run(self.machine?.timerFired(now: .now()) ?? [])
        }
    }
}

/// How the core reaches a bound receiving session from any thread.
struct HandlerEndpoint: DeliveryEndpoint {
    let sessionID: UInt64
    let handler: NIOLoopBound<SMSCSessionHandler>

    func deliver(_ deliveries: [OutboundDelivery]) {
        handler.eventLoop.execute { handler.value.sendDeliveries(deliveries) }
    }
}
