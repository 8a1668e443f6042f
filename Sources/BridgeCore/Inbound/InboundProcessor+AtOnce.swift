import RabbitMQ
public import SMPP
public import SMPPNIO

extension InboundProcessor {
    /// Handles `message` without a task of its own when it is a receipt whose segment this instance knows (accepted
    /// and not yet committed, or committed recently) or that names no message id — most receipts: the event is
    /// published at once and the broker's confirm answers the SMSC (on the publisher's thread, no hop back). Returns
    /// false, having done nothing, for everything else (MO, undecodable PDUs, receipts that need the store or a
    /// hold): ``handle(_:)`` takes those. Published, answered and counted exactly as ``handle(_:)`` would.
    public func handleAtOnce(_ message: SMPPInboundMessage) -> Bool {
        let short: InboundShortMessage
        switch message.body {
        case .deliverSM(let pdu): short = InboundShortMessage(pdu)
        case .dataSM(let pdu): short = InboundShortMessage(pdu)
        case .undecodable: return false
        }
        return processAtOnce(short) { status in
            if status != .ok { self.metrics.inboundRefused.increment() }
            message.respond(status: status)
        }
    }

    /// ``handleAtOnce(_:)`` for a decoded message: `answer` gets the status to answer the SMSC with (the one
    /// ``process(_:)`` would return) when this returns true; never when it returns false.
    public func processAtOnce(
        _ message: InboundShortMessage, answer: @escaping @Sendable (CommandStatus) -> Void
    ) -> Bool {
        guard message.esmClass.isReceipt else { return false }
        let parsed = DeliveryReceipt.parse(
            shortMessage: message.userData, dataCoding: message.dataCoding, tlvs: message.tlvs)
        let messageID = parsed.messageID ?? ""
        var correlation: ReceiptCorrelation?
        if !messageID.isEmpty {
            let keys = MessageIDMatching.matchKeys(for: messageID, format: settings.messageIDFormat, side: .receipt)
            guard let known = correlator.known(keys: keys) else { return false }
            correlation = known
        }
        let event = receiptEvent(parsed, messageID: messageID, correlation: correlation, message)
        publishThenAnswer(receiptMessage(event, message)) { outcome in
            answer(self.receiptPublished(event, outcome: outcome))
        }
        return true
    }

    /// ``publish(_:from:started:)`` without waiting: `answer` gets the outcome, on the publisher's thread unless a
    /// republish after a lost connection is needed (that one runs in a task, as it waits for the next connection).
    func publishThenAnswer(_ message: OutgoingMessage, answer: @escaping @Sendable (PublishOutcome) -> Void) {
        let started = ContinuousClock.now
        publisher.publish(message) { error in
            guard let error else { return answer(self.confirmed(message, attempt: 1)) }
            switch self.afterFailure(error, of: message, attempt: 1, started: started) {
            case .end(let outcome):
                answer(outcome)
            case .republish(let wait):
                var again = message
                again.connectionWait = wait
                Task { answer(await self.publish(again, from: 2, started: started)) }
            }
        }
    }
}
