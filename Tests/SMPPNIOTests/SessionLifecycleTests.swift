import NIOCore
import Testing

@testable import SMPPNIO

@Suite struct SessionKeepAliveTests {
    @Test func enquireLinkAfterIdleIntervalAndAnsweredInTime() {
        var machine = boundMachine()
        #expect(machine.nextDeadline(now: t0) == t0 + .seconds(30))
        #expect(machine.timerFired(now: t0 + .seconds(29)).isEmpty)
        let actions = machine.timerFired(now: t0 + .seconds(30))
        guard case .write(.enquireLink(let sequenceNumber)) = actions.first else { Issue.record("expected enquire"); return }
        #expect(machine.nextDeadline(now: t0 + .seconds(30)) == t0 + .seconds(35))
        guard case .none = machine.enquireLinkResponseReceived(sequenceNumber: sequenceNumber, now: t0 + .seconds(31))
        else { Issue.record("expected none"); return }
        #expect(machine.nextDeadline(now: t0 + .seconds(31)) == t0 + .seconds(61))
    }

    @Test func trafficPostponesEnquireLink() {
        var machine = boundMachine()
        var queue: [String] = []
        queue.append("a")
        _ = drain(&machine, &queue, now: t0)
        _ = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0 + .seconds(20))
        #expect(machine.nextDeadline(now: t0 + .seconds(20)) == t0 + .seconds(50))
    }

    @Test func missedEnquireLinkMeansDeadLinkAndLosesOutstanding() {
        var machine = boundMachine()
        var queue: [String] = []
        queue.append("a")
        queue.append("b")
        _ = drain(&machine, &queue, now: t0)
        _ = machine.timerFired(now: t0 + .seconds(30))  // enquire_link out (a and b time out too)
        queue.append("c")
        let actions = machine.timerFired(now: t0 + .seconds(35))
        guard case .close(.linkDead, nil, let outstanding) = actions.first else {
            Issue.record("expected link dead, got \(actions)"); return
        }
        #expect(outstanding.isEmpty)
        #expect(queue == ["c"], "never taken from the pool")
    }

    /// An SMSC that answers submits but never enquire_link is alive: the session is not closed at the keep-alive's
    /// deadline while PDUs keep coming (that turned every outstanding submit into an unknown outcome); silence for a
    /// whole response timeout after the last PDU still closes it.
    @Test func anyPDUAfterTheEnquireLinkKeepsTheLinkAlive() {
        var machine = boundMachine()
        var queue = ["a"]
        _ = machine.timerFired(now: t0 + .seconds(30))  // enquire_link out, answer due at 35
        #expect(machine.enquireLink != nil)
        #expect(drain(&machine, &queue, now: t0 + .seconds(31)).count == 1)
        _ = machine.submitResponseReceived(sequenceNumber: 3, status: 0, now: t0 + .seconds(33))
        let atDeadline = machine.timerFired(now: t0 + .seconds(35))
        #expect(!atDeadline.contains { if case .close = $0 { true } else { false } }, "\(atDeadline)")
        guard case .close(.linkDead, _, _) = machine.timerFired(now: t0 + .seconds(38)).first else {
            Issue.record("silence after the last PDU must still close the link"); return
        }
    }

    /// A generic_nack with ESME_RTHROTTLED that names no request of ours still pauses the session.
    @Test func aThrottleNackForNoRequestPausesTheSession() {
        var machine = boundMachine()
        guard case .unexpectedResponse = machine.genericNackReceived(sequenceNumber: 0, status: 0x58, now: t0) else {
            Issue.record("expected it counted as unexpected"); return
        }
        #expect(machine.pausedUntil != nil)
        var other = boundMachine()
        _ = other.genericNackReceived(sequenceNumber: 0, status: 0x08, now: t0)
        #expect(other.pausedUntil == nil, "ESME_RSYSERR may refuse one of our late answers: no pause")
    }

    @Test func answersSMSCEnquireLink() {
        var machine = boundMachine()
        guard case .write(.enquireLinkResp(77)) = machine.enquireLinkReceived(sequenceNumber: 77, now: t0) else {
            Issue.record("expected resp"); return
        }
    }

    @Test func unknownRequestGetsGenericNack() {
        var machine = boundMachine()
        guard case .write(.genericNack(5, 0x03)) = machine.unsupportedRequestReceived(sequenceNumber: 5, now: t0) else {
            Issue.record("expected nack"); return
        }
    }
}

@Suite struct SessionUnbindTests {
    @Test func smscUnbindIsAnsweredThenClosedLosingOutstanding() {
        var machine = boundMachine()
        var queue: [String] = []
        queue.append("a")
        _ = drain(&machine, &queue, now: t0)
        queue.append("b")
        queue.append("c")
        queue.append("d")
        _ = drain(&machine, &queue, now: t0)
        queue.append("e")
        guard case .close(.unbindBySMSC, .unbindResp(9), let outstanding) =
            machine.unbindReceived(sequenceNumber: 9, now: t0)
        else { Issue.record("expected close"); return }
        #expect(outstanding.map(\.1) == ["a", "b", "c"])
        #expect(queue == ["d", "e"], "what was never written stays in the pool")
        #expect(drain(&machine, &queue, now: t0).isEmpty)
    }

    @Test func shutdownUnbindsAtOnceWhenIdle() {
        var machine = boundMachine()
        guard case .write(.unbind(let sequenceNumber)) = machine.shutdownRequested(now: t0) else {
            Issue.record("expected unbind"); return
        }
        guard case .close(.unbound, nil, _) = machine.unbindResponseReceived(sequenceNumber: sequenceNumber, now: t0)
        else { Issue.record("expected close"); return }
    }

    @Test func shutdownWaitsForOutstandingThenUnbinds() {
        var machine = boundMachine(window: 1)
        var queue: [String] = []
        queue.append("a")
        queue.append("b")
        _ = drain(&machine, &queue, now: t0)
        guard case .none = machine.shutdownRequested(now: t0) else { Issue.record("expected wait"); return }
        // Issue 10 item 3: nothing more is written once shutdown began; "b" stays in the pool (which fails it as
        // shutting down, never sent).
        #expect(drain(&machine, &queue, now: t0).isEmpty)
        #expect(queue == ["b"])
        guard case .complete("a", _, _, _) = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0)
        else { Issue.record("expected a"); return }
        guard case .write(.unbind) = machine.unbindIfDrained(now: t0) else { Issue.record("expected unbind"); return }
    }

    @Test func unbindTimeoutCloses() {
        var machine = boundMachine()
        _ = machine.shutdownRequested(now: t0)
        #expect(machine.nextDeadline(now: t0) == t0 + .seconds(2))
        guard case .close(.unbound, _, _) = machine.timerFired(now: t0 + .seconds(2)).first else {
            Issue.record("expected close"); return
        }
    }

    @Test func shutdownBeforeBoundClosesAtOnce() {
        var machine = makeMachine()
        _ = machine.connected(now: t0)
        guard case .close(.unbound, nil, _) = machine.shutdownRequested(now: t0) else { Issue.record("expected close"); return }
    }

    @Test func connectionLossFailsOutstandingAndLeavesUnsentInThePool() {
        var machine = boundMachine(window: 1)
        var queue: [String] = []
        queue.append("a")
        queue.append("b")
        _ = drain(&machine, &queue, now: t0)
        guard case .close(.connectionClosed, nil, let outstanding) = machine.connectionClosed(now: t0) else {
            Issue.record("expected close"); return
        }
        #expect(outstanding.map(\.0) == [2])
        #expect(outstanding.map(\.1) == ["a"])
        #expect(queue == ["b"])
        guard case .none = machine.connectionClosed(now: t0) else { Issue.record("closed twice"); return }
    }
}

@Suite struct SessionInboundTests {
    @Test func inboundIsDeliveredAndAnsweredOnce() {
        var machine = boundMachine()
        guard case .deliverInbound(4) = machine.inboundRequestReceived(sequenceNumber: 4, now: t0) else {
            Issue.record("expected deliver"); return
        }
        guard case .write(.inboundResponse(4, 0)) = machine.inboundAnswered(sequenceNumber: 4, status: 0, now: t0) else {
            Issue.record("expected resp"); return
        }
        guard case .none = machine.inboundAnswered(sequenceNumber: 4, status: 0, now: t0) else {
            Issue.record("answered twice"); return
        }
    }

    @Test func unansweredInboundGetsTemporaryAppError() {
        var machine = boundMachine()
        _ = machine.inboundRequestReceived(sequenceNumber: 4, now: t0)
        #expect(machine.nextDeadline(now: t0) == t0 + .seconds(4))
        let actions = machine.timerFired(now: t0 + .seconds(4))
        guard case .inboundExpired(4) = actions.first else { Issue.record("expected expiry"); return }
        guard case .none = machine.inboundAnswered(sequenceNumber: 4, status: 0, now: t0 + .seconds(5)) else {
            Issue.record("late answer written"); return
        }
    }

    /// Issue 10 item 6: at the maximum held, the next inbound request is refused with ESME_RX_T_APPN at once (the
    /// socket keeps being read, so submit responses are not held up behind the application).
    @Test func inboundBeyondTheMaximumIsRefusedWithTemporaryAppError() {
        var machine = boundMachine(maxInbound: 2)
        _ = machine.inboundRequestReceived(sequenceNumber: 4, now: t0)
        _ = machine.inboundRequestReceived(sequenceNumber: 5, now: t0)
        guard case .write(.inboundResponse(6, 0x64)) = machine.inboundRequestReceived(sequenceNumber: 6, now: t0) else {
            Issue.record("expected x_t_appn"); return
        }
        _ = machine.inboundAnswered(sequenceNumber: 5, status: 0, now: t0)
        guard case .deliverInbound(7) = machine.inboundRequestReceived(sequenceNumber: 7, now: t0) else {
            Issue.record("expected deliver"); return
        }
    }

    @Test func transmitterRefusesDeliverSM() {
        var machine = makeMachine(canReceive: false)
        _ = machine.connected(now: t0)
        _ = machine.bindResponseReceived(sequenceNumber: 1, status: 0, now: t0)
        guard case .write(.inboundResponse(4, 0x04)) = machine.inboundRequestReceived(sequenceNumber: 4, now: t0) else {
            Issue.record("expected refusal"); return
        }
        // A data_sm may come on a transmitter (SMPP 3.4's table): handed over, not refused with a session status.
        guard case .deliverInbound(5) = machine.inboundRequestReceived(sequenceNumber: 5, isDataSM: true, now: t0) else {
            Issue.record("a data_sm on a transmitter was refused"); return
        }
    }
}

@Suite struct SessionConnectTests {
    @Test func closedBeforeConnectedIsAConnectFailure() {
        var machine = makeMachine()
        guard case .close(.connectFailed, nil, _) = machine.connectionClosed(now: t0) else {
            Issue.record("expected connect failure"); return
        }
    }
}
