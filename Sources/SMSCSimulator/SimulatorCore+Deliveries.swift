import NIOCore
import SMPP

extension SimulatorCore {
    /// Queues a new deliver_sm for `account` (nil = any receiving session).
    func enqueue(_ body: DeliverSM, account: String?, isReceipt: Bool) {
        let delivery = state.withLockedValue { state -> OutboundDelivery? in
            guard !state.stopped else { return nil }
            defer { state.nextDeliveryID += 1 }
            return OutboundDelivery(id: state.nextDeliveryID, account: account, body: body, attempts: 0, isReceipt: isReceipt)
        }
        if let delivery { dispatch(delivery) }
    }

    /// Hands a delivery to a receiving session of its account (round robin), or parks it until one binds.
    func dispatch(_ delivery: OutboundDelivery) {
        var delivery = delivery
        let endpoint = state.withLockedValue { state -> (any DeliveryEndpoint)? in
            guard !state.stopped else { return nil }
            let candidates = state.receivers
                .filter { delivery.account == nil || $0.value.account == delivery.account }
                .sorted { $0.key < $1.key }
            guard !candidates.isEmpty else {
                state.waiting.append(delivery)
                state.counters.deliveriesWaiting += 1
                if state.waiting.count > max(0, configuration.maxWaitingDeliveries) {
                    state.waiting.removeFirst()
                    state.counters.deliveriesDropped += 1
                }
                return nil
            }
            state.roundRobin &+= 1
            let chosen = candidates[Int(state.roundRobin % UInt64(candidates.count))].value.endpoint
            delivery.attempts += 1
            state.inFlight[delivery.id] = delivery
            if delivery.isReceipt { state.counters.receiptsSent += 1 } else { state.counters.moSent += 1 }
            return chosen
        }
        notifyWaiters()
        endpoint?.deliver(delivery)
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
            dispatch(retry)
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
