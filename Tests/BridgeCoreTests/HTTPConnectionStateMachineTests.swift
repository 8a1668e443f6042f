import NIOCore
import NIOHTTP1
import Testing

@testable import BridgeCore

/// The connection lifecycle as plain sequences of events and expected actions (no sockets, no clock).
@Suite struct HTTPConnectionStateMachineTests {
    typealias Machine = HTTPConnectionStateMachine
    let timeout = TimeAmount.seconds(30)

    func at(_ seconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(seconds) * 1_000_000_000) }

    func request(_ uri: String = "/healthz", keepAlive: Bool = true,
                 version: HTTPVersion = .http1_1) -> HTTPRequestSummary {
        HTTPRequestSummary(method: .GET, uri: uri, version: version, keepAlive: keepAlive)
    }

    @Test func keepAliveRequestIsAnsweredAndTheIdleDeadlineMovesOn() {
        var machine = Machine(idleTimeout: timeout)
        #expect(machine.connectionActivated(now: at(100)) == .setTimer(at(130)))
        #expect(machine.requestHeadReceived(request(), now: at(101)) == .none)
        #expect(machine.requestEndReceived(now: at(102)) == .respond(request(), then: .keepAlive(deadline: at(132))))
        #expect(machine.state == .idle(deadline: at(132)))
        #expect(machine.requestHeadReceived(request("/metrics"), now: at(110)) == .none)
        #expect(machine.requestEndReceived(now: at(111))
            == .respond(request("/metrics"), then: .keepAlive(deadline: at(141))))
    }

    @Test func aClientThatAsksToCloseIsClosedAfterItsResponse() {
        var machine = Machine(idleTimeout: timeout)
        _ = machine.connectionActivated(now: at(0))
        let oneShot = request(keepAlive: false, version: .http1_0)
        #expect(machine.requestHeadReceived(oneShot, now: at(1)) == .none)
        #expect(machine.requestEndReceived(now: at(1)) == .respond(oneShot, then: .close))
        #expect(machine.state == .closed)
        #expect(machine.requestHeadReceived(request(), now: at(2)) == .none)
        #expect(machine.timerFired(now: at(40)) == .none)
    }

    @Test func theIdleDeadlineClosesASilentConnection() {
        var machine = Machine(idleTimeout: timeout)
        _ = machine.connectionActivated(now: at(0))
        #expect(machine.timerFired(now: at(29)) == .setTimer(at(30)))  // early wake-up: re-arm, keep the deadline
        #expect(machine.timerFired(now: at(30)) == .close)
        #expect(machine.state == .closed)
    }

    @Test func aRequestTrickledInPastTheDeadlineIsClosed() {
        var machine = Machine(idleTimeout: timeout)
        _ = machine.connectionActivated(now: at(0))
        #expect(machine.requestHeadReceived(request(), now: at(29)) == .none)
        // The head does not buy more time: the whole request had to arrive by the deadline.
        #expect(machine.timerFired(now: at(30)) == .close)
        #expect(machine.requestEndReceived(now: at(31)) == .none)
    }

    @Test func quiesceClosesAnIdleConnectionAtOnce() {
        var machine = Machine(idleTimeout: timeout)
        _ = machine.connectionActivated(now: at(0))
        #expect(machine.quiesceRequested(now: at(1)) == .close)
        #expect(machine.state == .closed)
        #expect(machine.quiesceRequested(now: at(1)) == .none)
    }

    @Test func quiesceDuringARequestAnswersItThenCloses() {
        var machine = Machine(idleTimeout: timeout)
        _ = machine.connectionActivated(now: at(0))
        #expect(machine.requestHeadReceived(request(), now: at(1)) == .none)
        #expect(machine.quiesceRequested(now: at(1)) == .setTimer(at(3)), "the rest of the request within the grace")
        #expect(machine.quiescing)
        #expect(machine.requestEndReceived(now: at(2)) == .respond(request(), then: .close))
        #expect(machine.state == .closed)
    }

    /// A client trickling its request does not hold the shutdown for the rest of its idle timeout (30 s here).
    @Test func quiesceBringsARequestsDeadlineForward() {
        var machine = Machine(idleTimeout: timeout)
        _ = machine.connectionActivated(now: at(0))
        #expect(machine.requestHeadReceived(request(), now: at(1)) == .none)
        #expect(machine.quiesceRequested(now: at(10)) == .setTimer(at(12)))
        #expect(machine.timerFired(now: at(12)) == .close)
        var late = Machine(idleTimeout: timeout)
        _ = late.connectionActivated(now: at(0))
        _ = late.requestHeadReceived(request(), now: at(1))
        #expect(late.quiesceRequested(now: at(29)) == .none, "its own deadline (30 s) comes first")
    }

    @Test func quiesceBeforeTheConnectionIsActiveCloses() {
        var machine = Machine(idleTimeout: timeout)
        #expect(machine.quiesceRequested(now: at(1)) == .close)
        #expect(machine.connectionActivated(now: at(0)) == .none)
    }

    @Test func anErrorClosesOnce() {
        var machine = Machine(idleTimeout: timeout)
        _ = machine.connectionActivated(now: at(0))
        #expect(machine.requestHeadReceived(request(), now: at(1)) == .none)
        #expect(machine.errorCaught() == .close)
        #expect(machine.errorCaught() == .none)
        #expect(machine.requestEndReceived(now: at(2)) == .none)
    }

    @Test func eventsOutOfOrderCloseInsteadOfGuessing() {
        var endWithoutHead = Machine(idleTimeout: timeout)
        _ = endWithoutHead.connectionActivated(now: at(0))
        #expect(endWithoutHead.requestEndReceived(now: at(1)) == .close)

        var twoHeads = Machine(idleTimeout: timeout)
        _ = twoHeads.connectionActivated(now: at(0))
        #expect(twoHeads.requestHeadReceived(request(), now: at(1)) == .none)
        #expect(twoHeads.requestHeadReceived(request(), now: at(2)) == .close)
    }

    @Test func aHeadBeforeActivationStillGetsTheFullTimeout() {
        var machine = Machine(idleTimeout: timeout)
        #expect(machine.requestHeadReceived(request(), now: at(5)) == .setTimer(at(35)))
        #expect(machine.connectionActivated(now: at(6)) == .none)
        #expect(machine.requestEndReceived(now: at(7)) == .respond(request(), then: .keepAlive(deadline: at(37))))
    }

    @Test func closedConnectionIgnoresTheTimer() {
        var machine = Machine(idleTimeout: timeout)
        _ = machine.connectionActivated(now: at(0))
        machine.connectionClosed()
        #expect(machine.timerFired(now: at(31)) == .none)
        #expect(machine.quiesceRequested(now: at(1)) == .none)
    }
}
