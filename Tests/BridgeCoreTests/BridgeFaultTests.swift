import BridgeCore
import Foundation
import SMPP
import SMSCSimulator
import Testing

@Suite(.serialized, .oneEndToEndSuiteAtATime, .enabled(if: E2EBroker.available, E2EBroker.skipReason))
struct BridgeFaultTests {
    /// Throttling, full queues, lost responses (the submit taken or not) and dropped connections at the SMSC: every
    /// request still ends with exactly one result, and a message reaches the simulator twice only where its result
    /// says possible_duplicate — under `resubmit` some do (a response lost after the SMSC took the message), under
    /// `report` none: a request is never at the SMSC twice, and one `failed` reached it only if flagged.
    @Test(arguments: [true, false])
    func everyRequestEndsOnceAndDuplicatesAreFlagged(resubmit: Bool) async throws {
        let harness = try await BridgeHarness.start(simulator: { simulator in
            simulator.faults.throttleRate = 0.15
            simulator.faults.queueFullRate = 0.05
            simulator.faults.noResponseRate = 0.03
            simulator.faults.acceptWithoutResponseRate = 0.03
            simulator.faults.dropRate = 0.005
            // Answers 5–60 ms late, so the window fills: the simulator counts a session beyond the harness's 20.
            simulator.faults.latency = .uniform(minMilliseconds: 5, maxMilliseconds: 60)
            simulator.maxOutstandingSubmits = 20
        }, bridge: { bridge in
            bridge.smpp.responseTimeout = .seconds(1)
            bridge.smpp.inboundTimeout = .milliseconds(800)
            bridge.outbound.maxAttempts = 8
            bridge.outbound.retryInitialDelay = .milliseconds(20)
            bridge.outbound.retryMaxDelay = .milliseconds(200)
            bridge.outbound.onTimeout = resubmit ? .resubmit : .report
            bridge.outbound.registeredDelivery = false
        })
        let count = 300
        for index in 0..<count {
            try await harness.send(#"{"id":"f-\#(index)","to":"+5731\#(index)","text":"fault \#(index)"}"#)
        }
        let events = try await harness.collect(timeout: .seconds(150)) { events in
            Set(events.filter { $0.type == "submit_result" }.compactMap(\.requestID)).count >= count
        }
        // The bridge stops before the records are read and the last events drained: a send or a result that came
        // after the wait would count.
        try await harness.stopBridge()
        let late = try await harness.collect(timeout: .seconds(1)) { _ in false }
        let results = (events + late).filter { $0.type == "submit_result" }
        let byID = Dictionary(grouping: results, by: { $0.requestID ?? "" })
        #expect(byID.count == count)
        #expect(byID.values.allSatisfy { $0.count == 1 })
        let records = harness.simulator.records()
        var duplicated = 0
        for (id, copies) in byID {
            let result = try #require(copies.first)
            let status = result.json["status"] as? String
            let flagged = result.json["possible_duplicate"] as? Bool == true
            let index = Int(id.dropFirst(2))!
            let atSimulator = records.filter { $0.destinationAddress == "5731\(index)" }.count
            if resubmit {
                #expect(status == "accepted" || status == "failed", "\(id): \(result.json)")
            } else {
                #expect(["accepted", "failed", "unknown"].contains(status), "\(id): \(result.json)")
                #expect(atSimulator <= 1, "\(id) reached the SMSC \(atSimulator) times under report")
            }
            if atSimulator > 1 {
                duplicated += 1
                #expect(flagged, "\(id) reached the SMSC \(atSimulator) times")
            }
            if status == "accepted" { #expect(atSimulator >= 1) }
            // A failed request the SMSC has a copy of is one the caller must not take for unsent.
            if status == "failed", atSimulator > 0 { #expect(flagged, "\(id) failed but reached the SMSC: \(result.json)") }
        }
        let counters = harness.simulator.counters
        #expect(counters.submitsAcceptedUnanswered > 0, "the fault happened")
        // Through timeouts, retries and reconnections: never beyond the window, no sequence number reused.
        #expect(counters.windowOverruns == 0 && counters.sequenceNumbersReused == 0, "\(counters)")
        if resubmit { #expect(duplicated > 0, "a lost response after the SMSC took the message: a flagged copy") }
        print("fault run (resubmit \(resubmit)): \(duplicated) requests at the SMSC twice, all flagged; "
              + "\(counters.submitsAcceptedUnanswered) taken unanswered, \(counters.submitsUnanswered) unanswered")
        try await harness.stop()
    }

    /// A graceful restart while requests wait for the throughput cap: those never sent are handed back with their
    /// in-flight mark forgotten, so after the restart they are submitted as new — no result flagged
    /// `possible_duplicate`, every request at the SMSC once.
    @Test func requestsHandedBackUnsentAreNotFlaggedAfterARestart() async throws {
        let harness = try await BridgeHarness.start(bridge: { bridge in
            bridge.outbound.registeredDelivery = false
            bridge.smpp.sessions = 1
            bridge.smpp.window = 5
            bridge.smpp.throughput = 10
            bridge.broker.prefetch = 150
        })
        // 10 per second and a 10 s drain: about half are still waiting when the session closes.
        try await harness.expectEveryRequestOnceAcrossInterruption(count: 150, idPrefix: "hb", timeout: .seconds(60)) {
            try await harness.restartBridge()
        }
        try await harness.stop()
    }

    /// A restart on the same store: requests delivered again are answered from the store, byte for byte, with the
    /// same event ids, and nothing is submitted twice.
    @Test func aRestartedBridgeRepublishesStoredResultsWithoutSubmittingAgain() async throws {
        let harness = try await BridgeHarness.start(bridge: { $0.outbound.registeredDelivery = false })
        let count = 50
        for index in 0..<count {
            try await harness.send(#"{"id":"r-\#(index)","to":"+5732\#(index)","text":"restart \#(index)"}"#)
        }
        let first = try await harness.collect(timeout: .seconds(60)) { $0.count >= count }
        #expect(first.count == count)
        try await harness.restartBridge()
        for index in 0..<count {
            try await harness.send(#"{"id":"r-\#(index)","to":"+5732\#(index)","text":"restart \#(index)"}"#)
        }
        let second = try await harness.collect(timeout: .seconds(60)) { $0.count >= count }
        #expect(second.count == count)
        // Byte for byte, under the same (non-nil) event id, for every request.
        let before = Dictionary(first.map { ($0.requestID ?? "", $0) }, uniquingKeysWith: { one, _ in one })
        #expect(Set(second.compactMap(\.requestID)) == Set(before.keys))
        for event in second {
            let earlier = before[event.requestID ?? ""]
            #expect(earlier?.body == event.body && event.messageID != nil && earlier?.messageID == event.messageID,
                    "\(event.requestID ?? "?"): \(event.json)")
        }
        #expect(harness.simulator.records().count == count)
        try await harness.stop()
    }
}
