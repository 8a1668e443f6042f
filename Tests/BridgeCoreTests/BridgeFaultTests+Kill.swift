import Foundation
import SMSCSimulator
import Testing

extension BridgeFaultTests {
    /// The real `smpp-bridge run` process SIGKILLed once about a third of the results are out, then started again
    /// on the same store: every request ends with exactly one result (copies of it byte-identical with the same
    /// event id), a message reaches the simulator twice only where its result says possible_duplicate, and every
    /// segment the simulator accepted has its receipt published — matched for every segment a result lists.
    @Test(.enabled(if: BridgeExecutable.available, "the smpp-bridge executable is not built next to the tests"))
    func aBridgeKilledMidRunAndStartedAgainLosesNothing() async throws {
        let started = ContinuousClock.now
        // The bridge answers a deliver_sm only after the broker confirmed its event and holds at most window × 2
        // unanswered per session, so a burst of receipts (the backlog the simulator hands the restarted bridge
        // at bind) is partly refused with ESME_RX_T_APPN and delivered again, as a real SMSC does for hours.
        // The simulator's default of 10 attempts would drop some; 100 attempts 200 ms apart is 20 s of retrying.
        let harness = try await ProcessBridgeHarness(simulator: { simulator in
            simulator.redeliveryDelayMilliseconds = 200
            simulator.maxDeliveryAttempts = 100
        })
        do {
            try await interruptAndCheck(harness, count: 2_000) { harness in
                let signal = try await harness.killAndRestart()
                #expect(signal == SIGKILL)
                return "killed (signal \(signal))"
            }
        } catch {
            Issue.record("\(error)\nbridge log:\n\(harness.logTail())")
        }
        let status = await harness.stop()
        #expect(status == 0, "the restarted bridge's exit status after SIGTERM")
        print("kill test: \(ContinuousClock.now - started) in all")
    }

    /// Publishes `count` requests, lets `interrupt` stop the bridge and start it again once `resultsFirst` results
    /// are out (default a third; it returns how it stopped the bridge, for the printed summary), then checks that
    /// every request ended with exactly one result, duplicates at the simulator only where flagged, and every
    /// receipt published.
    func interruptAndCheck(
        _ harness: ProcessBridgeHarness, count: Int, resultsFirst: Int? = nil,
        interrupt: (ProcessBridgeHarness) async throws -> String
    ) async throws {
        let ids = (0..<count).map { "k-\($0)" }
        try await harness.send(ids.indices.map { index in
            #"{"id":"\#(ids[index])","to":"+5733\#(index)","text":"kill \#(index)","metadata":{"n":\#(index)}}"#
        })
        func resultIDs(_ events: [RawEvent]) -> Set<String> {
            Set(events.lazy.filter { $0.type == "submit_result" }.compactMap(\.requestID))
        }
        let first = resultsFirst ?? count / 3
        let arrived = try await harness.recorder.wait(timeout: .seconds(120)) { resultIDs($0).count >= first }
        try #require(arrived, "\(first) results did not arrive: \(resultIDs(harness.recorder.events).count)")
        let countersBeforeKill = harness.simulator.counters
        let interruption = try await interrupt(harness)
        let resultsAtKill = resultIDs(harness.recorder.events).count
        let recordsAtKill = harness.simulator.records().count

        // Done: every request has a result, and every message id the simulator gave out has a receipt published.
        let done = try await harness.recorder.wait(timeout: .seconds(240)) { events in
            guard resultIDs(events).count == count else { return false }
            let receipted = Set(events.lazy.filter { $0.type == "delivery_receipt" }.compactMap { $0.json["message_id"] as? String })
            return harness.simulator.records().allSatisfy { receipted.contains($0.messageID) }
        }
        let events = harness.recorder.events
        let records = harness.simulator.records()
        #expect(done, "results \(resultIDs(events).count)/\(count), records \(records.count)")

        // Exactly one result per request: copies allowed only when byte-identical with the same event id.
        let results = events.filter { $0.type == "submit_result" }
        let byID = Dictionary(grouping: results, by: { $0.requestID ?? "" })
        #expect(Set(byID.keys) == Set(ids))
        var copies = 0
        for (id, sameID) in byID {
            let first = sameID[0]
            copies += sameID.count - 1
            for other in sameID.dropFirst() {
                #expect(other.body == first.body && other.eventID == first.eventID && first.eventID != nil,
                        "two different results for \(id)")
            }
        }

        // At the simulator: more than once only where the result says possible_duplicate.
        let recordsByDestination = Dictionary(grouping: records, by: \.destinationAddress)
        var duplicated = 0
        var flagged = 0
        for (id, sameID) in byID {
            let result = sameID[0].json
            let index = Int(id.dropFirst(2))!
            let atSimulator = recordsByDestination["5733\(index)"]?.count ?? 0
            let possibleDuplicate = result["possible_duplicate"] as? Bool == true
            if possibleDuplicate { flagged += 1 }
            #expect(result["status"] as? String == "accepted", "\(id): \(result)")
            #expect(atSimulator >= 1, "\(id) never reached the simulator")
            if atSimulator > 1 {
                duplicated += 1
                #expect(possibleDuplicate, "\(id) reached the simulator \(atSimulator) times: \(result)")
            }
        }

        // Receipts: every accepted segment's receipt published matched, with its request and metadata; every
        // message id the simulator gave out (also those of submits whose answer died with the bridge) published.
        let receipts = events.filter { $0.type == "delivery_receipt" }
        let receiptsByMessageID = Dictionary(grouping: receipts, by: { $0.json["message_id"] as? String ?? "" })
        for (id, sameID) in byID {
            let result = sameID[0].json
            for messageID in result["message_ids"] as? [String] ?? [] {
                let matched = receiptsByMessageID[messageID, default: []].filter { $0.json["matched"] as? Bool == true }
                #expect(!matched.isEmpty, "\(id): no matched receipt for \(messageID)")
                for receipt in matched {
                    #expect(receipt.requestID == id && receipt.json["segment"] as? Int == 1)
                    #expect((receipt.json["metadata"] as? [String: Any])?["n"] as? Int == Int(id.dropFirst(2)))
                }
            }
        }
        for record in records {
            #expect(receiptsByMessageID[record.messageID] != nil, "no receipt published for \(record.messageID)")
        }
        let counters = harness.simulator.counters
        #expect(counters.deliveriesDropped == 0)
        let unmatched = receipts.filter { $0.json["matched"] as? Bool != true }.count
        print("""
            interrupt test: \(count) requests; \(interruption) at \(resultsAtKill) results, \(recordsAtKill) \
            records; results \(results.count) (identical copies \(copies)); records \(records.count); flagged \
            possible_duplicate \(flagged), reached twice \(duplicated); receipts \(receipts.count) (unmatched \
            \(unmatched)); simulator deliveries retried \(counters.deliveriesRetried), acknowledged \
            \(counters.deliveriesAcknowledged), dropped \(counters.deliveriesDropped); before the kill: retried \
            \(countersBeforeKill.deliveriesRetried), acknowledged \(countersBeforeKill.deliveriesAcknowledged), \
            receipts sent \(countersBeforeKill.receiptsSent)
            """)
    }
}
