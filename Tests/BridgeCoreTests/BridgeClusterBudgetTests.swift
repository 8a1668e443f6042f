import BridgeCore
import Foundation
import Logging
import NIOPosix
import SMSCSimulator
import ServiceLifecycle
import Testing

/// Two in-process bridges on the shared PostgreSQL store, one queue and one simulator account whose session limit is
/// `smpp.sessions` (issue 9 item 2, with the real broker): they split the budget, every request gets one accepted
/// result, and the simulator never refuses a bind for too many sessions.
@Suite(.serialized, .oneEndToEndSuiteAtATime, .timeLimit(.minutes(3)), .enabled(if: E2EBroker.available, E2EBroker.skipReason))
struct BridgeClusterBudgetTests {
    @Test func twoBridgesShareTheAccountsSessions() async throws {
        let url = try #require(PostgresTestDatabase.urlText, Comment(rawValue: PostgresTestDatabase.howToRun))
        let harness = try await BridgeHarness.start(simulator: { simulator in
            simulator.accounts = [SimulatorAccount(systemID: "e2e", password: "e2e-pass", maxSessions: 2)]
        }, bridge: { bridge in
            bridge.smpp.sessions = 2
            bridge.store.url = url
            bridge.cluster.instanceID = "bridge-a"
            bridge.cluster.takeoverAfter = .seconds(6)
        })
        var second = harness.configuration
        second.cluster.instanceID = "bridge-b"
        var quiet = Logger(label: "e2e-b")
        quiet.logLevel = .error
        let bridgeB = Bridge(configuration: second, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                             metricsSetup: BridgeMetricsSetup(), logger: quiet, drainTimeout: .seconds(10))
        let groupB = ServiceGroup(configuration: .init(
            services: [.init(service: bridgeB)], gracefulShutdownSignals: [], cancellationSignals: [], logger: quiet))
        let runningB = Task { try await groupB.run() }

        func clusterReady(_ bridge: Bridge) -> Bool {
            bridge.readiness().first { $0.name == "cluster_slots" }?.ok ?? false
        }
        let split = await ClusterSlotGateTests.eventually(within: .seconds(40)) {
            clusterReady(harness.bridge) && clusterReady(bridgeB)
        }
        #expect(split, "both bridges hold one of the two session slots")

        let count = 200
        try await harness.send(all: (0..<count).map { #"{"id":"budget-\#($0)","to":"+57300\#($0)","text":"budget \#($0)"}"# })
        let events = try await harness.collect(timeout: .seconds(90)) { events in
            events.filter { $0.type == "submit_result" }.count >= count
        }
        let results = events.filter { $0.type == "submit_result" }
        #expect(results.count == count)
        #expect(Set(results.compactMap(\.requestID)).count == count, "one result per request")
        #expect(results.allSatisfy { ($0.json["status"] as? String) == "accepted" })
        let counters = harness.simulator.counters
        #expect(counters.bindsRefusedSessionLimit == 0)
        #expect(counters.peakBoundSessions <= 2)

        await groupB.triggerGracefulShutdown()
        try await runningB.value
        try await harness.stop()
    }
}
