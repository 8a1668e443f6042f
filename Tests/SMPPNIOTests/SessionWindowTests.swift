import NIOCore
import Testing

@testable import SMPPNIO

@Suite struct SessionWindowMachineTests {
    @Test func windowFullHoldsRequestsInOrder() {
        var machine = boundMachine(window: 3)
        var queue: [String] = []
        queue += ["a", "b", "c", "d", "e"]
        let sent = drain(&machine, &queue, now: t0)
        #expect(sent.map(\.0) == ["a", "b", "c"])
        #expect(sent.map(\.1) == [2, 3, 4])
        #expect(machine.openWindowSlots == 0)
        guard case .complete("b", 3, 0, _) = machine.submitResponseReceived(sequenceNumber: 3, status: 0, now: t0)
        else { Issue.record("expected b"); return }
        #expect(drain(&machine, &queue, now: t0).map(\.0) == ["d"])
    }

    @Test func outOfOrderResponsesMatchBySequence() {
        var machine = boundMachine(window: 3)
        var queue: [String] = []
        queue += ["a", "b", "c"]
        _ = drain(&machine, &queue, now: t0)
        var completed: [String] = []
        for sequenceNumber: UInt32 in [4, 2, 3] {
            if case .complete(let request, _, _, _) =
                machine.submitResponseReceived(sequenceNumber: sequenceNumber, status: 0, now: t0 + .milliseconds(20)) {
                completed.append(request)
            }
        }
        #expect(completed == ["c", "a", "b"])
        #expect(machine.window.isEmpty)
    }

    @Test func latencyIsMeasuredFromSend() {
        var machine = boundMachine()
        var queue: [String] = []
        queue.append("a")
        _ = drain(&machine, &queue, now: t0 + .milliseconds(5))
        guard case .complete(_, _, _, let latency) =
            machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0 + .milliseconds(25))
        else { Issue.record("expected complete"); return }
        #expect(latency == .milliseconds(20))
    }

    @Test func unexpectedResponseIsNotFatal() {
        var machine = boundMachine()
        var queue: [String] = []
        guard case .unexpectedResponse(99) = machine.submitResponseReceived(sequenceNumber: 99, status: 0, now: t0)
        else { Issue.record("expected unexpected"); return }
        #expect(machine.isBound)
        queue.append("a")
        #expect(drain(&machine, &queue, now: t0).count == 1)
    }

    @Test func genericNackFailsTheMatchingRequest() {
        var machine = boundMachine()
        var queue: [String] = []
        queue.append("a")
        queue.append("b")
        _ = drain(&machine, &queue, now: t0)
        guard case .fail("b", 3, .genericNack(0x03)) = machine.genericNackReceived(sequenceNumber: 3, status: 0x03, now: t0)
        else { Issue.record("expected fail b"); return }
        #expect(machine.window.count == 1)
        #expect(machine.isBound)
    }

    @Test func responseTimeoutFailsOnlyExpiredRequests() {
        var machine = boundMachine()
        var queue: [String] = []
        queue.append("a")
        _ = drain(&machine, &queue, now: t0)
        queue.append("b")
        _ = drain(&machine, &queue, now: t0 + .seconds(2))
        #expect(machine.nextDeadline(now: t0 + .seconds(2)) == t0 + .seconds(5))
        let actions = machine.timerFired(now: t0 + .seconds(5))
        #expect(actions.count == 1)
        guard case .fail("a", 2, .responseTimeout) = actions.first else { Issue.record("expected a timeout"); return }
        #expect(machine.nextDeadline(now: t0 + .seconds(5)) == t0 + .seconds(7))
        // Issue 10 item 10: a late answer to the timed-out request reports its outcome.
        guard case .lateResponse("a", 2, 0, let latency) =
            machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0 + .seconds(6))
        else { Issue.record("expected a late response"); return }
        #expect(latency == .seconds(6))
        guard case .unexpectedResponse(2) = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0 + .seconds(6))
        else { Issue.record("a second answer is unexpected"); return }
    }

    @Test func throttleStatusPausesHalvesWindowAndGrowsBack() {
        var machine = boundMachine(window: 8)
        var queue: [String] = []
        queue += (0..<20).map { "r\($0)" }
        #expect(drain(&machine, &queue, now: t0).count == 8)
        _ = machine.submitResponseReceived(sequenceNumber: 2, status: 0x58, now: t0)
        #expect(machine.effectiveWindow == 4)
        // Paused: nothing goes out although the window has room, until the pause ends.
        #expect(drain(&machine, &queue, now: t0 + .milliseconds(999)).isEmpty)
        for sequenceNumber: UInt32 in 3...6 { _ = machine.submitResponseReceived(sequenceNumber: sequenceNumber, status: 0x14, now: t0) }
        #expect(machine.effectiveWindow == 1)
        let resume = t0 + .seconds(1)
        // Window 1, three still outstanding: nothing until they are answered.
        #expect(drain(&machine, &queue, now: resume).isEmpty)
        for sequenceNumber: UInt32 in 7...9 { _ = machine.submitResponseReceived(sequenceNumber: sequenceNumber, status: 0, now: resume) }
        #expect(machine.effectiveWindow == 4)
        let next = drain(&machine, &queue, now: resume)
        #expect(next.map(\.0) == ["r8", "r9", "r10", "r11"])
    }

    /// Some SMSCs refuse an over-rate submit with generic_nack carrying ESME_RTHROTTLED (Kannel pauses on that too):
    /// it fails the request and must slow the session down like a throttled submit_sm_resp.
    @Test func genericNackThrottleAlsoPausesAndHalves() {
        var machine = boundMachine(window: 8)
        var queue: [String] = []
        queue += (0..<10).map { "r\($0)" }
        #expect(drain(&machine, &queue, now: t0).count == 8)
        guard case .fail("r0", 2, .genericNack(status: 0x58)) = machine.genericNackReceived(
            sequenceNumber: 2, status: 0x58, now: t0)
        else { Issue.record("expected the request to fail"); return }
        #expect(machine.effectiveWindow == 4)
        #expect(machine.pausedUntil == t0 + .seconds(1))
        _ = machine.genericNackReceived(sequenceNumber: 3, status: 0x03, now: t0)
        #expect(machine.effectiveWindow == 4, "only throttle statuses slow down")
    }

    @Test func pauseEndIsTheNextDeadline() {
        var machine = boundMachine(window: 8)
        var queue: [String] = []
        queue.append("a")
        queue.append("b")
        _ = drain(&machine, &queue, now: t0)
        _ = drain(&machine, &queue, now: t0)
        guard case .complete("a", _, 0x58, _) = machine.submitResponseReceived(sequenceNumber: 2, status: 0x58, now: t0)
        else { Issue.record("expected a throttled"); return }
        _ = machine.submitResponseReceived(sequenceNumber: 3, status: 0x58, now: t0)
        queue.append("c")
        #expect(machine.nextDeadline(now: t0) == t0 + .seconds(1))
        #expect(drain(&machine, &queue, now: t0 + .seconds(1)).map(\.0) == ["c"])
    }

    @Test func throughputCapSpacesSends() {
        var machine = boundMachine(window: 100, throughput: 10)
        var queue: [String] = []
        queue += (0..<5).map { "r\($0)" }
        #expect(drain(&machine, &queue, now: t0).count == 1)
        let next = machine.nextDeadline(now: t0)
        #expect(next == t0 + .milliseconds(100))
        #expect(drain(&machine, &queue, now: t0 + .milliseconds(99)).isEmpty)
        #expect(drain(&machine, &queue, now: t0 + .milliseconds(100)).count == 1)
        #expect(drain(&machine, &queue, now: t0 + .milliseconds(400)).count == 1)
    }

    @Test func transmitterlessSessionNeverTakesFromThePool() {
        var machine = makeMachine(canSubmit: false)
        var queue = ["a"]
        _ = machine.connected(now: t0)
        _ = machine.bindResponseReceived(sequenceNumber: 1, status: 0, now: t0)
        #expect(drain(&machine, &queue, now: t0).isEmpty)
        #expect(queue == ["a"])
    }

    @Test func sequenceNumbersWrapInsideTheSession() {
        var machine = Machine(configuration: .init(), canSubmit: true, canReceive: true, now: t0,
                              firstSequenceNumber: 0x7FFF_FFFE)
        var queue: [String] = []
        _ = machine.connected(now: t0)
        _ = machine.bindResponseReceived(sequenceNumber: 0x7FFF_FFFE, status: 0, now: t0)
        queue.append("a")
        queue.append("b")
        #expect(drain(&machine, &queue, now: t0).map(\.1) == [0x7FFF_FFFF, 1])
    }
}

@Suite struct SessionWithdrawTests {
    /// The pool skips withdrawn requests inside `take`; the machine asks at most once per send and spends a token
    /// only on a request it got.
    @Test func aTakeThatFindsNothingSpendsNoTokenAndNoSequenceNumber() {
        var machine = boundMachine(window: 3, throughput: 1)
        var asked = 0
        let nothing = machine.nextSend(now: t0, take: { asked += 1; return nil })
        #expect(nothing == nil)
        #expect(asked == 1)
        guard let (request, sequenceNumber) = machine.nextSend(now: t0, take: { "b" }) else {
            Issue.record("expected b at once: nothing was sent yet"); return
        }
        #expect(request == "b" && sequenceNumber == 2)
    }
}
