public import struct Foundation.Date
public import Logging
import RabbitMQ
public import SMPP
public import SMPPNIO

/// The inbound pipeline (DESIGN §3 inbound 1–3): receipts correlated and published on `smpp.dlr`, MO decoded
/// (long MO joined through the store) and published on `smpp.mo`. The answer to the SMSC is ESME_ROK only once the
/// event is confirmed by the broker or the part is durably stored; otherwise ESME_RX_T_APPN, so it comes again.
public final class InboundProcessor: Sendable {
    let settings: InboundPipelineSettings
    let store: any BridgeStore
    let publisher: any EventPublishing
    let correlator: ReceiptCorrelator
    let metrics: BridgeMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    let groups = RequestGate()

    /// Creates the pipeline over its ports.
    public init(
        settings: InboundPipelineSettings, store: any BridgeStore, publisher: any EventPublishing,
        correlator: ReceiptCorrelator, metrics: BridgeMetrics, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.store = store
        self.publisher = publisher
        self.correlator = correlator
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// Handles one deliver_sm / data_sm from the SMPP client and answers it.
    public func handle(_ message: SMPPInboundMessage) async {
        await handle(PendingInbound(message: message, receipt: nil))
    }

    /// Handles what ``handleAtOnce(_:)`` left for a task (its receipt already read) and answers it. An MO's answer is
    /// awaited until written: an ESME_ROK that does not reach the SMSC makes it deliver the MO again, and that copy
    /// must keep the published event's id. Receipts and undecodable PDUs are answered without waiting, as nothing
    /// follows from that outcome: a receipt's copy carries the same event id anyway, and an undecodable PDU's copy is
    /// dead-lettered again for the operator.
    public func handle(_ pending: PendingInbound) async {
        let message = pending.message
        let short: InboundShortMessage
        let body: PDUBody
        switch message.body {
        case .deliverSM(let pdu): (short, body) = (InboundShortMessage(pdu), .deliverSM(pdu))
        case .dataSM(let pdu): (short, body) = (InboundShortMessage(pdu), .dataSM(pdu))
        case .undecodable(let commandID, let raw, let error):
            respond(message, await undecodable(commandID: commandID, raw: raw, error: "\(error)"))
            return
        }
        let kind = pending.receipt.map(InboundKind.receipt) ?? kind(of: short)
        // The PDU as received, for a dead letter.
        let pdu = PDU(body, sequenceNumber: message.sequenceNumber)
        if let status = await receiptOrAcknowledgement(kind, short, pdu: pdu) {
            respond(message, status)
            return
        }
        _ = await mobileOriginated(short, whenPreempted: { message.whenPreempted($0) }) { status in
            self.countRefusal(status)
            return await message.respondWritten(status: status)
        }
    }

    /// Publishes a receipt or dead-letters an SME acknowledgement (`pdu` is its dead letter's body) and returns the
    /// status to answer; nil for an MO, which takes its own path.
    private func receiptOrAcknowledgement(
        _ kind: InboundKind, _ short: InboundShortMessage, pdu: @autoclosure () -> PDU
    ) async -> CommandStatus? {
        switch kind {
        case .receipt(let receipt): await self.receipt(receipt)
        case .smeAcknowledgement: await smeAcknowledgement(short, pdu: pdu())
        case .mobileOriginated: nil
        }
    }

    /// What an inbound short message is to the bridge, by esm_class and, for an SME acknowledgement, its content.
    enum InboundKind {
        /// A delivery receipt or intermediate notification — or an SME acknowledgement that reads as a receipt.
        case receipt(ReadReceipt)
        /// An SME acknowledgement or conversation abort that does not read as a receipt.
        case smeAcknowledgement
        /// A message from a person or application.
        case mobileOriginated
    }

    /// Classifies `short`: esm_class 0x04/0x20 (and reserved types with either bit) are receipts; 0x08, 0x10, 0x18
    /// are receipts only when they read as one — a message id and a state, from TLVs or text (SMSCs that label
    /// receipts 0x08) — else SME acknowledgements; everything else is MO (DESIGN §4 "Receipts").
    func kind(of short: InboundShortMessage) -> InboundKind {
        if short.esmClass.isReceipt { return .receipt(readReceipt(short)) }
        guard short.esmClass.isSMEAcknowledgement else { return .mobileOriginated }
        let read = readReceipt(short)
        let readsAsReceipt = !read.messageID.isEmpty && (read.parsed.state != nil || read.parsed.stat != nil)
        return readsAsReceipt ? .receipt(read) : .smeAcknowledgement
    }

    /// An SME acknowledgement or conversation abort that is no receipt (the bridge never asks for them): not a
    /// person's message, so never an MO event, and never dropped — the PDU goes to the dead-letter exchange with its
    /// message type in a header, under an event id derived from its content (the SMSC's redelivery carries the same
    /// one), and the SMSC is answered ESME_ROK once the broker has it.
    func smeAcknowledgement(_ short: InboundShortMessage, pdu: PDU) async -> CommandStatus {
        let type = short.esmClass.messageTypeName
        logger.warning("inbound SME acknowledgement dead-lettered (not a receipt, not an MO)", metadata: [
            "esm_class": "\(short.esmClass.rawValue)", "message_type": "\(type)",
            "from": "\(short.source.address)", "to": "\(short.destination.address)",
        ])
        var headers: AMQPTable = [
            "x-smpp-bridge-reason": .string(type), "x-smpp-command-id": .string(pdu.commandID.name),
            "x-smpp-esm-class": .string("\(short.esmClass.rawValue)"),
        ]
        // The PDU as decoded, encoded again; should it not encode (a field only the decoder's leniency let in), its
        // user data, said so in a header.
        let encoded = try? pdu.encoded()
        if encoded == nil { headers["x-smpp-bridge-body"] = .string("user_data") }
        var message = eventMessage(
            exchange: settings.deadExchange, routingKey: "",
            body: encoded.map { Array($0.readableBytesView) } ?? short.userData, correlationID: nil,
            type: "unhandled_pdu", headers: headers, eventID: short.derivedEventID(kind: type, account: settings.account))
        message.properties.contentType = "application/octet-stream"
        let published = await publish(message)
        return published == .confirmed ? .ok : .receiverTemporaryAppError
    }

    /// Answers `message` with `status` without waiting for the write; true when that answer won (see
    /// ``SMPPInboundMessage/respond(status:)``).
    @discardableResult
    func respond(_ message: SMPPInboundMessage, _ status: CommandStatus) -> Bool {
        countRefusal(status)
        return message.respond(status: status)
    }

    /// Counts an answer other than ESME_ROK as a refusal.
    private func countRefusal(_ status: CommandStatus) {
        if status != .ok { metrics.inboundRefused.increment() }
    }

    /// Decides and publishes; returns the status to answer the SMSC with (taken to be the answer the SMSC gets).
    public func process(_ message: InboundShortMessage) async -> CommandStatus {
        await process(message) { _ in true }
    }

    /// Decides, publishes and answers with `answer`, which says whether the SMSC got that answer: false when it was
    /// not written to the SMSC (it had been answered already — the client's ESME_RX_T_APPN at
    /// `smpp.inbound_timeout` — or the session ended before the write), as
    /// ``SMPPInboundMessage/respondWritten(status:)`` says. `whenPreempted` registers what to run should the
    /// message go unanswered by this call (``SMPPInboundMessage/whenPreempted(_:)``). Returns the status it answered.
    @discardableResult
    public func process(
        _ message: InboundShortMessage, whenPreempted: PreemptionHook? = nil,
        answer: (CommandStatus) async -> Bool
    ) async -> CommandStatus {
        // No PDU here: a dead letter is encoded from the message's fields (sequence number 1).
        guard let status = await receiptOrAcknowledgement(
            kind(of: message), message, pdu: PDU(message.pduBody, sequenceNumber: 1))
        else { return await mobileOriginated(message, whenPreempted: whenPreempted, answer: answer) }
        _ = await answer(status)
        return status
    }

    /// A receipt as read from its PDU, with the keys its message id matches under (none without an id).
    public struct ReadReceipt: Sendable {
        let message: InboundShortMessage
        let parsed: DeliveryReceipt
        let messageID: String
        let keys: [String]
    }

    /// Parses a receipt (TLVs win) and derives its match keys, once per receipt whichever path handles it.
    func readReceipt(_ message: InboundShortMessage) -> ReadReceipt {
        let parsed = DeliveryReceipt.parse(
            shortMessage: DeliveryReceipt.textOctets(of: message.userData, esmClass: message.esmClass),
            dataCoding: message.dataCoding, tlvs: message.tlvs)
        let messageID = parsed.messageID ?? ""
        var keys = messageID.isEmpty
            ? [] : MessageIDMatching.matchKeys(for: messageID, format: settings.messageIDFormat, side: .receipt)
        // The text's own id, when it is the TLV's number in the other base (hex in one, decimal in the other): tried
        // after it. Any other text id is not: it could be another message's id, and match the wrong request.
        if let textID = parsed.textMessageID, MessageIDMatching.isSameNumberInTheOtherBase(messageID, textID) {
            for key in MessageIDMatching.matchKeys(for: textID, format: settings.messageIDFormat, side: .receipt)
            where !keys.contains(key) {
                keys.append(key)
            }
        }
        return ReadReceipt(message: message, parsed: parsed, messageID: messageID, keys: keys)
    }

    func receipt(_ receipt: ReadReceipt) async -> CommandStatus {
        // Its event could not be published now (DESIGN §4: answered ESME_RX_T_APPN at once while the broker is
        // down): not after a store lookup and a hold of up to smpp.receipt_hold, each holding an inbound slot.
        guard publisher.isConnected else {
            logger.debug("broker not connected; receipt deferred (ESME_RX_T_APPN)", metadata: [
                "message_id": "\(receipt.messageID)",
            ])
            return .receiverTemporaryAppError
        }
        var correlation: ReceiptCorrelation?
        if !receipt.keys.isEmpty {
            let keys = receipt.keys
            do {
                correlation = try await correlator.correlate(keys: keys) {
                    try await self.store.correlation(keys: keys)
                }
            } catch {
                logger.error("store lookup failed; receipt deferred (ESME_RX_T_APPN)", metadata: [
                    "message_id": "\(receipt.messageID)", "error": "\(error)",
                ])
                return .receiverTemporaryAppError
            }
        }
        let event = receiptEvent(receipt, correlation: correlation)
        let published = await publish(receiptMessage(event, receipt.message))
        return receiptPublished(event, outcome: published)
    }

    /// The event of a parsed receipt, matched to `correlation` or not.
    func receiptEvent(_ receipt: ReadReceipt, correlation: ReceiptCorrelation?) -> DeliveryReceiptEvent {
        let (parsed, message) = (receipt.parsed, receipt.message)
        // An intermediate notification (esm_class 0x20, not 0x04) says the message is still on its way: without a
        // readable state it is enroute (not final), not unknown (final).
        let intermediate = message.esmClass.contains(.intermediateNotification)
            && !message.esmClass.contains(.deliveryReceipt)
        let state = parsed.state ?? (intermediate ? .enroute : .unknown)
        return DeliveryReceiptEvent(
            requestID: correlation?.requestID, messageID: receipt.messageID, segment: correlation?.segment,
            segments: correlation?.segments, stat: parsed.stat ?? state.stat, state: state.rawValue,
            final: state.isFinal, err: parsed.error,
            networkErrorCode: parsed.networkErrorCode.map { "\($0.networkType):\($0.errorCode)" },
            submitDate: parsed.submitDate?.rfc3339, doneDate: parsed.doneDate?.rfc3339,
            to: correlation?.to ?? AddressPlan.requestForm(of: message.source), from: correlation?.from ?? message.destination.address,
            receivedAt: now(), matched: correlation != nil, metadata: correlation?.metadata, receipt: parsed.rawText)
    }

    /// The receipt event as a message for `smpp.dlr`. Its event id is derived from the PDU, not fresh: when the
    /// SMSC delivers this receipt again (it was refused, or its answer was lost), the copy carries the same id and
    /// consumers drop it.
    func receiptMessage(_ event: DeliveryReceiptEvent, _ message: InboundShortMessage) -> OutgoingMessage {
        eventMessage(
            exchange: settings.dlrExchange, routingKey: event.routingKey, body: event.jsonBytes(),
            correlationID: event.requestID, type: "delivery_receipt",
            eventID: message.receiptEventID(account: settings.account))
    }

    /// Counts and logs a receipt whose publish ended with `outcome`; the status to answer the SMSC with.
    func receiptPublished(_ event: DeliveryReceiptEvent, outcome: PublishOutcome) -> CommandStatus {
        guard outcome == .confirmed else { return .receiverTemporaryAppError }
        metrics.receipt(state: event.state, matched: event.matched)
        logger.log(level: event.matched ? .debug : .info, "delivery receipt", metadata: [
            "message_id": "\(event.messageID)", "stat": "\(event.stat)", "matched": "\(event.matched)",
            "request_id": "\(event.requestID ?? "")",
        ])
        return .ok
    }

    /// A deliver_sm / data_sm that cannot be read is never dropped: its raw PDU goes to the dead-letter exchange
    /// with the decode error in a header, and the SMSC is answered ESME_ROK only once the broker has it.
    public func undecodable(commandID: CommandID, raw: [UInt8], error: String) async -> CommandStatus {
        logger.warning("undecodable inbound PDU dead-lettered", metadata: [
            "command_id": "\(commandID.name)", "bytes": "\(raw.count)", "error": "\(error)",
        ])
        var message = eventMessage(
            exchange: settings.deadExchange, routingKey: "", body: raw, correlationID: nil, type: "undecodable_pdu",
            headers: ["x-smpp-bridge-reason": .string(error), "x-smpp-command-id": .string(commandID.name)])
        // The body is the PDU as received, not JSON.
        message.properties.contentType = "application/octet-stream"
        let published = await publish(message)
        return published == .confirmed ? .ok : .receiverTemporaryAppError
    }

    /// How a publish ended.
    enum PublishOutcome: Equatable {
        /// The broker confirmed it.
        case confirmed
        /// Nothing was written: the broker was disconnected or blocked publishing.
        case notSent
        /// Written (at least once) but not confirmed: the broker may or may not have it.
        case unconfirmed
    }

    /// Publishes one event with `eventID` (default a fresh one) and says whether the broker confirmed it. While the
    /// broker is disconnected or blocks publishing nothing is published — also a publish still waiting to be written
    /// when that happens (`connectionWait: .never`, the publisher fails it with `notConnected`): it would go out after
    /// the SMSC was answered ESME_RX_T_APPN, so its redelivery would be published a second time under another event id.
    /// An event that was sent but not confirmed when the connection was lost (a cluster node stopped, say) may or may
    /// not be on the broker: it is published again, with the same event id so consumers can drop a copy, on the next
    /// connection (another node) if that comes within ``InboundPipelineSettings/republishWindow``.
    func publish(exchange: String, routingKey: String, body: [UInt8], correlationID: String?, type: String,
                 headers: AMQPTable = [:], eventID: String? = nil) async -> PublishOutcome {
        await publish(eventMessage(
            exchange: exchange, routingKey: routingKey, body: body, correlationID: correlationID, type: type,
            headers: headers, eventID: eventID))
    }

    /// An event for the broker: persistent JSON with its event id (default a fresh one), not waiting for a connection.
    func eventMessage(exchange: String, routingKey: String, body: [UInt8], correlationID: String?, type: String,
                      headers: AMQPTable = [:], eventID: String? = nil) -> OutgoingMessage {
        let properties = AMQPProperties(
            contentType: "application/json", headers: headers, deliveryMode: .persistent,
            correlationID: correlationID, messageID: eventID ?? EventID.make(), timestamp: now(), type: type)
        return OutgoingMessage(
            exchange: exchange, routingKey: routingKey, body: body, properties: properties, connectionWait: .never)
    }

    /// Publishes `message` from attempt `first` on (see the overload above); `started` is when the first began.
    func publish(
        _ message: OutgoingMessage, from first: Int = 1, started: ContinuousClock.Instant = .now
    ) async -> PublishOutcome {
        var message = message
        for attempt in first...max(first, Self.maximumPublishAttempts) {
            do {
                try await publisher.publish(message)
                return confirmed(message, attempt: attempt)
            } catch {
                switch afterFailure(error, of: message, attempt: attempt, started: started) {
                case .republish(let wait): message.connectionWait = wait
                case .end(let outcome): return outcome
                }
            }
        }
        return .unconfirmed
    }

    /// What follows a failed attempt.
    enum AfterFailure: Equatable {
        /// Publish again (same event id), waiting at most this long for the next connection.
        case republish(AMQPPublishWait)
        /// Give up with this outcome.
        case end(PublishOutcome)
    }

    /// Decides (and logs) what follows attempt `attempt` of `message` failing with `error`.
    func afterFailure(
        _ error: any Error, of message: OutgoingMessage, attempt: Int, started: ContinuousClock.Instant
    ) -> AfterFailure {
        let code = (error as? AMQPError)?.code
        let window = Duration.milliseconds(Int64(max(0, settings.republishWindow) * 1000))
        let left = window - (ContinuousClock.now - started)
        let lostInFlight = code == .connectionLost || code == .channelClosed
        let mayRetry = attempt < Self.maximumPublishAttempts && left > .zero
        if lostInFlight && mayRetry { return .republish(.atMost(left)) }
        // Not sent for want of a connection: debug, as during an outage this is every PDU (the broker layer logs
        // the loss, amqp_connected shows it).
        let unsent = code == .notConnected && attempt == 1
        logger.log(
            level: unsent ? .debug : .warning,
            "event not confirmed by the broker; the SMSC is answered ESME_RX_T_APPN and delivers again",
            metadata: [
                "type": "\(message.properties.type ?? "")", "error": "\(error)", "attempts": "\(attempt)",
                "event_id": "\(message.properties.messageID ?? "")",
            ])
        return .end(unsent ? .notSent : .unconfirmed)
    }

    /// A confirmed attempt: logged when it was a republish.
    func confirmed(_ message: OutgoingMessage, attempt: Int) -> PublishOutcome {
        if attempt > 1 {
            logger.info("event republished after a lost connection", metadata: [
                "type": "\(message.properties.type ?? "")", "event_id": "\(message.properties.messageID ?? "")",
                "attempt": "\(attempt)",
            ])
        }
        return .confirmed
    }

    /// How long the id of an MO the broker may hold unconfirmed waits for the SMSC's redelivery, in seconds (SMSC
    /// retry schedules run from seconds to hours; an hour covers the usual ones without holding an id for a message
    /// that is not coming again).
    public static let unconfirmedMORetention: Double = 3600

    /// A first try and at most two republishes after lost connections (each only within the republish window).
    public static let maximumPublishAttempts = 3
}
