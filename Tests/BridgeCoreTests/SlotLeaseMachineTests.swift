import NIOCore
import Testing

@testable import BridgeCore

/// The session-budget leasing decisions (issue 9 item 2) as plain sequences of events, time given: claim, renew,
/// give up, takeover, spread, yield, release. takeover_after 30 s: renew every 10 s, give up after 15 s, close
/// within 7.5 s, poll every 1 s.
struct SlotLeaseMachineTests {
    typealias Machine = SlotLeaseMachine
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000_000)
    let timing = Machine.Timing(takeoverAfter: .seconds(30))

    func machine(total: Int = 4) -> Machine {
        Machine(total: total, timing: timing, instanceID: "a", now: t0)
    }

    /// Runs one successful round at `at` that renews what it renews and claims what `claims(for:)` picks from
    /// `rows` (claims all succeed unless listed in `contended`).
    func round(_ machine: inout Machine, at: NIODeadline, rows: [Int: Machine.Row] = [:], live: Int = 1,
               lostRenewals: Set<Int> = [], contended: Set<Int> = []) -> (Machine.RoundPlan, [Machine.Action])? {
        guard let plan = machine.roundStarting(now: at) else { return nil }
        let renewed = plan.renew.subtracting(lostRenewals)
        let picked = machine.claims(for: plan, renewed: renewed, rows: rows, live: live)
        var claimed: [Int: String?] = [:]
        for slot in picked where !contended.contains(slot) { claimed.updateValue(rows[slot]?.holder, forKey: slot) }
        let actions = machine.roundSucceeded(
            plan, result: .init(renewed: renewed, claimed: claimed, live: live), now: at + .milliseconds(20))
        return (plan, actions)
    }

    @Test func timingFollowsTakeoverAfter() {
        #expect(timing.renewInterval == .seconds(10))
        #expect(timing.giveUpAfter == .seconds(15))
        #expect(timing.closeWithin == .milliseconds(7_500))
        #expect(timing.pollInterval == .seconds(1))
        #expect(Machine.share(total: 4, live: 3) == 2)
        #expect(Machine.share(total: 4, live: 2) == 2)
        #expect(Machine.share(total: 5, live: 2) == 3)
        #expect(Machine.share(total: 4, live: 0) == 4)
        // By rank: the shares add up to the total and every instance gets one when there are enough.
        #expect((0..<3).map { Machine.share(total: 4, live: 3, rank: $0) } == [2, 1, 1])
        #expect((0..<4).map { Machine.share(total: 2, live: 4, rank: $0) } == [1, 1, 0, 0])
        #expect((0..<2).map { Machine.share(total: 4, live: 2, rank: $0) } == [2, 2])
    }

    @Test func aClaimIsGrantedByTheNextRoundAndRenewedFromItsStart() throws {
        var m = machine()
        m.claimRequested(slot: 1, now: t0)
        #expect(m.nextDeadline == t0)
        let step8 = round(&m, at: t0)
        let (plan, actions) = try #require(step8)
        #expect(plan.wanted == [1])
        #expect(actions == [.grant(slot: 1, previousHolder: nil)])
        #expect(m.heldSlots == [1])
        #expect(m.slots[1] == .held(renewedAt: t0))
        // Next: the renew round after 10 s (the give-up deadline, 15 s, is later).
        #expect(m.nextDeadline == t0 + .seconds(10))
        let step5 = round(&m, at: t0 + .seconds(10))
        let (renewPlan, renewActions) = try #require(step5)
        #expect(renewPlan.renew == [1] && renewPlan.keep == [1])
        #expect(renewActions.isEmpty)
        #expect(m.slots[1] == .held(renewedAt: t0 + .seconds(10)))
    }

    @Test func noSecondRoundWhileOneIsInFlight() {
        var m = machine()
        m.claimRequested(slot: 0, now: t0)
        #expect(m.roundStarting(now: t0) != nil)
        #expect(m.roundStarting(now: t0 + .seconds(1)) == nil)
    }

    /// A holder that cannot renew gives the lease up at renewedAt + 15 s, before its row (renewedAt + 30 s in
    /// database time at the earliest) can be taken by anyone, with 7.5 s for the session to close.
    @Test func anOverdueRenewGivesTheLeaseUpBeforeItsRowExpires() throws {
        var m = machine()
        m.claimRequested(slot: 0, now: t0)
        let step8 = round(&m, at: t0)
        _ = try #require(step8)
        let failingPlan = m.roundStarting(now: t0 + .seconds(10))
        let failing = try #require(failingPlan)
        m.roundFailed(failing, now: t0 + .seconds(11))
        #expect(m.deadlineReached(now: t0 + .seconds(14)).isEmpty)
        #expect(m.nextDeadline == t0 + .seconds(12))
        let actions = m.deadlineReached(now: t0 + .seconds(15))
        #expect(actions == [.revoke(slot: 0, closeWithin: .milliseconds(7_500), reason: .lost(.renewOverdue))])
        #expect(m.heldSlots.isEmpty)
        #expect(m.slots[0] == .abandoned)
        // Abandoned: no longer renewed, but its row is kept (the session may still be closing) until released.
        let planPlan = m.roundStarting(now: t0 + .seconds(16))
        let plan = try #require(planPlan)
        #expect(plan.renew.isEmpty && plan.keep == [0])
        m.roundFailed(plan, now: t0 + .seconds(16))
        m.released(slot: 0, now: t0 + .seconds(17))
        let afterReleasePlan = m.roundStarting(now: t0 + .seconds(17))
        let afterRelease = try #require(afterReleasePlan)
        #expect(afterRelease.keep.isEmpty, "released: its row is deleted")
    }

    /// A round that finds a held row no longer ours revokes it at once (close within zero).
    @Test func aRowTakenByAnotherIsLostAtOnce() throws {
        var m = machine()
        m.claimRequested(slot: 2, now: t0)
        let step8 = round(&m, at: t0)
        _ = try #require(step8)
        let step11 = round(&m, at: t0 + .seconds(10), lostRenewals: [2])
        let (_, actions) = try #require(step11)
        #expect(actions == [.revoke(slot: 2, closeWithin: .zero, reason: .lost(.takenByAnother))])
        #expect(m.slots[2] == .abandoned)
    }

    /// Takeover: only free or expired rows are claimed; the expired row's holder is reported.
    @Test func expiredRowsOfADeadInstanceAreTakenOver() throws {
        var m = machine(total: 2)
        m.claimRequested(slot: 0, now: t0)
        m.claimRequested(slot: 1, now: t0)
        let rows: [Int: Machine.Row] = [0: .init(holder: "b", live: true), 1: .init(holder: "b", live: true)]
        let step4 = round(&m, at: t0, rows: rows, live: 2)
        let (_, none) = try #require(step4)
        #expect(none.isEmpty)
        // A claim waits: polls every second, not every renew interval.
        #expect(m.nextDeadline == t0 + .seconds(1))
        let expired: [Int: Machine.Row] = [0: .init(holder: "b", live: false), 1: .init(holder: "b", live: false)]
        let step6 = round(&m, at: t0 + .seconds(1), rows: expired, live: 1)
        let (_, actions) = try #require(step6)
        #expect(actions == [.grant(slot: 0, previousHolder: "b"), .grant(slot: 1, previousHolder: "b")])
    }

    /// Spread: with two live instances an instance claims at most ceil(4 / 2) = 2 of 4 free slots.
    @Test func anInstanceClaimsAtMostItsShare() throws {
        var m = machine(total: 4)
        for slot in 0..<4 { m.claimRequested(slot: slot, now: t0) }
        let step9 = round(&m, at: t0, live: 2)
        let (_, actions) = try #require(step9)
        #expect(actions == [.grant(slot: 0, previousHolder: nil), .grant(slot: 1, previousHolder: nil)])
        #expect(m.heldSlots == [0, 1])
        // A claim that another instance won in the same instant is simply not granted.
        var n = machine(total: 4)
        for slot in 0..<4 { n.claimRequested(slot: slot, now: t0) }
        let step10 = round(&n, at: t0, live: 2, contended: [0])
        let (_, contended) = try #require(step10)
        #expect(contended == [.grant(slot: 1, previousHolder: nil)])
    }

    /// Another instance joined: over the share, the highest held slots are yielded (still renewed until the client
    /// released them), and a re-claim does not take them back while at the share.
    @Test func overTheShareTheHighestSlotsAreYielded() throws {
        var m = machine(total: 4)
        for slot in 0..<4 { m.claimRequested(slot: slot, now: t0) }
        let step2 = round(&m, at: t0, live: 1)
        _ = try #require(step2)
        #expect(m.heldSlots == [0, 1, 2, 3])
        let step3 = round(&m, at: t0 + .seconds(10), live: 2)
        let (_, actions) = try #require(step3)
        #expect(actions == [
            .revoke(slot: 2, closeWithin: .seconds(15), reason: .yielded),
            .revoke(slot: 3, closeWithin: .seconds(15), reason: .yielded),
        ])
        #expect(m.slots[2] == .yielding(renewedAt: t0 + .seconds(10)))
        let step1 = round(&m, at: t0 + .seconds(20), live: 2)
        let (plan, none) = try #require(step1)
        #expect(plan.renew == [0, 1, 2, 3], "yielding rows are renewed until released")
        #expect(none.isEmpty)
        m.released(slot: 2, now: t0 + .seconds(21))
        m.released(slot: 3, now: t0 + .seconds(21))
        m.claimRequested(slot: 2, now: t0 + .seconds(21))
        m.claimRequested(slot: 3, now: t0 + .seconds(21))
        let step7 = round(&m, at: t0 + .seconds(21), live: 2)
        let (afterRelease, regrants) = try #require(step7)
        #expect(afterRelease.keep == [0, 1], "the released rows are deleted")
        #expect(regrants.isEmpty, "at its share: the released slots are left to the other instance")
    }

    /// A claim cancelled while its round ran: the row the round won is not granted and the next round, due at
    /// once, deletes it.
    @Test func aRowWonForACancelledClaimIsGivenBack() throws {
        var m = machine(total: 1)
        m.claimRequested(slot: 0, now: t0)
        let planPlan = m.roundStarting(now: t0)
        let plan = try #require(planPlan)
        m.claimCancelled(slot: 0)
        let actions = m.roundSucceeded(plan, result: .init(renewed: [], claimed: [0: nil], live: 1), now: t0)
        #expect(actions.isEmpty)
        #expect(m.nextDeadline == t0)
        let nextPlan = m.roundStarting(now: t0)
        let next = try #require(nextPlan)
        #expect(next.keep.isEmpty && next.wanted.isEmpty)
    }

    /// A graceful release makes the next round due at once, so the row is deleted and others take over promptly.
    @Test func aReleaseMakesTheNextRoundDueAtOnce() throws {
        var m = machine(total: 1)
        m.claimRequested(slot: 0, now: t0)
        let step8 = round(&m, at: t0)
        _ = try #require(step8)
        #expect(m.nextDeadline == t0 + .seconds(10))
        m.released(slot: 0, now: t0 + .seconds(3))
        #expect(m.nextDeadline == t0 + .seconds(3))
        #expect(m.heldSlots.isEmpty)
    }

    /// Slots beyond the total are never wanted; a claim of a held slot changes nothing.
    @Test func claimsOutOfRangeAreIgnored() {
        var m = machine(total: 2)
        m.claimRequested(slot: 2, now: t0)
        m.claimRequested(slot: -1, now: t0)
        #expect(m.slots.isEmpty)
    }
}
