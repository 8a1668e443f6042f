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
        let status: CommandStatus
        switch message.body {
        case .deliverSM(let pdu): status = await process(InboundShortMessage(pdu))
        case .dataSM(let pdu): status = await process(InboundShortMessage(pdu))
        case .undecodable(let commandID, let raw, let error):
            status = await undecodable(commandID: commandID, raw: raw, error: "\(error)")
        }
        if status != .ok { metrics.inboundRefused.increment() }
        message.respond(status: status)
    }

    /// Decides and publishes; returns the status to answer the SMSC with.
    public func process(_ message: InboundShortMessage) async -> CommandStatus {
        if message.esmClass.isReceipt { return await receipt(message) }
        return await mobileOriginated(message)
    }

    func receipt(_ message: InboundShortMessage) async -> CommandStatus {
        let parsed = DeliveryReceipt.parse(shortMessage: message.userData, dataCoding: message.dataCoding, tlvs: message.tlvs)
        let messageID = parsed.messageID ?? ""
        var correlation: ReceiptCorrelation?
        if !messageID.isEmpty {
            let keys = MessageIDMatching.matchKeys(for: messageID, format: settings.messageIDFormat, side: .receipt)
            do {
                correlation = try await correlator.correlate(keys: keys) {
                    try await self.store.correlation(keys: keys)
                }
            } catch {
                logger.error("store lookup failed; receipt deferred (ESME_RX_T_APPN)", metadata: [
                    "message_id": "\(messageID)", "error": "\(error)",
                ])
                return .receiverTemporaryAppError
            }
        }
        let state = parsed.state ?? .unknown
        let event = DeliveryReceiptEvent(
            requestID: correlation?.requestID, messageID: messageID, segment: correlation?.segment,
            segments: correlation?.segments, stat: parsed.stat ?? state.stat, state: state.rawValue,
            final: state.isFinal, err: parsed.error,
            networkErrorCode: parsed.networkErrorCode.map { "\($0.networkType):\($0.errorCode)" },
            submitDate: parsed.submitDate?.rfc3339, doneDate: parsed.doneDate?.rfc3339,
            to: correlation?.to ?? message.source.address, from: correlation?.from ?? message.destination.address,
            receivedAt: now(), matched: correlation != nil, metadata: correlation?.metadata, receipt: parsed.rawText)
        // Derived from the PDU, not fresh: when the SMSC delivers this receipt again (it was refused, or its answer
        // was lost), the copy carries the same id and consumers drop it.
        let published = await publish(
            exchange: settings.dlrExchange, routingKey: event.routingKey, body: event.jsonBytes(),
            correlationID: event.requestID, type: "delivery_receipt",
            eventID: message.receiptEventID(account: settings.account))
        guard published == .confirmed else { return .receiverTemporaryAppError }
        metrics.receipt(state: state.rawValue, matched: correlation != nil)
        logger.log(level: correlation == nil ? .info : .debug, "delivery receipt", metadata: [
            "message_id": "\(messageID)", "stat": "\(event.stat)", "matched": "\(correlation != nil)",
            "request_id": "\(correlation?.requestID ?? "")",
        ])
        return .ok
    }

    /// A deliver_sm / data_sm that cannot be read is never dropped: its raw PDU goes to the dead-letter exchange
    /// with the decode error in a header, and the SMSC is answered ESME_ROK only once the broker has it.
    public func undecodable(commandID: CommandID, raw: [UInt8], error: String) async -> CommandStatus {
        logger.warning("undecodable inbound PDU dead-lettered", metadata: [
            "command_id": "\(commandID.name)", "bytes": "\(raw.count)", "error": "\(error)",
        ])
        let published = await publish(
            exchange: settings.deadExchange, routingKey: "", body: raw, correlationID: nil, type: "undecodable_pdu",
            headers: ["x-smpp-bridge-reason": .string(error), "x-smpp-command-id": .string(commandID.name)])
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
        let properties = AMQPProperties(
            contentType: "application/json", headers: headers, deliveryMode: .persistent,
            correlationID: correlationID, messageID: eventID ?? EventID.make(), timestamp: now(), type: type)
        let started = ContinuousClock.now
        var wait = AMQPPublishWait.never
        for attempt in 1...Self.maximumPublishAttempts {
            do {
                try await publisher.publish(OutgoingMessage(
                    exchange: exchange, routingKey: routingKey, body: body, properties: properties,
                    connectionWait: wait))
                if attempt > 1 {
                    logger.info("event republished after a lost connection", metadata: [
                        "type": "\(type)", "event_id": "\(properties.messageID ?? "")", "attempt": "\(attempt)",
                    ])
                }
                return .confirmed
            } catch {
                let code = (error as? AMQPError)?.code
                let window = Duration.milliseconds(Int64(max(0, settings.republishWindow) * 1000))
                let left = window - (ContinuousClock.now - started)
                let lostInFlight = code == .connectionLost || code == .channelClosed
                let mayRetry = attempt < Self.maximumPublishAttempts && left > .zero
                if lostInFlight && mayRetry {
                    wait = .atMost(left)
                    continue
                }
                // Not sent for want of a connection: debug, as during an outage this is every PDU (the broker layer
                // logs the loss, amqp_connected shows it).
                let unsent = code == .notConnected && attempt == 1
                logger.log(
                    level: unsent ? .debug : .warning,
                    "event not confirmed by the broker; the SMSC is answered ESME_RX_T_APPN and delivers again",
                    metadata: ["type": "\(type)", "error": "\(error)", "attempts": "\(attempt)"])
                return unsent ? .notSent : .unconfirmed
            }
        }
        return .unconfirmed
    }

    /// How long the id of an MO the broker may hold unconfirmed waits for the SMSC's redelivery, in seconds (SMSC
    /// retry schedules run from seconds to hours; an hour covers the usual ones without holding an id for a message
    /// that is not coming again).
    public static let unconfirmedMORetention: Double = 3600

    /// A first try and at most two republishes after lost connections (each only within the republish window).
    public static let maximumPublishAttempts = 3
}
