import NIOCore
import SMPP
import SMSCSimulator
import Testing

@testable import SMPPNIO

/// Issue 9 item 2, the client's half: with a `SessionSlotGate` a slot connects only while it holds its lease, a
/// revoked lease ends the session by its deadline and sends the slot back to claiming, and shutdown ends a claim
/// that waits. TLS loopback against the simulator, whose account limit proves the budget holds.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SessionSlotGateTests {
    /// Two clients of two sessions each on an account that allows two: the first holds both slots, the second
    /// waits in its claims and binds nothing; when the first stops it releases both and the second binds them.
    /// No bind is ever refused for the session limit and both carry traffic.
    @Test func twoClientsNeverBindMoreThanTheBudget() async throws {
        let budget = InMemorySlotBudget()
        let first = try await Loopback.start(
            maxSessions: 2, client: { $0.sessions = 2 }, slotGate: budget.member(0))
        await first.waitForBound(2)
        let second = first.addClient(slotGate: budget.member(1))
        let firstOutcomes = await first.submitAll(50)
        #expect(firstOutcomes.values.allSatisfy { (try? $0.get().commandStatus) == .ok })
        #expect(second.client.boundSessionCount == 0)
        #expect(budget.holder(of: 0) == 0 && budget.holder(of: 1) == 0)

        try await first.stopClient()
        await second.waitForBound(2)
        #expect(budget.holder(of: 0) == 1 && budget.holder(of: 1) == 1)
        let secondOutcomes = await second.submitAll(50)
        #expect(secondOutcomes.values.allSatisfy { (try? $0.get().commandStatus) == .ok })
        let counters = first.simulator.counters
        #expect(counters.bindsRefusedSessionLimit == 0)
        #expect(counters.bindsAccepted == 4)
        #expect(counters.peakBoundSessions == 2)
        try await second.stopClient()
        #expect(budget.counts.claims == budget.counts.releases, "every lease released at shutdown")
        await first.simulator.stop()
    }

    /// A revoked lease unbinds the session at once (the SMSC sees unbind); the other client takes the slot over;
    /// a request submitted to the first client while it holds no slot waits in its queue and is sent once the slot
    /// comes back to it.
    @Test func aRevokedLeaseHandsTheSlotToTheOtherClient() async throws {
        let budget = InMemorySlotBudget()
        let first = try await Loopback.start(
            maxSessions: 1, client: { $0.sessions = 1 }, slotGate: budget.member(0))
        await first.waitForBound(1)
        let second = first.addClient(slotGate: budget.member(1))
        // Only once the second client waits for the slot: revoked before that, the slot is free when the first
        // client claims it again, and it may get it back (seen on a loaded machine).
        while budget.waiting(for: 0) < 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(budget.revoke(slot: 0, closeWithin: .seconds(30)))
        let ended = await first.waitForEvent { if case .ended(0, .unbound) = $0 { true } else { false } }
        #expect(ended != nil)
        await second.waitForBound(1)
        #expect(budget.holder(of: 0) == 1)
        #expect(first.simulator.counters.unbindsReceived == 1)

        let client = first.client
        let waiting = Task { await submitResult(client, Loopback.message(1)) }
        let moved = await second.submitAll(10)
        #expect(moved.values.allSatisfy { (try? $0.get().commandStatus) == .ok })
        #expect(first.simulator.counters.submitsReceived == 10, "the first client sent nothing without its slot")
        while budget.waiting(for: 0) < 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(budget.revoke(slot: 0, closeWithin: .seconds(30)))
        let outcome = await waiting.value
        #expect((try? outcome.get().commandStatus) == .ok)
        #expect(budget.holder(of: 0) == 0)
        let counters = first.simulator.counters
        #expect(counters.bindsRefusedSessionLimit == 0)
        #expect(counters.peakBoundSessions == 1)
        try await second.stopClient()
        try await first.stop()
    }

    /// The revocation's deadline holds even while a written request waits for its answer (the SMSC never answers
    /// it): the session is closed then and the request fails as session lost, not by its 30 s response timeout.
    @Test func aRevokedLeaseClosesTheSessionByItsDeadline() async throws {
        let budget = InMemorySlotBudget()
        let loopback = try await Loopback.start(
            simulator: { $0.faults.noResponseRate = 1 },
            client: { $0.sessions = 1; $0.responseTimeout = .seconds(30); $0.maxConsecutiveTimeouts = 0 },
            slotGate: budget.member(0))
        await loopback.waitForBound(1)
        let client = loopback.client
        let pending = Task { await submitResult(client, Loopback.message(1)) }
        _ = await loopback.simulator.waitForCounters { $0.submitsReceived >= 1 }
        budget.revoke(slot: 0, closeWithin: .milliseconds(200))
        let outcome = await pending.value
        #expect(outcome.errorCode == .sessionLostOutcomeUnknown)
        #expect(loopback.simulator.counters.unbindsReceived == 0, "still draining when the deadline closed it")
        try await loopback.stop()
    }

    /// Graceful shutdown ends a claim that waits for a slot someone else holds (it would wait forever otherwise).
    @Test func shutdownEndsAWaitingClaim() async throws {
        let budget = InMemorySlotBudget()
        let first = try await Loopback.start(client: { $0.sessions = 1 }, slotGate: budget.member(0))
        await first.waitForBound(1)
        let second = first.addClient(slotGate: budget.member(1))
        try await second.stopClient()
        #expect(budget.holder(of: 0) == 0)
        try await first.stop()
        #expect(budget.holder(of: 0) == nil)
    }
}
