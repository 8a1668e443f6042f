import BridgeCore
import Foundation
import Logging
import NIOPosix
import RabbitMQ
import SMSCSimulator
import ServiceLifecycle
import Testing

/// Two in-process bridges on the shared PostgreSQL store, one queue and one simulator account whose session limit is
/// `smpp.sessions` (issue 9 item 2, with the real broker): they split the budget, every request gets one accepted
/// result, and the simulator never refuses a bind for too many sessions.
@Suite(.serialized, .oneEndToEndSuiteAtATime, .timeLimit(.minutes(3)), .enabled(if: E2EBroker.available, E2EBroker.skipReason))
struct BridgeClusterBudgetTests {
    @Test func twoBridgesShareTheAccountsSessions() async throws {
        let harness = try await Self.startFirst(sessions: 2, instanceID: "bridge-a")
        let (bridgeB, groupB, runningB) = Self.startSecond(harness, instanceID: "bridge-b")

        func clusterReady(_ bridge: Bridge) -> Bool {
            bridge.readiness().first { $0.name == "cluster_slots" }?.ok ?? false
        }
        let split = await ClusterSlotGateTests.eventually(within: .seconds(40)) {
            clusterReady(harness.bridge) && clusterReady(bridgeB)
        }
        #expect(split, "both bridges hold one of the two session slots")

        let count = 200
        let run = UUID().uuidString.prefix(8)  // the shared store outlives a run
        try await harness.send(all: (0..<count).map { #"{"id":"budget-\#(run)-\#($0)","to":"+57300\#($0)","text":"budget \#($0)"}"# })
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

    /// An instance that holds no session slot (more instances than the account's sessions) does not consume: it
    /// would hold its prefetch of requests with no session to send them. Once the slot is free it claims it and
    /// consumes.
    @Test func aStandbyInstanceConsumesOnlyOnceItHoldsASlot() async throws {
        let harness = try await Self.startFirst(sessions: 1, instanceID: "active-a")
        func check(_ bridge: Bridge, _ name: String) -> ReadinessCheck? {
            bridge.readiness().first { $0.name == name }
        }
        let aHolds = await ClusterSlotGateTests.eventually(within: .seconds(40)) {
            check(harness.bridge, "cluster_slots")?.ok == true && check(harness.bridge, "broker_consumer")?.ok == true
        }
        #expect(aHolds, "the first bridge holds the only slot and consumes")

        let (bridgeB, groupB, runningB) = Self.startSecond(harness, instanceID: "standby-b")
        let bWaits = await ClusterSlotGateTests.eventually(within: .seconds(40)) {
            check(bridgeB, "cluster_slots")?.detail.contains("held by the other instances") == true
        }
        #expect(bWaits, "the second bridge finds the slot taken")
        #expect(check(bridgeB, "broker_consumer")?.detail == "not consuming")
        let queue = AMQPQueue(name: harness.configuration.broker.queue, durable: true)
        #expect(try await harness.producer.declareQueue(queue, passive: true).consumerCount == 1)

        // All through A, the only instance consuming. Ids of this run only (the shared store outlives a run).
        let run = UUID().uuidString.prefix(8)
        let first = 60
        try await harness.send(all: (0..<first).map { #"{"id":"standby-\#(run)-\#($0)","to":"+57301\#($0)","text":"s \#($0)"}"# })
        let before = try await harness.collect(timeout: .seconds(60)) { events in
            events.filter { $0.type == "submit_result" }.count >= first
        }
        let firstResults = before.filter { $0.type == "submit_result" }
        #expect(Set(firstResults.compactMap(\.requestID)).count == first)
        #expect(firstResults.allSatisfy { ($0.json["status"] as? String) == "accepted" })

        // A stops and gives its slot back: B claims it and consumes.
        try await harness.stopBridge()
        let bTakesOver = await ClusterSlotGateTests.eventually(within: .seconds(40)) {
            check(bridgeB, "cluster_slots")?.ok == true && check(bridgeB, "broker_consumer")?.ok == true
        }
        #expect(bTakesOver, "the standby holds the slot and consumes")
        let later = 20
        try await harness.send(all: (0..<later).map { #"{"id":"after-\#(run)-\#($0)","to":"+57302\#($0)","text":"a \#($0)"}"# })
        let after = try await harness.collect(timeout: .seconds(60)) { events in
            events.filter { $0.type == "submit_result" && ($0.requestID ?? "").hasPrefix("after-") }.count >= later
        }
        let results = after.filter { $0.type == "submit_result" && ($0.requestID ?? "").hasPrefix("after-") }
        #expect(Set(results.compactMap(\.requestID)).count == later)
        #expect(results.allSatisfy { ($0.json["status"] as? String) == "accepted" })
        #expect(harness.simulator.counters.bindsRefusedSessionLimit == 0)

        await groupB.triggerGracefulShutdown()
        try await runningB.value
        try await harness.stop()
    }

    /// An instance that yields its only slot to a newcomer (shares by rank: the newcomer's id sorts first) hands the
    /// requests waiting for a session back to the queue, unsent and with their marks forgotten: the newcomer
    /// submits them, none flagged, each once at the SMSC. Without the hand-back they would wait in the first
    /// instance for a slot that never comes back.
    @Test func aYieldedSlotsWaitingRequestsGoToTheNewHolder() async throws {
        let harness = try await Self.startFirst(sessions: 1, instanceID: "z-first") { bridge in
            bridge.outbound.registeredDelivery = false
            bridge.smpp.window = 5
            bridge.smpp.throughput = 10
            bridge.broker.prefetch = 150
        }
        let consuming = await ClusterSlotGateTests.eventually(within: .seconds(40)) {
            harness.bridge.readiness().first { $0.name == "broker_consumer" }?.ok == true
        }
        #expect(consuming)
        // Ids of this run only: the shared store outlives a run, and a stored outcome would be republished unsent.
        var second: (Bridge, ServiceGroup, Task<Void, any Error>)?
        try await harness.expectEveryRequestOnceAcrossInterruption(
            count: 150, idPrefix: "yield-\(UUID().uuidString.prefix(8))", timeout: .seconds(90)
        ) {
            second = Self.startSecond(harness, instanceID: "a-second")
        }
        let (bridgeB, groupB, runningB) = try #require(second)
        #expect(harness.simulator.counters.peakBoundSessions <= 1)
        #expect(bridgeB.readiness().first { $0.name == "cluster_slots" }?.ok == true, "the newcomer holds the slot")
        await groupB.triggerGracefulShutdown()
        try await runningB.value
        try await harness.stop()
    }

    /// The first bridge, on the shared store, with a simulator account whose session limit is the budget.
    static func startFirst(
        sessions: Int, instanceID: String, configure: (inout BridgeConfiguration) -> Void = { _ in }
    ) async throws -> BridgeHarness {
        let url = try #require(PostgresTestDatabase.urlText, Comment(rawValue: PostgresTestDatabase.howToRun))
        return try await BridgeHarness.start(simulator: { simulator in
            simulator.accounts = [SimulatorAccount(systemID: "e2e", password: "e2e-pass", maxSessions: sessions)]
        }, bridge: { bridge in
            bridge.smpp.sessions = sessions
            bridge.store.url = url
            bridge.cluster.instanceID = instanceID
            bridge.cluster.takeoverAfter = .seconds(6)
            configure(&bridge)
        })
    }

    /// A second bridge with the first one's configuration under another instance id, running until its group is
    /// shut down.
    static func startSecond(
        _ harness: BridgeHarness, instanceID: String
    ) -> (Bridge, ServiceGroup, Task<Void, any Error>) {
        var second = harness.configuration
        second.cluster.instanceID = instanceID
        var quiet = Logger(label: "e2e-\(instanceID)")
        quiet.logLevel = .error
        let bridge = Bridge(configuration: second, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                            metricsSetup: BridgeMetricsSetup(), logger: quiet, drainTimeout: .seconds(10))
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: bridge)], gracefulShutdownSignals: [], cancellationSignals: [], logger: quiet))
        return (bridge, group, Task { try await group.run() })
    }
}
