import NIOCore
import SMPP

extension SimulatorCore {
    /// Accepts one message: a new unique id, a record (memory and `--record` file), and its receipts scheduled.
    /// Returns the id for the response. With `receiptFirst`, the first receipt the message gets is not scheduled
    /// but returned, already counted as in flight, for the caller to send on its own session before the response.
    func accept(_ submission: SMSCSessionStateMachine.Submission, account: String, sessionID: UInt64,
                sequenceNumber: UInt32, receiptFirst: Bool = false) -> (id: MessageID, earlyReceipt: OutboundDelivery?) {
        let now = wallClockMilliseconds()
        let (id, record, outcome) = state.withLockedValue { state in
            let id = state.ids.next()
            let record = Self.record(submission, id: id.text, account: account, sessionID: sessionID,
                                     sequenceNumber: sequenceNumber, now: now)
            if configuration.keepRecordsInMemory { state.records.append(record) }
            state.counters.submitsAccepted += 1
            let outcome = configuration.dlrOutcomes.pick(using: &state.random)
            let first = now + configuration.dlrDelayMilliseconds
            let changes = outcome.receipts.indices.map { first + Int64($0) * configuration.dlrFinalDelayMilliseconds }
            state.statuses.track(id.text, outcome: outcome, changes: changes, limit: configuration.maxTrackedMessages)
            return (id, record, outcome)
        }
        recordWriter?.write(record)
        let early = scheduleReceipts(for: record, id: id, outcome: outcome, account: account, firstNow: receiptFirst)
        notifyWaiters()
        return (id, early)
    }

    static func record(_ submission: SMSCSessionStateMachine.Submission, id: String, account: String,
                       sessionID: UInt64, sequenceNumber: UInt32, now: Int64) -> SubmitRecord {
        switch submission {
        case .submitSM(let submit):
            return SubmitRecord(
                messageID: id, account: account, session: sessionID, sequenceNumber: sequenceNumber,
                serviceType: submit.serviceType, sourceTON: submit.source.ton, sourceNPI: submit.source.npi,
                sourceAddress: submit.source.address, destinationTON: submit.destination.ton,
                destinationNPI: submit.destination.npi, destinationAddress: submit.destination.address,
                esmClass: submit.esmClass.rawValue, protocolID: submit.protocolID, priority: submit.priorityFlag,
                registeredDelivery: submit.registeredDelivery, dataCoding: submit.dataCoding,
                shortMessage: submit.shortMessage, tlvs: submit.tlvs, receivedAtMilliseconds: now)
        case .dataSM(let data):
            return SubmitRecord(
                messageID: id, account: account, session: sessionID, sequenceNumber: sequenceNumber,
                serviceType: data.serviceType, sourceTON: data.source.ton, sourceNPI: data.source.npi,
                sourceAddress: data.source.address, destinationTON: data.destination.ton,
                destinationNPI: data.destination.npi, destinationAddress: data.destination.address,
                esmClass: data.esmClass.rawValue, protocolID: 0, priority: 0,
                registeredDelivery: data.registeredDelivery, dataCoding: data.dataCoding,
                shortMessage: [], tlvs: data.tlvs, receivedAtMilliseconds: now)
        }
    }

    /// Schedules the outcome's receipts: the first after `dlrDelay`, a final one after an intermediate
    /// `dlrFinalDelay` later. Receipts the message did not ask for are skipped (unless configured otherwise);
    /// query_sm works the state out from the same times without a timer. With `firstNow`, the first receipt is
    /// built now and returned as an in-flight delivery instead of being scheduled.
    private func scheduleReceipts(for record: SubmitRecord, id: MessageID, outcome: DeliveryOutcome, account: String,
                                  firstNow: Bool) -> OutboundDelivery? {
        let receiptID = (configuration.receiptIDFormat ?? configuration.messageIDFormat).render(id.value)
        var delay = configuration.dlrDelayMilliseconds
        var early: OutboundDelivery?
        var sendNow = firstNow
        for (step, stat) in outcome.receipts.enumerated() {
            defer { delay += configuration.dlrFinalDelayMilliseconds }
            if configuration.dlrOnlyWhenRequested,
               !DeliveryReceiptBuilder.isRequested(registeredDelivery: record.registeredDelivery, stat: stat) {
                continue
            }
            if sendNow {
                sendNow = false
                let body = DeliveryReceiptBuilder.deliverSM(
                    for: record, receiptID: receiptID, stat: stat, doneDate: wallClockMilliseconds() / 1000)
                early = state.withLockedValue { state -> OutboundDelivery? in
                    guard !state.stopped else { return nil }
                    defer { state.nextDeliveryID += 1 }
                    let delivery = OutboundDelivery(
                        id: state.nextDeliveryID, account: account, body: body, attempts: 1, isReceipt: true)
                    state.inFlight[delivery.id] = delivery
                    state.counters.receiptsSent += 1
                    state.counters.receiptsBeforeResponse += 1
                    return delivery
                }
                continue
            }
            addDueReceipt(
                DueReceipt(due: .now() + .milliseconds(delay), record: record, receiptID: receiptID, stat: stat,
                           account: account),
                step: step)
        }
        return early
    }

    /// What query_sm reports now for a message id (as returned in submit_sm_resp), nil when unknown or forgotten.
    func status(of messageID: String) -> MessageStatus? {
        let now = wallClockMilliseconds()
        return state.withLockedValue { $0.statuses.status(of: messageID, now: now) }
    }
}
