import BridgeCore
import Foundation
import SMPP
import SMSCSimulator
import Testing

extension BridgeFaultTests {
    /// RabbitMQ restarted while requests are in flight (consumed, at the SMSC, results being published): every
    /// request still ends with one result — copies only as identical republications — and no message reaches the
    /// SMSC twice unflagged.
    @Test(.enabled(if: E2EBrokerControl.restartable, E2EBrokerControl.skipReason))
    func aBrokerRestartedMidRunLosesNothing() async throws {
        let restart = try #require(E2EBrokerControl.restart)
        let harness = try await BridgeHarness.start(bridge: { bridge in
            bridge.outbound.registeredDelivery = false
            // 2 sessions × 25/s: the run lasts about 10 s, long enough for the restart to land in its middle.
            bridge.smpp.throughput = 25
        }, durableSubscriber: true)
        let count = 500
        let ids = (0..<count).map { "q-\($0)" }
        for (index, id) in ids.enumerated() {
            try await harness.send(#"{"id":"\#(id)","to":"+5735\#(index)","text":"restart \#(index)"}"#)
        }
        #expect(await harness.simulator.waitForCounters(timeout: .seconds(60)) { $0.submitsAccepted >= 40 })
        let restarting = Task { try await E2EBrokerControl.shell(restart) }
        // The moment the bridge sees the broker go: how far the run had got.
        let down = try await eventually(timeout: .seconds(60)) {
            harness.bridge.readiness().first { $0.name == "broker_publisher" }?.ok == false
        }
        let acceptedWhenDown = harness.simulator.counters.submitsAccepted
        try await restarting.value
        #expect(down, "the bridge saw the broker go")
        #expect(acceptedWhenDown < UInt64(count), "the restart came before the run ended")
        let events = try await harness.collect(timeout: .seconds(100)) { events in
            Set(events.filter { $0.type == "submit_result" }.compactMap(\.requestID)).count >= count
        }
        expectOneResultPerRequest(
            events, ids: ids, records: harness.simulator.records(), destination: { "5735\($0.dropFirst(2))" })
        try await harness.stop()
    }

    /// A receipt and an MO arriving while the broker is down are answered ESME_RX_T_APPN (so the SMSC keeps them)
    /// and published once the broker is back, when the SMSC delivers them again.
    @Test(.enabled(if: E2EBrokerControl.stoppable, E2EBrokerControl.skipReason))
    func aDeliverSMWhileTheBrokerIsDownIsRefusedThenDeliveredLater() async throws {
        let ctl = try #require(E2EBrokerControl.ctl)
        let harness = try await BridgeHarness.start(simulator: { simulator in
            simulator.redeliveryDelayMilliseconds = 300
            simulator.maxDeliveryAttempts = 1_000
        }, bridge: { bridge in
            bridge.outbound.registeredDelivery = false
        }, durableSubscriber: true)
        try await harness.send(#"{"id":"down-1","to":"+573600","text":"before the outage","metadata":{"k":"v"}}"#)
        let before = try await harness.collect(timeout: .seconds(60)) { events in
            events.contains { $0.type == "submit_result" }
        }
        let result = try #require(before.first { $0.type == "submit_result" })
        let messageID = try #require((result.json["message_ids"] as? [String])?.first)
        let record = try #require(harness.simulator.records().first)

        try await E2EBrokerControl.shell("\(ctl) stop_app")
        do {
            #expect(try await eventually(timeout: .seconds(30)) {
                harness.bridge.readiness().first { $0.name == "broker_publisher" }?.ok == false
            })
            let receipt = DeliveryReceiptBuilder.deliverSM(
                for: record, receiptID: messageID, stat: .delivered, doneDate: Int64(Date().timeIntervalSince1970))
            harness.simulator.injectMO(receipt)
            harness.simulator.injectMO(DeliverSM(
                source: Address(ton: 1, npi: 1, address: "573009990001"), destination: Address(address: "12345"),
                dataCoding: 0, shortMessage: Array("MO while the broker is down".utf8)))
            #expect(await harness.simulator.waitForCounters(timeout: .seconds(60)) {
                $0.deliveriesTemporaryAppError >= 2
            }, "both refused with ESME_RX_T_APPN: \(harness.simulator.counters)")
        } catch {
            try await E2EBrokerControl.shell("\(ctl) start_app")
            throw error
        }
        try await E2EBrokerControl.shell("\(ctl) start_app")
        let after = try await harness.collect(timeout: .seconds(90)) { events in
            events.contains { $0.type == "delivery_receipt" } && events.contains { $0.type == "mo" }
                && harness.simulator.counters.deliveriesAcknowledged >= 2
        }
        let receipts = after.filter { $0.type == "delivery_receipt" }
        let mo = after.filter { $0.type == "mo" }
        #expect(receipts.count == 1 && mo.count == 1, "each once: \(after.map(\.json))")
        #expect(receipts.first?.requestID == "down-1")
        #expect(receipts.first?.json["matched"] as? Bool == true)
        #expect(receipts.first?.json["message_id"] as? String == messageID)
        #expect((receipts.first?.json["metadata"] as? [String: Any])?["k"] as? String == "v")
        #expect(mo.first?.json["text"] as? String == "MO while the broker is down")
        #expect(mo.first?.json["from"] as? String == "+573009990001")
        let counters = harness.simulator.counters
        #expect(counters.deliveriesAcknowledged == 2)
        #expect(counters.deliveriesDropped == 0)
        try await harness.stop()
    }
}
