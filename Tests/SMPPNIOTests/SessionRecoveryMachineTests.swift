import NIOCore
import SMPP
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

    /// After a wrap, a number still held by an outstanding or timed-out request is skipped: reusing it would
    /// overwrite that request's window entry (its caller never completed) or give its late response to another.
    @Test func aWrappedSequenceNumberSkipsNumbersInUse() {
        var machine = boundMachine(window: 3)
        var queue = ["a", "b"]
        #expect(drain(&machine, &queue, now: t0).map(\.1) == [2, 3])
        guard case .fail("a", 2, .responseTimeout) = machine.timerFired(now: t0 + .seconds(5)).first else {
            Issue.record("expected the timeout"); return
        }
        #expect(machine.window.request(for: 3) == nil, "both timed out")
        queue = ["c"]
        _ = drain(&machine, &queue, now: t0 + .seconds(5))  // c takes 4
        machine.sequenceNumbers = SequenceNumberGenerator(first: 2)  // as after a wrap
        queue = ["d"]
        #expect(drain(&machine, &queue, now: t0 + .seconds(5)).map(\.1) == [5], "2 and 3 timed out, 4 is outstanding")
        guard case .lateResponse("a", 2, 0, _) =
            machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0 + .seconds(6))
        else { Issue.record("the late response no longer reaches a"); return }
    }

    /// A response that still arrives after the session closed (the rest of a read, the TLS close) is the late
    /// outcome of the request failed as session lost, not an unexpected response.
    @Test func aResponseAfterTheCloseIsALateOutcome() {
        var machine = boundMachine(window: 3)
        var queue = ["a"]
        _ = drain(&machine, &queue, now: t0)
        guard case .close(_, _, let outstanding) = machine.connectionClosed(now: t0),
              outstanding.map(\.1) == ["a"] else { Issue.record("expected a failed as session lost"); return }
        guard case .lateResponse("a", 2, 0, _) = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0)
        else { Issue.record("the response after the close was dropped"); return }
    }
}

/// The same through the handler: the SMSC unbinds and, in the same read, answers our submit; the submit fails as
/// session lost (the caller cannot wait) and its answer still reaches the late outcomes.
@Suite struct ResponseAfterCloseHandlerTests {
    @Test func anAnswerInTheSameReadAsTheUnbindIsALateOutcome() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results, tag: 7)
        _ = try harness.allWritten()
        var buffer = ByteBuffer()
        try PDU(.unbind, sequenceNumber: 40).encode(into: &buffer)
        try PDU(.submitSMResp(SubmitSMResp(messageID: "M-1")), sequenceNumber: 2).encode(into: &buffer)
        try harness.channel.writeInbound(buffer)
        harness.loop.run()
        guard case .failure(let error) = try #require(results.all.first) else {
            Issue.record("expected the submit failed as session lost"); return
        }
        #expect(error.code == .sessionLostOutcomeUnknown)
        #expect(harness.delegate.late.map(\.tag) == [7])
        #expect(harness.delegate.late.first?.outcome.messageID == "M-1")
    }
}
