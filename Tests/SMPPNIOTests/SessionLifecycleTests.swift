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
        _ = machine.submitRequested("a", now: t0)
        _ = drain(&machine, now: t0)
        _ = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0 + .seconds(20))
        #expect(machine.nextDeadline(now: t0 + .seconds(20)) == t0 + .seconds(50))
    }

    @Test func missedEnquireLinkMeansDeadLinkAndLosesOutstanding() {
        var machine = boundMachine()
        _ = machine.submitRequested("a", now: t0)
        _ = machine.submitRequested("b", now: t0)
        _ = drain(&machine, now: t0)
        _ = machine.timerFired(now: t0 + .seconds(30))  // enquire_link out (a and b time out too)
        _ = machine.submitRequested("c", now: t0 + .seconds(30))
        let actions = machine.timerFired(now: t0 + .seconds(35))
        guard case .close(.linkDead, nil, let outstanding, let unsent) = actions.first else {
            Issue.record("expected link dead, got \(actions)"); return
        }
        #expect(outstanding.isEmpty)
        #expect(unsent == ["c"])
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
        _ = machine.submitRequested("a", now: t0)
        _ = drain(&machine, now: t0)
        _ = machine.submitRequested("b", now: t0)
        _ = machine.submitRequested("c", now: t0)
        _ = machine.submitRequested("d", now: t0)
        _ = drain(&machine, now: t0)
        _ = machine.submitRequested("e", now: t0)
        guard case .close(.unbindBySMSC, .unbindResp(9), let outstanding, let unsent) =
            machine.unbindReceived(sequenceNumber: 9, now: t0)
        else { Issue.record("expected close"); return }
        #expect(outstanding.map(\.1) == ["a", "b", "c"])
        #expect(unsent == ["d", "e"])
        guard case .reroute("f") = machine.submitRequested("f", now: t0) else { Issue.record("expected reroute"); return }
    }

    @Test func shutdownUnbindsAtOnceWhenIdle() {
        var machine = boundMachine()
        guard case .write(.unbind(let sequenceNumber)) = machine.shutdownRequested(now: t0) else {
            Issue.record("expected unbind"); return
        }
        guard case .close(.unbound, nil, _, _) = machine.unbindResponseReceived(sequenceNumber: sequenceNumber, now: t0)
        else { Issue.record("expected close"); return }
    }

    @Test func shutdownWaitsForOutstandingThenUnbinds() {
        var machine = boundMachine(window: 1)
        _ = machine.submitRequested("a", now: t0)
        _ = machine.submitRequested("b", now: t0)
        _ = drain(&machine, now: t0)
        guard case .none = machine.shutdownRequested(now: t0) else { Issue.record("expected wait"); return }
        guard case .reroute("c") = machine.submitRequested("c", now: t0) else { Issue.record("expected reroute"); return }
        _ = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0)
        guard case .none = machine.unbindIfDrained(now: t0) else { Issue.record("b still waits"); return }
        #expect(drain(&machine, now: t0).map(\.0) == ["b"])
        _ = machine.submitResponseReceived(sequenceNumber: 3, status: 0, now: t0)
        guard case .write(.unbind) = machine.unbindIfDrained(now: t0) else { Issue.record("expected unbind"); return }
    }

    @Test func unbindTimeoutCloses() {
        var machine = boundMachine()
        _ = machine.shutdownRequested(now: t0)
        #expect(machine.nextDeadline(now: t0) == t0 + .seconds(2))
        guard case .close(.unbound, _, _, _) = machine.timerFired(now: t0 + .seconds(2)).first else {
            Issue.record("expected close"); return
        }
    }

    @Test func shutdownBeforeBoundClosesAtOnce() {
        var machine = makeMachine()
        _ = machine.connected(now: t0)
        guard case .close(.unbound, nil, _, _) = machine.shutdownRequested(now: t0) else { Issue.record("expected close"); return }
    }

    @Test func connectionLossFailsOutstandingAndReroutesUnsent() {
        var machine = boundMachine(window: 1)
        _ = machine.submitRequested("a", now: t0)
        _ = machine.submitRequested("b", now: t0)
        _ = drain(&machine, now: t0)
        guard case .close(.connectionClosed, nil, let outstanding, let unsent) = machine.connectionClosed(now: t0) else {
            Issue.record("expected close"); return
        }
        #expect(outstanding.map(\.0) == [2])
        #expect(outstanding.map(\.1) == ["a"])
        #expect(unsent == ["b"])
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
        guard case .write(.inboundResponse(4, 0x64)) = actions.first else { Issue.record("expected x_t_appn"); return }
        guard case .none = machine.inboundAnswered(sequenceNumber: 4, status: 0, now: t0 + .seconds(5)) else {
            Issue.record("late answer written"); return
        }
    }

    @Test func readingStopsWhenInboundIsFull() {
        var machine = boundMachine(maxInbound: 2)
        #expect(machine.mayRead)
        _ = machine.inboundRequestReceived(sequenceNumber: 4, now: t0)
        _ = machine.inboundRequestReceived(sequenceNumber: 5, now: t0)
        #expect(!machine.mayRead)
        _ = machine.inboundAnswered(sequenceNumber: 5, status: 0, now: t0)
        #expect(machine.mayRead)
    }

    @Test func transmitterRefusesDeliverSM() {
        var machine = makeMachine(canReceive: false)
        _ = machine.connected(now: t0)
        _ = machine.bindResponseReceived(sequenceNumber: 1, status: 0, now: t0)
        guard case .write(.inboundResponse(4, 0x04)) = machine.inboundRequestReceived(sequenceNumber: 4, now: t0) else {
            Issue.record("expected refusal"); return
        }
    }
}

@Suite struct SessionConnectTests {
    @Test func closedBeforeConnectedIsAConnectFailure() {
        var machine = makeMachine()
        guard case .close(.connectFailed, nil, _, _) = machine.connectionClosed(now: t0) else {
            Issue.record("expected connect failure"); return
        }
    }
}
