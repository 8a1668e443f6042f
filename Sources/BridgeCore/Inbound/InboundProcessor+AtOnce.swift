import RabbitMQ
public import SMPP
public import SMPPNIO

/// A deliver_sm / data_sm that ``InboundProcessor/handleAtOnce(_:)`` left for a task, with its receipt already read
/// when it is one (so the task does not parse it again).
public struct PendingInbound: Sendable {
    /// The message, to answer.
    public let message: SMPPInboundMessage
    let receipt: InboundProcessor.ReadReceipt?
}

extension InboundShortMessage {
    /// The short message of a deliver_sm or data_sm; nil for an undecodable PDU.
    init?(_ body: SMPPInboundMessage.Body) {
        switch body {
        case .deliverSM(let pdu): self.init(pdu)
        case .dataSM(let pdu): self.init(pdu)
        case .undecodable: return nil
        }
    }
}

extension InboundProcessor {
    /// Handles `message` without a task of its own when it is a receipt whose segment this instance knows (accepted
    /// and not yet committed, or committed recently) or that names no message id — most receipts: the event is
    /// published at once and the broker's confirm answers the SMSC (on the publisher's thread, no hop back). Returns
    /// nil then; for everything else (MO, undecodable PDUs, receipts that need the store or a hold) what
    /// ``handle(_:)-(PendingInbound)`` is to finish in a task. Published, answered and counted exactly alike.
    public func handleAtOnce(_ message: SMPPInboundMessage) -> PendingInbound? {
        guard let short = InboundShortMessage(message.body), short.esmClass.isReceipt else {
            return PendingInbound(message: message, receipt: nil)
        }
        let receipt = readReceipt(short)
        let handled = receiptAtOnce(receipt) { status in self.respond(message, status) }
        return handled ? nil : PendingInbound(message: message, receipt: receipt)
    }

    /// ``handleAtOnce(_:)`` for a decoded message: `answer` gets the status to answer the SMSC with (the one
    /// ``process(_:)`` would return) when this returns true; never when it returns false.
    public func processAtOnce(
        _ message: InboundShortMessage, answer: @escaping @Sendable (CommandStatus) -> Void
    ) -> Bool {
        guard message.esmClass.isReceipt else { return false }
        return receiptAtOnce(readReceipt(message), answer: answer)
    }

    /// Publishes `receipt` at once when its segment is known here (or it names none); false, doing nothing, when it
    /// needs the store or a hold.
    private func receiptAtOnce(_ receipt: ReadReceipt, answer: @escaping @Sendable (CommandStatus) -> Void) -> Bool {
        var correlation: ReceiptCorrelation?
        if !receipt.keys.isEmpty {
            guard let known = correlator.known(keys: receipt.keys) else { return false }
            correlation = known
        }
        let event = receiptEvent(receipt, correlation: correlation)
        publishThenAnswer(receiptMessage(event, receipt.message)) { outcome in
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
