import NIOCore
import Testing

@testable import SMPPNIO

/// The SMSC numbers its requests and we number ours, from 1 each: a generic_nack that echoes the number of a
/// deliver_sm_resp we just wrote may be the SMSC refusing that (late) answer, not answering our submit_sm of the same
/// number. Failing the submit on it could report a submit the SMSC accepted as refused, and a resubmit would then
/// duplicate it without a flag: the submit keeps waiting for its own response instead.
@Suite struct SessionAmbiguousNackTests {
    /// A bound machine with our submit "a" out under number 2 and the SMSC's deliver_sm 2 answered.
    private func submitAndAnswerBothNumberedTwo() -> Machine {
        var machine = boundMachine()
        var queue = ["a"]
        #expect(drain(&machine, &queue, now: t0).map(\.1) == [2])
        guard case .deliverInbound = machine.inboundRequestReceived(sequenceNumber: 2, body: [1], now: t0) else {
            Issue.record("expected the deliver_sm handed over")
            return machine
        }
        guard case .write(.inboundResponse(2, 0)) = machine.inboundAnswered(sequenceNumber: 2, status: 0, now: t0)
        else {
            Issue.record("expected the answer written")
            return machine
        }
        return machine
    }

    @Test func aNackNumberedLikeAnAnswerAndASubmitLeavesTheSubmitWaiting() {
        var machine = submitAndAnswerBothNumberedTwo()
        guard case .ambiguousNack(2, 0x03) = machine.genericNackReceived(sequenceNumber: 2, status: 0x03, now: t0)
        else { Issue.record("the submit was failed on a nack that may be about our answer"); return }
        #expect(machine.window.request(for: 2) == "a")
        guard case .complete("a", 2, 0, _) = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0)
        else { Issue.record("the submit's own response did not complete it"); return }
    }

    @Test func aTimedOutSubmitIsNotReportedRefusedOnSuchANack() {
        var machine = submitAndAnswerBothNumberedTwo()
        guard case .fail("a", 2, .responseTimeout) = machine.timerFired(now: t0 + .seconds(5)).first else {
            Issue.record("expected the timeout"); return
        }
        guard case .ambiguousNack = machine.genericNackReceived(sequenceNumber: 2, status: 0x03, now: t0 + .seconds(5))
        else { Issue.record("a late refusal was reported: the resubmit would carry no flag"); return }
        guard case .lateResponse("a", 2, 0, _) =
            machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0 + .seconds(6))
        else { Issue.record("the late response was lost"); return }
    }

    /// Past the response timeout since the answer, or with no answer of that number, a nack is the submit's.
    @Test func otherwiseTheNackFailsTheSubmit() {
        var machine = submitAndAnswerBothNumberedTwo()
        guard case .fail("a", 2, .genericNack(0x03)) =
            machine.genericNackReceived(sequenceNumber: 2, status: 0x03, now: t0 + .seconds(5) + .milliseconds(1))
        else { Issue.record("expected the submit failed"); return }

        var fresh = boundMachine()
        var queue = ["b"]
        _ = drain(&fresh, &queue, now: t0)
        guard case .fail("b", 2, .genericNack(0x03)) = fresh.genericNackReceived(sequenceNumber: 2, status: 0x03, now: t0)
        else { Issue.record("expected the submit failed"); return }
    }

    /// A slow-down status refuses a request, never a response: the submit fails and the session slows down.
    @Test func aThrottleNackIsNeverAmbiguous() {
        var machine = submitAndAnswerBothNumberedTwo()
        guard case .fail("a", 2, .genericNack(0x58)) = machine.genericNackReceived(sequenceNumber: 2, status: 0x58, now: t0)
        else { Issue.record("a throttle refusal was ignored"); return }
        #expect(machine.pausedUntil != nil)
    }

    /// ESME_RSYSERR is the SMSC's catch-all: it may refuse our late answer. Failing the submit on it would report
    /// a submit the SMSC then accepts as refused, and the retry would duplicate it without a flag (review finding).
    @Test func aSystemErrorNackIsAmbiguous() {
        var machine = submitAndAnswerBothNumberedTwo()
        guard case .ambiguousNack(2, 0x08) = machine.genericNackReceived(sequenceNumber: 2, status: 0x08, now: t0)
        else { Issue.record("a system-error nack of our answer failed the submit"); return }
        guard case .complete("a", 2, 0, _) = machine.submitResponseReceived(sequenceNumber: 2, status: 0, now: t0)
        else { Issue.record("the submit's own acceptance was lost"); return }
    }

    /// The number of an SMSC request the application still holds is not given to our next request either: its
    /// answer, written later, could be nacked under that number.
    @Test func ourNextRequestSkipsTheNumberOfAHeldInboundRequest() {
        var machine = boundMachine()
        _ = machine.inboundRequestReceived(sequenceNumber: 2, body: [1], now: t0)
        var queue = ["a", "b"]
        #expect(drain(&machine, &queue, now: t0).map(\.1) == [3, 4])
    }

    /// A number just used to answer the SMSC is not given to our next request, so a nack of that answer cannot
    /// be mistaken for one of the request.
    @Test func ourNextRequestSkipsANumberJustAnswered() {
        var machine = boundMachine()
        _ = machine.inboundRequestReceived(sequenceNumber: 2, body: [1], now: t0)
        _ = machine.inboundAnswered(sequenceNumber: 2, status: 0, now: t0)
        var queue = ["a"]
        #expect(drain(&machine, &queue, now: t0).map(\.1) == [3])
    }
}
