import NIOCore
import Testing

@testable import SMPPNIO

typealias Machine = SessionStateMachine<String>

let t0 = NIODeadline.uptimeNanoseconds(10_000_000_000)

func makeMachine(window: Int = 3, throughput: Int = 0, canSubmit: Bool = true, canReceive: Bool = true,
                 maxInbound: Int = 2) -> Machine {
    var configuration = Machine.Configuration()
    configuration.window = window
    configuration.throughput = throughput
    configuration.responseTimeout = .seconds(5)
    configuration.enquireLinkInterval = .seconds(30)
    configuration.bindTimeout = .seconds(10)
    configuration.unbindTimeout = .seconds(2)
    configuration.inboundResponseTimeout = .seconds(4)
    configuration.maxInboundInFlight = maxInbound
    configuration.throttlePause = .seconds(1)
    return Machine(configuration: configuration, canSubmit: canSubmit, canReceive: canReceive, now: t0)
}

func boundMachine(window: Int = 3, throughput: Int = 0, maxInbound: Int = 2) -> Machine {
    var machine = makeMachine(window: window, throughput: throughput, maxInbound: maxInbound)
    _ = machine.connected(now: t0)
    _ = machine.bindResponseReceived(sequenceNumber: 1, status: 0, now: t0)
    return machine
}

/// Sends everything the machine lets out at `now`, pulling from `queue` (the pool's stand-in); returns
/// (request, sequence number) pairs.
func drain(_ machine: inout Machine, _ queue: inout [String], now: NIODeadline) -> [(String, UInt32)] {
    var sent: [(String, UInt32)] = []
    while let (request, sequenceNumber) = machine.nextSend(now: now, take: {
        queue.isEmpty ? nil : queue.removeFirst()
    }) {
        sent.append((request, sequenceNumber))
    }
    return sent
}

@Suite struct SessionBindTests {
    @Test func bindSuccess() {
        var machine = makeMachine()
        guard case .write(.bind(let sequenceNumber)) = machine.connected(now: t0) else {
            Issue.record("expected bind"); return
        }
        #expect(sequenceNumber == 1)
        guard case .sessionBound = machine.bindResponseReceived(sequenceNumber: 1, status: 0, now: t0) else {
            Issue.record("expected bound"); return
        }
        #expect(machine.isBound)
    }

    @Test func bindRejectedClosesWithStatus() {
        var machine = makeMachine()
        _ = machine.connected(now: t0)
        guard case .close(let reason, nil, let outstanding) =
            machine.bindResponseReceived(sequenceNumber: 1, status: 0x0E, now: t0)
        else { Issue.record("expected close"); return }
        #expect(reason == .bindRejected(status: 0x0E))
        #expect(outstanding.isEmpty)
        #expect(machine.isClosed)
    }

    @Test func bindResponseWithWrongSequenceIsUnexpected() {
        var machine = makeMachine()
        _ = machine.connected(now: t0)
        guard case .unexpectedResponse(7) = machine.bindResponseReceived(sequenceNumber: 7, status: 0, now: t0) else {
            Issue.record("expected unexpected"); return
        }
        #expect(!machine.isBound)
    }

    @Test func bindTimeoutFiresAtItsDeadline() {
        var machine = makeMachine()
        _ = machine.connected(now: t0)
        #expect(machine.nextDeadline(now: t0) == t0 + .seconds(10))
        #expect(machine.timerFired(now: t0 + .seconds(9)).isEmpty)
        let actions = machine.timerFired(now: t0 + .seconds(10))
        guard case .close(.bindTimeout, _, _) = actions.first else { Issue.record("expected timeout"); return }
    }

    @Test func genericNackToBindIsARejection() {
        var machine = makeMachine()
        _ = machine.connected(now: t0)
        guard case .close(.bindRejected(0x03), _, _) =
            machine.genericNackReceived(sequenceNumber: 1, status: 0x03, now: t0)
        else { Issue.record("expected close"); return }
    }

    @Test func submitsWaitingDuringBindGoOutOnceBound() {
        var machine = makeMachine()
        var queue: [String] = []
        _ = machine.connected(now: t0)
        queue.append("a")
        #expect(drain(&machine, &queue, now: t0).isEmpty)
        _ = machine.bindResponseReceived(sequenceNumber: 1, status: 0, now: t0)
        #expect(drain(&machine, &queue, now: t0).map(\.0) == ["a"])
    }
}
