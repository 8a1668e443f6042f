import BridgeCore
import Foundation
import RabbitMQ
import SMPP
import SMSCSimulator
import Testing

extension BridgeFaultTests {
    /// The SMSC refuses every bind (ESME_RBINDFAIL) for a while: the bridge is not ready meanwhile, the requests
    /// published then wait, and all of them complete once a bind succeeds — each once, none twice at the SMSC.
    @Test func requestsSentWhileBindsAreRefusedCompleteOnceBindsSucceed() async throws {
        let refusals = 16
        let harness = try await BridgeHarness.start(simulator: { simulator in
            simulator.faults.refuseFirstBinds = refusals
        }, bridge: { bridge in
            bridge.outbound.registeredDelivery = false
        })
        // Readiness first, then the counter: no bind was accepted by then, so none was when readiness was read.
        let readiness = harness.bridge.readiness()
        let count = 60
        let ids = (0..<count).map { "b-\($0)" }
        for (index, id) in ids.enumerated() {
            try await harness.send(#"{"id":"\#(id)","to":"+5733\#(index)","text":"bind \#(index)"}"#)
        }
        #expect(harness.simulator.counters.bindsAccepted == 0, "the binds were refused while the requests went out")
        #expect(readiness.first { $0.name == "smpp_sessions" }?.ok == false, "\(readiness)")
        let events = try await harness.collect(timeout: .seconds(90)) { events in
            Set(events.filter { $0.type == "submit_result" }.compactMap(\.requestID)).count >= count
        }
        expectOneResultPerRequest(
            events, ids: ids, records: harness.simulator.records(),
            destination: { "5733\($0.dropFirst(2))" })
        let results = events.filter { $0.type == "submit_result" }
        #expect(results.count == count)
        #expect(harness.simulator.records().count == count, "each message once at the SMSC")
        let counters = harness.simulator.counters
        #expect(counters.bindsRefusedByFault == UInt64(refusals))
        #expect(counters.bindsAccepted >= 1)
        #expect(harness.bridge.readiness().first { $0.name == "smpp_sessions" }?.ok == true)
        try await harness.stop()
    }

    /// A graceful shutdown while no session can bind: the requests waiting for one (on the callback path: a submit
    /// queued in the client, no task) are handed back to the queue as the client shuts down — the shutdown does not
    /// wait for a bind that never comes — and nothing reached the SMSC or was published.
    @Test(.timeLimit(.minutes(2)))
    func aShutdownWhileNoSessionCanBindHandsTheWaitingRequestsBack() async throws {
        let harness = try await BridgeHarness.start(simulator: { simulator in
            simulator.faults.refuseFirstBinds = 1_000_000
        })
        let queue = AMQPQueue(name: harness.configuration.broker.queue)
        for index in 0..<3 {
            try await harness.send(#"{"id":"w-\#(index)","to":"+5733\#(index)","text":"waiting \#(index)"}"#)
        }
        // All three taken by the bridge (none ready in the queue): they wait for a session.
        let producer = harness.producer
        #expect(try await eventually(timeout: .seconds(30)) {
            (try? await producer.declareQueue(queue, passive: true).messageCount) == 0
        })
        try await harness.stopBridge()
        #expect(try await producer.declareQueue(queue, passive: true).messageCount == 3, "handed back to the queue")
        #expect(harness.simulator.records().isEmpty)
        let events = try await harness.collect(timeout: .milliseconds(500)) { _ in false }
        #expect(events.isEmpty)
        try await harness.stop()
    }

    /// Receipts that overtake their submit_sm_resp on the same session are held (smpp.receipt_hold) and published
    /// matched to their request, segment and metadata, like every other receipt.
    @Test func aReceiptBeforeItsSubmitResponseIsPublishedMatched() async throws {
        let harness = try await BridgeHarness.start(simulator: { simulator in
            simulator.faults.receiptBeforeResponseRate = 0.5
        }, bridge: { bridge in
            bridge.outbound.registeredDelivery = true
            bridge.outbound.receiptHold = .seconds(10)
        })
        let count = 80
        let ids = (0..<count).map { "e-\($0)" }
        for (index, id) in ids.enumerated() {
            try await harness.send(#"{"id":"\#(id)","to":"+5734\#(index)","text":"early \#(index)","metadata":{"n":\#(index)}}"#)
        }
        let events = try await harness.collect(timeout: .seconds(90)) { events in
            Set(events.filter { $0.type == "submit_result" }.compactMap(\.requestID)).count >= count
                && events.filter { $0.type == "delivery_receipt" }.count >= count
        }
        let records = harness.simulator.records()
        expectOneResultPerRequest(events, ids: ids, records: records, destination: { "5734\($0.dropFirst(2))" })
        let counters = harness.simulator.counters
        #expect(counters.receiptsBeforeResponse >= 10, "the fault happened: \(counters)")
        // One receipt per message, each matched to the request whose result carries its message_id.
        var messageIDOwner: [String: String] = [:]
        for result in events where result.type == "submit_result" {
            for messageID in result.json["message_ids"] as? [String] ?? [] { messageIDOwner[messageID] = result.requestID }
        }
        let receipts = events.filter { $0.type == "delivery_receipt" }
        #expect(receipts.count == count)
        #expect(Set(receipts.compactMap(\.requestID)) == Set(ids))
        for receipt in receipts {
            let messageID = receipt.json["message_id"] as? String ?? ""
            #expect(receipt.json["matched"] as? Bool == true, "\(receipt.json)")
            #expect(receipt.requestID != nil && messageIDOwner[messageID] == receipt.requestID, "\(receipt.json)")
            let index = receipt.requestID.flatMap { Int($0.dropFirst(2)) }
            #expect((receipt.json["metadata"] as? [String: Any])?["n"] as? Int == index, "\(receipt.json)")
        }
        #expect(records.count == count)
        try await harness.stop()
    }
}
