import NIOCore
import Testing

@testable import SMPPNIO

/// A session recovers from a slow-down on any timely answer, and an odd bind refusal is not taken for bad
/// credentials.
@Suite struct SessionRecoveryMachineTests {
    @Test func refusalsGrowTheWindowBackAfterAThrottle() {
        var machine = boundMachine(window: 4)
        var queue = ["a", "b", "c", "d"]
        let sent = drain(&machine, &queue, now: t0)
        #expect(sent.count == 4)
        _ = machine.submitResponseReceived(sequenceNumber: sent[0].1, status: 0x58, now: t0)
        #expect(machine.effectiveWindow == 2)
        _ = machine.submitResponseReceived(sequenceNumber: sent[1].1, status: 0x0B, now: t0)  // ESME_RINVDSTADR
        #expect(machine.effectiveWindow == 3, "a permanent refusal in time did not grow the window back")
        _ = machine.submitResponseReceived(sequenceNumber: sent[2].1, status: 0x08, now: t0)  // ESME_RSYSERR
        #expect(machine.effectiveWindow == 1, "a slow-down status halves it")
    }

    @Test func aGenericNackOKToTheBindIsNoCredentialRejection() {
        var machine = makeMachine()
        _ = machine.connected(now: t0)
        guard case .close(.bindRejected(let status), _, _) = machine.genericNackReceived(sequenceNumber: 1, status: 0,
                                                                                       now: t0)
        else { Issue.record("expected the bind refused"); return }
        #expect(!WireStatus.isCredentialRejection(status))
    }
}
