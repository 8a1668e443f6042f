import BridgeCore
import Foundation
import SMSCSimulator
import Testing

/// DESIGN §4 "Shutdown": requests in flight finish first, then the SMPP sessions drain and unbind and the HTTP
/// endpoint stops. The bridge's own group of services (sessions, HTTP, slot gate) used to inherit the graceful
/// shutdown of the group running the bridge and stop at the first signal, alongside the drain.
@Suite(.serialized, .oneEndToEndSuiteAtATime, .enabled(if: E2EBroker.available, E2EBroker.skipReason))
struct BridgeShutdownOrderTests {
    /// One session, window 1, each response 300 ms late: at the signal one request is written and the others wait
    /// for window room. They are still submitted and end `accepted`, unflagged, before the bridge stops (they were
    /// refused by the stopping client and handed back).
    @Test func requestsWaitingForWindowRoomFinishBeforeTheSessionsStop() async throws {
        let harness = try await BridgeHarness.start(simulator: { simulator in
            simulator.faults.latency = .fixed(milliseconds: 300)
        }, bridge: { bridge in
            bridge.smpp.sessions = 1
            bridge.smpp.window = 1
            bridge.broker.prefetch = 10
        })
        let count = 5
        try await harness.send(all: (0..<count).map { #"{"id":"order-\#($0)","to":"+57300\#($0)","text":"n \#($0)"}"# })
        let simulator = harness.simulator
        #expect(try await eventually(timeout: .seconds(30)) { simulator.records().count >= 1 })
        #expect(simulator.records().count < count, "the others still wait for window room")
        try await harness.stopBridge()
        let events = try await harness.collect(timeout: .seconds(5)) { events in
            events.filter { $0.type == "submit_result" }.count >= count
        }
        let results = events.filter { $0.type == "submit_result" }
        #expect(Set(results.compactMap(\.requestID)).count == count, "a result for each before the bridge stopped")
        #expect(results.allSatisfy { ($0.json["status"] as? String) == "accepted" })
        #expect(results.allSatisfy { ($0.json["possible_duplicate"] as? Bool) == false })
        #expect(simulator.records().count == count)
        try await harness.stop()
    }
}
