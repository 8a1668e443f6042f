import NIOCore
import SMPP

extension SimulatorCore {
    /// Queues a new deliver_sm for `account` (nil = any receiving session).
    func enqueue(_ body: DeliverSM, account: String?, isReceipt: Bool) {
        enqueue([(body, account)], isReceipt: isReceipt)
    }

    /// Queues deliver_sm PDUs (each with its account) that are due together, and hands them out as one batch.
    func enqueue(_ bodies: [(body: DeliverSM, account: String?)], isReceipt: Bool) {
        let deliveries = state.withLockedValue { state -> [OutboundDelivery] in
            guard !state.stopped else { return [] }
            return bodies.map { item in
                defer { state.nextDeliveryID += 1 }
                return OutboundDelivery(
                    id: state.nextDeliveryID, account: item.account, body: item.body, attempts: 0, isReceipt: isReceipt)
            }
        }
        dispatch(deliveries)
    }

    /// Hands each delivery to a receiving session of its account (round robin), or parks it until one binds. The
    /// deliveries a session gets here reach it as one batch (one task on its event loop, one flush).
    func dispatch(_ deliveries: [OutboundDelivery]) {
        guard !deliveries.isEmpty else { return }
        let batches = state.withLockedValue { state -> [(endpoint: any DeliveryEndpoint, deliveries: [OutboundDelivery])] in
            guard !state.stopped else { return [] }
            // One batch per session, in the order the sessions were first chosen.
            var batches: [(endpoint: any DeliveryEndpoint, deliveries: [OutboundDelivery])] = []
            var batchOfSession: [UInt64: Int] = [:]
            var candidatesByAccount: [String?: [(key: UInt64, value: (account: String, endpoint: any DeliveryEndpoint))]] = [:]
            for var delivery in deliveries {
                let candidates = candidatesByAccount[delivery.account] ?? {
                    let found = state.receivers
                        .filter { delivery.account == nil || $0.value.account == delivery.account }
                        .sorted { $0.key < $1.key }
                    candidatesByAccount[delivery.account] = found
                    return found
                }()
                guard !candidates.isEmpty else {
                    state.waiting.append(delivery)
                    state.counters.deliveriesWaiting += 1
                    if state.waiting.count > max(0, configuration.maxWaitingDeliveries) {
                        state.waiting.removeFirst()
                        state.counters.deliveriesDropped += 1
                    }
                    continue
                }
                state.roundRobin &+= 1
                let chosen = candidates[Int(state.roundRobin % UInt64(candidates.count))]
                delivery.attempts += 1
                state.inFlight[delivery.id] = delivery
                if delivery.isReceipt { state.counters.receiptsSent += 1 } else { state.counters.moSent += 1 }
                if let batch = batchOfSession[chosen.key] {
                    batches[batch].deliveries.append(delivery)
                } else {
                    batchOfSession[chosen.key] = batches.count
                    batches.append((chosen.value.endpoint, [delivery]))
                }
            }
            return batches
        }
        notifyWaiters()
        for batch in batches { batch.endpoint.deliver(batch.deliveries) }
    }

    /// A session reports what became of a deliver_sm: acknowledged, retry later (ESME_RX_T_APPN, no answer,
    /// session lost) or drop (ESME_RX_P_APPN, ESME_RX_R_APPN, other errors, too many attempts).
    func deliveryFinished(deliveryID: UInt64, result: SMSCSessionStateMachine.DeliveryResult) {
        let retry = state.withLockedValue { state -> OutboundDelivery? in
            guard let delivery = state.inFlight.removeValue(forKey: deliveryID) else { return nil }
            switch result {
            case .acknowledged:
                state.counters.deliveriesAcknowledged += 1
                return nil
            case .drop:
                state.counters.deliveriesDropped += 1
                return nil
            case .retry:
                guard delivery.attempts < configuration.maxDeliveryAttempts, !state.stopped else {
                    state.counters.deliveriesDropped += 1
                    return nil
                }
                state.counters.deliveriesRetried += 1
                return delivery
            }
        }
        notifyWaiters()
        guard let retry else { return }
        loop.scheduleTask(in: .milliseconds(configuration.redeliveryDelayMilliseconds)) { [self] in
            dispatch([retry])
        }
    }

    /// Generates the next MO message (one or more parts, long ones out of order) and queues its parts.
    func generateMO() {
        let parts = state.withLockedValue { state in state.mo.next(using: &state.random) }
        for part in parts {
            let body = DeliverSM(
                source: Address(ton: TypeOfNumber.international, npi: NumberingPlan.isdn, address: configuration.moSourceAddress),
                destination: Address(ton: TypeOfNumber.networkSpecific, npi: NumberingPlan.unknown, address: configuration.moDestinationAddress),
                esmClass: ESMClass(rawValue: part.esmClass), dataCoding: part.dataCoding, shortMessage: part.shortMessage)
            enqueue(body, account: nil, isReceipt: false)
        }
    }

    /// Stops handing out deliveries; pending timers find the core stopped and do nothing.
    func stop() {
        let waiters = state.withLockedValue { state in
            state.stopped = true
            state.receivers = [:]
            defer { state.waiters = [] }
            return state.waiters.map(\.promise)
        }
        for promise in waiters { promise.succeed(false) }
    }
}
