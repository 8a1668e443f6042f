import Testing

@testable import RabbitMQ

@Suite struct ConnectionStateMachineTests {
    let t0 = ContinuousClock.Instant.now
    let error = AMQPError(code: .connectionLost, message: "socket closed")

    func machine() -> ConnectionStateMachine {
        ConnectionStateMachine(initialDelay: .milliseconds(100), maxDelay: .seconds(2))
    }

    @Test func firstConnectSucceeds() {
        var machine = machine()
        #expect(machine.startRequested() == .connect)
        #expect(machine.startRequested() == .none)
        #expect(machine.connectSucceeded() == .reportConnected(initial: true))
        #expect(machine.state == .connected)
    }

    @Test func firstConnectFailureGoesToTheCaller() {
        var machine = machine()
        _ = machine.startRequested()
        let refused = AMQPError(code: .authenticationFailed, message: "login", replyCode: 403)
        #expect(machine.connectFailed(refused, now: t0, jitter: 0) == .failStart(refused))
        #expect(machine.state == .closed)
        #expect(machine.tick(now: t0 + .seconds(60)) == .none)
    }

    @Test func lossThenBackoffDoublingUpToTheMaximumThenReconnect() {
        var machine = machine()
        _ = machine.startRequested()
        _ = machine.connectSucceeded()
        #expect(machine.connectionLost(error, now: t0, jitter: 0) == .reconnect(at: t0 + .milliseconds(100), after: error))
        #expect(machine.tick(now: t0 + .milliseconds(99)) == .none)
        #expect(machine.tick(now: t0 + .milliseconds(100)) == .connect)
        var now = t0 + .milliseconds(100)
        var delays: [Duration] = []
        for _ in 0..<6 {
            guard case .reconnect(let at, _) = machine.connectFailed(error, now: now, jitter: 0) else {
                Issue.record("expected a reconnect")
                return
            }
            delays.append(at - now)
            now = at
            #expect(machine.deadline == at)
            #expect(machine.tick(now: now) == .connect)
        }
        #expect(delays == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .seconds(2), .seconds(2)])
        #expect(machine.connectSucceeded() == .reportConnected(initial: false))
        // After a success the backoff starts small again.
        #expect(machine.connectionLost(error, now: now, jitter: 0) == .reconnect(at: now + .milliseconds(100), after: error))
    }

    @Test func jitterShortensTheDelayByUpToHalf() {
        let machine = machine()
        #expect(machine.delay(attempt: 3, jitter: 0) == .milliseconds(400))
        #expect(machine.delay(attempt: 3, jitter: 0.5) == .milliseconds(300))
        #expect(machine.delay(attempt: 3, jitter: 0.999_999) > .milliseconds(200))
        #expect(machine.delay(attempt: 3, jitter: 7) > .milliseconds(200))
        #expect(machine.delay(attempt: 1_000, jitter: 0) == .seconds(2))
    }

    @Test func closeFromAnyStateAndOnlyOnce() {
        var waiting = machine()
        _ = waiting.startRequested()
        _ = waiting.connectSucceeded()
        _ = waiting.connectionLost(error, now: t0, jitter: 0)
        #expect(waiting.closeRequested() == .close)
        #expect(waiting.closeRequested() == .none)
        #expect(waiting.tick(now: t0 + .seconds(10)) == .none)
        #expect(waiting.deadline == nil)

        var connected = machine()
        _ = connected.startRequested()
        _ = connected.connectSucceeded()
        #expect(connected.closeRequested() == .close)
        #expect(connected.connectionLost(error, now: t0, jitter: 0) == .none)
    }

    @Test func eventsInTheWrongStateDoNothing() {
        var machine = machine()
        #expect(machine.connectSucceeded() == .none)
        #expect(machine.connectionLost(error, now: t0, jitter: 0) == .none)
        #expect(machine.connectFailed(error, now: t0, jitter: 0) == .none)
        #expect(machine.tick(now: t0) == .none)
        #expect(machine.state == .idle)
    }
}
