import NIOConcurrencyHelpers
import NIOCore
import SMPP
import SMSCSimulator
import Testing

@testable import SMPPNIO

/// Every fault the simulator injects: each submit still gets exactly one outcome, and the simulator's record
/// matches what the client was told was accepted.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct LoopbackFaultTests {
    @Test func throttleAndQueueFullReachTheCallerAndSlowTheSession() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.throttleRate = 0.2; $0.faults.queueFullRate = 0.1 },
            client: { $0.throttlePause = .milliseconds(5) })
        let outcomes = await loopback.submitAll(300)
        let statuses = outcomes.values.compactMap { try? $0.get().commandStatus }
        #expect(statuses.count == 300)
        #expect(statuses.contains(.throttled))
        #expect(statuses.contains(.messageQueueFull))
        let counters = loopback.simulator.counters
        #expect(statuses.filter { $0 == .throttled }.count == Int(counters.submitsThrottled))
        #expect(statuses.filter { $0 == .messageQueueFull }.count == Int(counters.submitsQueueFull))
        loopback.expectRecordsMatch(outcomes, count: 300)
        #expect(loopback.simulator.records().count == statuses.filter { $0 == .ok }.count)
        try await loopback.stop()
    }

    @Test func unansweredSubmitsTimeOut() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.noResponseRate = 0.1 }, client: { $0.responseTimeout = .seconds(1) })
        let outcomes = await loopback.submitAll(200)
        let timeouts = outcomes.values.filter { $0.errorCode == .responseTimeout }.count
        #expect(timeouts == Int(loopback.simulator.counters.submitsUnanswered))
        #expect(timeouts > 0)
        #expect(outcomes.values.allSatisfy { (try? $0.get().commandStatus) == .ok || $0.errorCode == .responseTimeout })
        loopback.expectRecordsMatch(outcomes, count: 200)
        try await loopback.stop()
    }

    @Test func genericNackFailsOnlyItsRequest() async throws {
        // The simulator's generic_nack carries ESME_RSYSERR, which pauses the session (issue 10 item 12).
        let loopback = try await Loopback.start(
            simulator: { $0.faults.genericNackRate = 0.15 }, client: { $0.throttlePause = .milliseconds(5) })
        let outcomes = await loopback.submitAll(200)
        let nacks = outcomes.values.filter { $0.errorCode == .genericNack }.count
        #expect(nacks == Int(loopback.simulator.counters.genericNacksInjected))
        #expect(nacks > 0)
        loopback.expectRecordsMatch(outcomes, count: 200)
        #expect(loopback.simulator.records().count == 200 - nacks)
        try await loopback.stop()
    }

    /// Issue 10 item 2: the simulator's malformed submit_sm_resp is ESME_ROK with a message_id lacking its NUL.
    /// Its header status is readable, so it is an accepted outcome with the message_id read best-effort (the
    /// simulator's "MALFORMED" stand-in, which it does not record), never "unknown" (a resubmit: a duplicate).
    @Test func malformedResponseIsAnOutcomeFromItsHeaderAndKeepsTheSession() async throws {
        let loopback = try await Loopback.start(simulator: { $0.faults.malformedRate = 0.1 })
        let outcomes = await loopback.submitAll(200)
        let malformed = outcomes.filter { (try? $0.value.get().messageID) == "MALFORMED" }
        #expect(malformed.count == Int(loopback.simulator.counters.malformedSent))
        #expect(malformed.count > 0)
        #expect(outcomes.values.allSatisfy { (try? $0.get().commandStatus) == .ok })
        loopback.expectRecordsMatch(outcomes.filter { (try? $0.value.get().messageID) != "MALFORMED" },
                                    count: 200 - malformed.count)
        try await loopback.stop()
    }

    @Test func droppedConnectionsLoseOnlyOutstandingAndReconnect() async throws {
        let loopback = try await Loopback.start(simulator: { $0.faults.dropAfterPDUs = 40 })
        let outcomes = await loopback.submitAll(400)
        let lost = outcomes.values.filter { $0.errorCode == .sessionLostOutcomeUnknown }.count
        let ok = outcomes.values.filter { (try? $0.get().commandStatus) == .ok }.count
        #expect(ok + lost == 400)
        #expect(ok > 0)
        #expect(loopback.simulator.counters.connectionsDropped > 0)
        loopback.expectRecordsMatch(outcomes, count: 400)
        try await loopback.stop()
    }

    @Test func randomDropsAreSurvived() async throws {
        let loopback = try await Loopback.start(simulator: { $0.faults.dropRate = 0.01 })
        let outcomes = await loopback.submitAll(300)
        #expect(outcomes.values.allSatisfy {
            (try? $0.get().commandStatus) == .ok || $0.errorCode == .sessionLostOutcomeUnknown
        })
        loopback.expectRecordsMatch(outcomes, count: 300)
        try await loopback.stop()
    }

    @Test func unansweredEnquireLinkMeansDeadLinkThenReconnect() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.ignoreEnquireLink = true },
            client: {
                $0.sessions = 1
                $0.enquireLinkInterval = .milliseconds(100)
                $0.responseTimeout = .milliseconds(150)
            })
        var sawDead = false
        var boundAgain = false
        for await event in loopback.client.sessionEvents {
            if case .ended(0, .linkDead) = event { sawDead = true }
            if sawDead, case .bound = event { boundAgain = true; break }
        }
        #expect(sawDead && boundAgain)
        #expect(loopback.simulator.counters.enquireLinksIgnored >= 1)
        try await loopback.stop()
    }

    @Test func smscUnbindIsAnsweredThenReconnects() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.sendUnbindAfterMilliseconds = 100 }, client: { $0.sessions = 1 })
        var unbound = false
        var boundAgain = false
        for await event in loopback.client.sessionEvents {
            if case .ended(0, .unbindBySMSC) = event { unbound = true }
            if unbound, case .bound = event { boundAgain = true; break }
        }
        #expect(unbound && boundAgain)
        #expect(loopback.simulator.counters.unbindsSent >= 1)
        try await loopback.stop()
    }

    @Test func latencyIsMeasuredAndTheWindowKeepsItFull() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.latency = .fixed(milliseconds: 20) },
            client: { $0.sessions = 1; $0.window = 10 })
        let outcomes = await loopback.submitAll(100)
        let latencies = outcomes.values.compactMap { try? $0.get().latency }
        #expect(latencies.count == 100)
        #expect(latencies.allSatisfy { $0 >= .milliseconds(20) })
        loopback.expectRecordsMatch(outcomes, count: 100)
        try await loopback.stop()
    }

    @Test func throughputCapIsHonoured() async throws {
        let loopback = try await Loopback.start(client: { $0.sessions = 1; $0.throughput = 100 })
        let start = ContinuousClock.now
        let outcomes = await loopback.submitAll(30)
        let elapsed = ContinuousClock.now - start
        // 30 segments at 100/s with a one-token bucket take at least 290 ms.
        #expect(elapsed >= .milliseconds(280))
        loopback.expectRecordsMatch(outcomes, count: 30)
        try await loopback.stop()
    }

    @Test func reconnectStormNeverOpensMoreConnectionsThanSessions() async throws {
        // Plain TCP here: over TLS the simulator keeps a dropped socket open until the close_notify exchange ends,
        // after our side has closed, so its count of open sockets lags behind ours.
        let loopback = try await Loopback.start(
            simulator: {
                $0.faults.dropAfterPDUs = 15
                $0.plainListen = ListenAddress(host: "127.0.0.1", port: 0)
                $0.tlsListen = nil
            },
            client: {
                $0.tls.enabled = false
                $0.sessions = 3
                $0.reconnectInitialDelay = .milliseconds(1)
                $0.reconnectMaxDelay = .milliseconds(5)
            })
        let highest = MaximumBox()
        // Observes every counter change on the simulator's side while the client reconnects again and again.
        async let observed = loopback.simulator.waitForCounters(timeout: .seconds(20)) { counters in
            highest.record(Int(counters.connections) - Int(counters.connectionsClosed))
            return counters.connectionsDropped >= 20
        }
        let outcomes = await loopback.submitAll(600)
        #expect(await observed)
        #expect(highest.value <= 3)
        #expect(highest.value >= 1)
        loopback.expectRecordsMatch(outcomes, count: 600)
        try await loopback.stop()
    }
}

/// The largest value recorded, from any thread.
final class MaximumBox: Sendable {
    private let maximum = NIOLockedValueBox(0)
    func record(_ value: Int) { maximum.withLockedValue { $0 = max($0, value) } }
    var value: Int { maximum.withLockedValue { $0 } }
}
