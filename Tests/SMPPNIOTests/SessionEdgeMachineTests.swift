import NIOCore
import Testing

@testable import SMPPNIO

/// Issue 10 at the state-machine level: shutdown drain, inbound repeats, late responses, slow-down statuses and
/// unresponsive sessions, as plain sequences of events and actions.
@Suite struct SessionEdgeMachineTests {
    /// Item 3: requests not written when shutdown begins are never written (the pool fails them as shutting down),
    /// so no unknown outcome is manufactured at a deadline counted from the start of shutdown.
    @Test func shutdownWritesNothingNew() {
        var machine = boundMachine(window: 2)
        var queue = ["a", "b", "c"]
        #expect(drain(&machine, &queue, now: t0).map(\.0) == ["a", "b"])
        guard case .none = machine.shutdownRequested(now: t0) else { Issue.record("expected wait"); return }
        _ = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0)
        #expect(drain(&machine, &queue, now: t0).isEmpty)
        #expect(queue == ["c"])
        let next = machine.nextDeadline(now: t0)
        #expect(next == t0 + .seconds(5), "only b's response deadline")
    }

    /// A submit refused for the session's state (ESME_RINVBNDSTS: the SMSC no longer takes the session as bound;
    /// reference §4 class S, "fix the session"): the session takes nothing new, lets the outstanding submit answer,
    /// then unbinds, and the client binds again. Other refusals leave it bound.
    @Test func aSessionClassRefusalDrainsAndUnbinds() {
        var machine = boundMachine(window: 3)
        var queue = ["a", "b", "c", "d"]
        #expect(drain(&machine, &queue, now: t0).map(\.0) == ["a", "b", "c"])
        _ = machine.submitResponseReceived(sequenceNumber: 2, status: 0x0B, now: t0)  // ESME_RINVDSTADR: stays bound
        #expect(drain(&machine, &queue, now: t0).map(\.0) == ["d"])
        _ = machine.submitResponseReceived(sequenceNumber: 3, status: 0x04, now: t0)
        queue = ["e"]
        #expect(drain(&machine, &queue, now: t0).isEmpty, "no new request on a session the SMSC does not take")
        guard case .none = machine.unbindIfDrained(now: t0) else { Issue.record("c and d still outstanding"); return }
        _ = machine.submitResponseReceived(sequenceNumber: 4, status: 0, now: t0)
        _ = machine.submitResponseReceived(sequenceNumber: 5, status: 0, now: t0)
        guard case .write(.unbind) = machine.unbindIfDrained(now: t0) else { Issue.record("expected unbind"); return }
    }

    /// The same refusal as a generic_nack (an SMSC that lost the bind answers every submit so): the session drains
    /// and unbinds as for a submit_sm_resp, instead of staying bound and failing everything the pool hands it.
    @Test func aSessionClassGenericNackDrainsAndUnbinds() {
        var machine = boundMachine(window: 2)
        var queue = ["a", "b", "c"]
        #expect(drain(&machine, &queue, now: t0).map(\.0) == ["a", "b"])
        guard case .fail("a", _, .genericNack(0x04)) = machine.genericNackReceived(sequenceNumber: 2, status: 0x04, now: t0)
        else { Issue.record("expected a's failure"); return }
        #expect(drain(&machine, &queue, now: t0).isEmpty, "no new request on a session the SMSC does not take")
        _ = machine.submitResponseReceived(sequenceNumber: 3, status: 0, now: t0)
        guard case .write(.unbind) = machine.unbindIfDrained(now: t0) else { Issue.record("expected unbind"); return }
    }

    /// An enquire_link answered with a generic_nack for the session's state: alive, but not bound — rebind.
    @Test func aSessionClassNackOfTheEnquireLinkRebinds() {
        var machine = boundMachine()
        guard case .write(.enquireLink(let sequenceNumber)) = machine.timerFired(now: t0 + .seconds(30)).first else {
            Issue.record("expected enquire"); return
        }
        guard case .none = machine.genericNackReceived(sequenceNumber: sequenceNumber, status: 0x04, now: t0 + .seconds(31))
        else { Issue.record("expected none"); return }
        guard case .write(.unbind) = machine.unbindIfDrained(now: t0 + .seconds(31)) else {
            Issue.record("expected unbind"); return
        }
    }

    /// A generic_nack that matches no request of ours, and a late submit_sm_resp, carrying a refusal for the
    /// session's state: not bound either way — rebind.
    @Test func otherSessionClassRefusalsRebindToo() {
        var late = boundMachine(window: 1)
        var queue = ["a"]
        #expect(drain(&late, &queue, now: t0).map(\.0) == ["a"])
        _ = late.timerFired(now: t0 + .seconds(5))  // a's response timeout
        guard case .lateResponse = late.submitResponseReceived(sequenceNumber: 2, status: 0x04, now: t0 + .seconds(6))
        else { Issue.record("expected a late response"); return }
        guard case .write(.unbind) = late.unbindIfDrained(now: t0 + .seconds(6)) else {
            Issue.record("expected unbind"); return
        }
        var other = boundMachine()
        guard case .unexpectedResponse = other.genericNackReceived(sequenceNumber: 0, status: 0x04, now: t0) else {
            Issue.record("expected unexpected"); return
        }
        guard case .write(.unbind) = other.unbindIfDrained(now: t0) else { Issue.record("expected unbind"); return }
    }

    /// Item 4: shutdown waits for the answers the application still owes before unbinding, and refuses new
    /// inbound requests meanwhile (ESME_RX_T_APPN: the SMSC delivers them after the restart).
    @Test func shutdownWaitsForHeldInboundAnswersBeforeUnbind() {
        var machine = boundMachine()
        guard case .deliverInbound(4) = machine.inboundRequestReceived(sequenceNumber: 4, now: t0) else {
            Issue.record("expected deliver"); return
        }
        guard case .none = machine.shutdownRequested(now: t0) else { Issue.record("must wait for the answer"); return }
        guard case .write(.inboundResponse(5, 0x64)) = machine.inboundRequestReceived(sequenceNumber: 5, now: t0) else {
            Issue.record("new inbound during shutdown is refused"); return
        }
        guard case .none = machine.unbindIfDrained(now: t0) else { Issue.record("still held"); return }
        guard case .write(.inboundResponse(4, 0)) = machine.inboundAnswered(sequenceNumber: 4, status: 0, now: t0) else {
            Issue.record("the answer goes out"); return
        }
        guard case .write(.unbind) = machine.unbindIfDrained(now: t0) else { Issue.record("expected unbind"); return }
    }

    /// Item 4, bounded: an answer that never comes expires at the inbound timeout, then the session unbinds.
    @Test func shutdownDrainIsBoundedByTheInboundTimeout() {
        var machine = boundMachine()
        _ = machine.inboundRequestReceived(sequenceNumber: 4, now: t0)
        _ = machine.shutdownRequested(now: t0)
        let deadline = machine.nextDeadline(now: t0)
        #expect(deadline == t0 + .seconds(4))
        guard case .inboundExpired(4) = machine.timerFired(now: t0 + .seconds(4)).first else {
            Issue.record("expected expiry"); return
        }
        guard case .write(.unbind) = machine.unbindIfDrained(now: t0 + .seconds(4)) else {
            Issue.record("expected unbind"); return
        }
    }

    /// Item 5: a drain that ends on a generic_nack (or a timeout) unbinds too.
    @Test(arguments: ["nack", "timeout"])
    func drainEndingWithoutASubmitResponseUnbinds(ending: String) {
        var machine = boundMachine()
        var queue = ["a"]
        _ = drain(&machine, &queue, now: t0)
        _ = machine.shutdownRequested(now: t0)
        let now: NIODeadline
        if ending == "nack" {
            now = t0
            guard case .fail("a", 2, .genericNack(0x08)) = machine.genericNackReceived(sequenceNumber: 2, status: 0x08, now: now)
            else { Issue.record("expected fail"); return }
        } else {
            now = t0 + .seconds(5)
            guard case .fail("a", 2, .responseTimeout) = machine.timerFired(now: now).first else {
                Issue.record("expected timeout"); return
            }
        }
        guard case .write(.unbind) = machine.unbindIfDrained(now: now) else { Issue.record("expected unbind"); return }
    }

    /// Item 9: a second deliver_sm on a sequence number the application still holds is a repeat only when its body
    /// is the same; a different one replaces the first (the SMSC gave up on it) and is delivered.
    @Test func aDifferentBodyOnAHeldSequenceNumberIsDelivered() {
        var machine = boundMachine()
        guard case .deliverInbound(4) = machine.inboundRequestReceived(sequenceNumber: 4, body: [1, 2], now: t0) else {
            Issue.record("expected deliver"); return
        }
        let first = machine.inboundToken(sequenceNumber: 4)
        guard case .none = machine.inboundRequestReceived(sequenceNumber: 4, body: [1, 2], now: t0) else {
            Issue.record("the same body is a repeat"); return
        }
        guard case .deliverInbound(4) = machine.inboundRequestReceived(sequenceNumber: 4, body: [9], now: t0) else {
            Issue.record("a different body must be delivered"); return
        }
        let second = machine.inboundToken(sequenceNumber: 4)
        #expect(first != second)
        guard case .none = machine.inboundAnswered(sequenceNumber: 4, status: 0, token: first, now: t0) else {
            Issue.record("the replaced request's answer must not answer the newcomer"); return
        }
        guard case .write(.inboundResponse(4, 0)) =
            machine.inboundAnswered(sequenceNumber: 4, status: 0, token: second, now: t0)
        else { Issue.record("the newcomer's answer goes out"); return }
    }

    /// Item 10: a response after the response timeout reports its late outcome (and a throttle in it still slows).
    @Test func aLateResponseReportsItsOutcome() {
        var machine = boundMachine(window: 4)
        var queue = ["a", "b"]
        _ = drain(&machine, &queue, now: t0)
        let actions = machine.timerFired(now: t0 + .seconds(5))
        #expect(actions.count == 2)
        guard case .lateResponse("b", 3, 0x58, let latency) =
            machine.submitResponseReceived(sequenceNumber: 3, status: 0x58, now: t0 + .seconds(7))
        else { Issue.record("expected b late"); return }
        #expect(latency == .seconds(7))
        #expect(machine.pausedUntil == t0 + .seconds(8))
        // A late generic_nack is a late outcome too: the SMSC refused it, so a resubmit is no duplicate.
        guard case .lateResponse("a", 2, 0x08, _) =
            machine.genericNackReceived(sequenceNumber: 2, status: 0x08, now: t0 + .seconds(7))
        else { Issue.record("expected a late refusal"); return }
    }

    /// Item 10: the memory of timed-out requests is bounded.
    @Test func lateResponseMemoryIsBounded() {
        var configuration = Machine.Configuration()
        configuration.window = 10
        configuration.responseTimeout = .seconds(1)
        configuration.lateResponseMemory = 3
        configuration.maxConsecutiveTimeouts = 0
        var machine = Machine(configuration: configuration, canSubmit: true, canReceive: true, now: t0)
        _ = machine.connected(now: t0)
        _ = machine.bindResponseReceived(sequenceNumber: 1, status: 0, now: t0)
        var queue = (0..<5).map { "r\($0)" }
        _ = drain(&machine, &queue, now: t0)
        _ = machine.timerFired(now: t0 + .seconds(1))
        #expect(machine.timedOut.count == 3)
        guard case .unexpectedResponse(2) = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0 + .seconds(2))
        else { Issue.record("the oldest is forgotten"); return }
        guard case .lateResponse("r4", 6, 0, _) =
            machine.submitResponseReceived(sequenceNumber: 6, status: 0, now: t0 + .seconds(2))
        else { Issue.record("the newest is remembered"); return }
    }

    /// Item 12: ESME_RSYSERR slows the session like ESME_RTHROTTLED and ESME_RMSGQFUL (DESIGN §3.5).
    @Test func systemErrorPausesAndHalvesTheWindow() {
        var machine = boundMachine(window: 8)
        var queue = (0..<8).map { "r\($0)" }
        _ = drain(&machine, &queue, now: t0)
        _ = machine.submitResponseReceived(sequenceNumber: 2, status: 0x08, now: t0)
        #expect(machine.effectiveWindow == 4)
        #expect(machine.pausedUntil == t0 + .seconds(1))
        _ = machine.genericNackReceived(sequenceNumber: 3, status: 0x08, now: t0)
        #expect(machine.effectiveWindow == 2)
    }

    /// Item 14: a session that answers enquire_link but not submits is closed after N response timeouts in a row
    /// (requests sent after its last submit response); the pool's other sessions then carry the queue. Requests
    /// lost while others are answered do not count.
    @Test func consecutiveResponseTimeoutsCloseTheSession() {
        var machine = boundMachine(window: 6)
        var queue = ["a", "b", "c"]
        _ = drain(&machine, &queue, now: t0)
        _ = machine.submitResponseReceived(sequenceNumber: 3, status: 0, now: t0 + .seconds(1))
        let first = machine.timerFired(now: t0 + .seconds(5))
        #expect(first.count == 2, "a and c time out")
        #expect(machine.isBound, "b was answered after a and c were sent: the session is alive")
        queue = ["d", "e", "f", "g"]
        _ = drain(&machine, &queue, now: t0 + .seconds(5))
        _ = machine.submitResponseReceived(sequenceNumber: 8, status: 0, now: t0 + .seconds(6))  // g answered
        queue = ["h", "i", "j"]
        _ = drain(&machine, &queue, now: t0 + .seconds(7))
        _ = machine.enquireLinkReceived(sequenceNumber: 50, now: t0 + .seconds(8))
        let second = machine.timerFired(now: t0 + .seconds(10))
        #expect(second.count == 3, "d, e, f: answered g came after them")
        #expect(machine.isBound)
        let actions = machine.timerFired(now: t0 + .seconds(12))
        // h, i, j were sent after the last answer and none came: three in a row.
        #expect(actions.count == 4)
        guard case .close(.unresponsive, nil, let outstanding) = actions.last else {
            Issue.record("expected close, got \(actions)"); return
        }
        #expect(outstanding.isEmpty)
        #expect(machine.isClosed)
    }

    /// Item 14: 0 turns the rule off.
    @Test func zeroNeverClosesForTimeouts() {
        var configuration = Machine.Configuration()
        configuration.maxConsecutiveTimeouts = 0
        configuration.responseTimeout = .seconds(1)
        var machine = Machine(configuration: configuration, canSubmit: true, canReceive: true, now: t0)
        _ = machine.connected(now: t0)
        _ = machine.bindResponseReceived(sequenceNumber: 1, status: 0, now: t0)
        var queue = (0..<10).map { "r\($0)" }
        _ = drain(&machine, &queue, now: t0)
        _ = machine.timerFired(now: t0 + .seconds(1))
        #expect(machine.isBound)
    }
}
