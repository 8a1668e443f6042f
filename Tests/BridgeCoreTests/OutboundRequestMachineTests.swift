import BridgeCore
import Foundation
import SMPP
import Testing

@Suite struct OutboundRequestMachineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = RetryPolicy(maxAttempts: 3, initialDelay: 1, maxDelay: 8, maxAge: 60)

    func finished(_ actions: [OutboundRequestMachine.Action]) -> RequestOutcome? {
        for case .finish(let outcome) in actions { return outcome }
        return nil
    }

    @Test func singleSegmentAcceptedOnFirstAttempt() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        #expect(machine.start() == [.send(index: 0, attempt: 1)])
        let actions = machine.answerReceived(index: 0, .response(status: .ok, messageID: "5F3A9C01"), now: t0)
        let outcome = try! #require(finished(actions))
        #expect(outcome.status == .accepted)
        #expect(outcome.messageIDs == ["5F3A9C01"])
        #expect(outcome.segments == [.init(index: 1, messageID: "5F3A9C01", commandStatus: 0, attempts: 1)])
        #expect(outcome.attempts == 1 && !outcome.possibleDuplicate && outcome.failure == nil)
    }

    /// The send ended unknown (response timeout) and its submit_sm_resp came late with ESME_ROK while the resubmit
    /// waits: the resubmit is called off (the SMSC has the message; sent again, it is delivered twice), and the
    /// result is the late acceptance — one send, no duplicate.
    @Test func aLateAcceptanceCallsOffTheResubmit() throws {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.answerReceived(index: 0, .unknown(reason: "response timeout"), now: t0)
            == [.scheduleRetry(index: 0, at: t0.addingTimeInterval(1))])
        let outcome = try #require(finished(machine.lateAcceptance(index: 0, messageID: "LATE1", now: t0.addingTimeInterval(0.5))))
        #expect(outcome.status == .accepted && outcome.messageIDs == ["LATE1"])
        #expect(!outcome.possibleDuplicate && outcome.attempts == 1)
        #expect(machine.retryDue(index: 0, now: t0.addingTimeInterval(1)).isEmpty, "no resubmit")
    }

    /// Once the resubmit is written, a late acceptance of the first send changes nothing: the resubmit's own answer
    /// decides, and the result is flagged (two copies may be at the SMSC). Nor does one for a segment that never
    /// ended unknown.
    @Test func aLateAcceptanceAfterTheResubmitChangesNothing() throws {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.answerReceived(index: 0, .unknown(reason: "response timeout"), now: t0)
        #expect(machine.retryDue(index: 0, now: t0.addingTimeInterval(1)) == [.send(index: 0, attempt: 2)])
        #expect(machine.lateAcceptance(index: 0, messageID: "LATE1", now: t0.addingTimeInterval(1.5)).isEmpty)
        let outcome = try #require(finished(machine.answerReceived(
            index: 0, .response(status: .ok, messageID: "B"), now: t0.addingTimeInterval(2))))
        #expect(outcome.messageIDs == ["B"] && outcome.possibleDuplicate)
        var throttled = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = throttled.start()
        _ = throttled.answerReceived(index: 0, .response(status: .throttled, messageID: ""), now: t0)
        #expect(throttled.lateAcceptance(index: 0, messageID: "X", now: t0).isEmpty, "its send was answered")
    }

    /// An SMSC that accepts with an empty message_id gave none: the segment is accepted with no id in the result.
    @Test func anAcceptanceWithoutAMessageIDReportsNoID() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        let outcome = try! #require(finished(machine.answerReceived(index: 0, .response(status: .ok, messageID: ""), now: t0)))
        #expect(outcome.status == .accepted)
        #expect(outcome.messageIDs.isEmpty)
        #expect(outcome.segments == [.init(index: 1, messageID: nil, commandStatus: 0, attempts: 1)])
    }

    @Test func throttledSegmentIsRetriedWithBackoffThenAccepted() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.answerReceived(index: 0, .response(status: .throttled, messageID: ""), now: t0)
            == [.scheduleRetry(index: 0, at: t0.addingTimeInterval(1))])
        #expect(machine.retryDue(index: 0, now: t0.addingTimeInterval(1)) == [.send(index: 0, attempt: 2)])
        #expect(machine.answerReceived(index: 0, .response(status: .messageQueueFull, messageID: ""), now: t0.addingTimeInterval(1))
            == [.scheduleRetry(index: 0, at: t0.addingTimeInterval(3))])
        _ = machine.retryDue(index: 0, now: t0.addingTimeInterval(3))
        let outcome = try! #require(finished(machine.answerReceived(index: 0, .response(status: .ok, messageID: "A"), now: t0.addingTimeInterval(3))))
        #expect(outcome.status == .accepted && outcome.attempts == 3 && !outcome.possibleDuplicate)
    }

    @Test func transientErrorsExhaustAttemptsAndFailWithTheLastStatus() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        for attempt in 1...2 {
            _ = machine.answerReceived(index: 0, .response(status: .systemError, messageID: ""), now: t0)
            #expect(machine.retryDue(index: 0, now: t0) == [.send(index: 0, attempt: attempt + 1)])
        }
        let outcome = try! #require(finished(machine.answerReceived(index: 0, .response(status: .systemError, messageID: ""), now: t0)))
        #expect(outcome.status == .failed)
        #expect(outcome.failure?.code == "RETRIES_EXHAUSTED" && outcome.failure?.commandStatus == 8)
        #expect(outcome.attempts == 3)
    }

    /// A session-class status (reference §4 class S: "fix the session, do not drop the message") is retried like a
    /// transient one; when it persists, the request fails RETRIES_EXHAUSTED with that status.
    @Test(arguments: [CommandStatus(rawValue: 0x04), CommandStatus(rawValue: 0x05), CommandStatus(rawValue: 0x0D)])
    func aSessionClassStatusIsRetried(_ status: CommandStatus) {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.answerReceived(index: 0, .response(status: status, messageID: ""), now: t0)
            == [.scheduleRetry(index: 0, at: t0.addingTimeInterval(1))])
        _ = machine.retryDue(index: 0, now: t0.addingTimeInterval(1))
        _ = machine.answerReceived(index: 0, .response(status: status, messageID: ""), now: t0.addingTimeInterval(1))
        _ = machine.retryDue(index: 0, now: t0.addingTimeInterval(3))
        let outcome = finished(machine.answerReceived(index: 0, .response(status: status, messageID: ""), now: t0.addingTimeInterval(3)))
        #expect(outcome?.failure?.code == "RETRIES_EXHAUSTED" && outcome?.failure?.commandStatus == status.rawValue)
    }

    /// The result's `attempts` is every submit_sm sent (docs/schemas/submit-result.schema.json), not the busiest
    /// segment's count.
    @Test func attemptsCountEverySubmitOfEverySegment() {
        var machine = OutboundRequestMachine(segmentCount: 3, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.answerReceived(index: 0, .response(status: .throttled, messageID: ""), now: t0)
        _ = machine.retryDue(index: 0, now: t0.addingTimeInterval(1))
        _ = machine.answerReceived(index: 0, .response(status: .ok, messageID: "A"), now: t0.addingTimeInterval(1))
        _ = machine.answerReceived(index: 1, .response(status: .ok, messageID: "B"), now: t0.addingTimeInterval(1))
        let outcome = finished(machine.answerReceived(index: 2, .response(status: .ok, messageID: "C"), now: t0.addingTimeInterval(1)))
        #expect(outcome?.status == .accepted && outcome?.attempts == 4)
        #expect(outcome?.segments.map(\.attempts) == [2, 1, 1])
    }

    @Test func noRetryStartsPastTheMaximumAge() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        let outcome = finished(machine.answerReceived(index: 0, .response(status: .throttled, messageID: ""), now: t0.addingTimeInterval(59.5)))
        #expect(outcome?.status == .failed && outcome?.attempts == 1)
    }

    @Test func permanentStatusFailsAtOnceAndStopsTheOtherSegmentsRetries() {
        var machine = OutboundRequestMachine(segmentCount: 3, policy: policy, receivedAt: t0)
        #expect(machine.start().count == 3)
        _ = machine.answerReceived(index: 0, .response(status: .ok, messageID: "1"), now: t0)
        #expect(machine.answerReceived(index: 1, .response(status: .throttled, messageID: ""), now: t0).count == 1)
        // Segment 2's retry is no longer wanted: the request fails at once, and its timer does nothing later.
        let outcome = try! #require(finished(machine.answerReceived(index: 2, .response(status: .invalidDestinationAddress, messageID: ""), now: t0)))
        #expect(machine.retryDue(index: 1, now: t0.addingTimeInterval(1)).isEmpty)
        #expect(outcome.status == .failed)
        #expect(outcome.failure?.code == "ESME_RINVDSTADR" && outcome.failure?.commandStatus == 11)
        #expect(outcome.segments.map(\.messageID) == ["1", nil, nil])
        #expect(outcome.segments.map(\.commandStatus) == [0, 0x58, 11])
    }

    @Test func aTransientAnswerAfterAnotherSegmentFailedIsNotRetried() {
        var machine = OutboundRequestMachine(segmentCount: 2, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.answerReceived(index: 1, .response(status: .invalidDestinationAddress, messageID: ""), now: t0).isEmpty)
        let outcome = try! #require(finished(machine.answerReceived(index: 0, .response(status: .throttled, messageID: ""), now: t0)))
        #expect(outcome.status == .failed && outcome.failure?.commandStatus == 11)
    }

    @Test func unknownOutcomeIsResubmittedAndFlaggedUnderResubmit() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.answerReceived(index: 0, .unknown(reason: "responseTimeout"), now: t0)
            == [.scheduleRetry(index: 0, at: t0.addingTimeInterval(1))])
        _ = machine.retryDue(index: 0, now: t0.addingTimeInterval(1))
        let outcome = try! #require(finished(machine.answerReceived(index: 0, .response(status: .ok, messageID: "X"), now: t0)))
        #expect(outcome.status == .accepted && outcome.possibleDuplicate && outcome.attempts == 2)
    }

    @Test func unknownOutcomeIsReportedUnderReport() {
        var machine = OutboundRequestMachine(
            segmentCount: 1, policy: RetryPolicy(maxAttempts: 3, resubmitUnknown: false), receivedAt: t0)
        _ = machine.start()
        let outcome = try! #require(finished(machine.answerReceived(index: 0, .unknown(reason: "sessionLost"), now: t0)))
        #expect(outcome.status == .unknown && outcome.failure?.code == "OUTCOME_UNKNOWN")
        #expect(!outcome.possibleDuplicate)
    }

    @Test func resubmitsExhaustedOnUnknownFailFlaggedAsPossibleDuplicate() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: RetryPolicy(maxAttempts: 2), receivedAt: t0)
        _ = machine.start()
        _ = machine.answerReceived(index: 0, .unknown(reason: "responseTimeout"), now: t0)
        _ = machine.retryDue(index: 0, now: t0)
        let outcome = try! #require(finished(machine.answerReceived(index: 0, .unknown(reason: "responseTimeout"), now: t0)))
        #expect(outcome.status == .failed && outcome.possibleDuplicate && outcome.failure?.code == "OUTCOME_UNKNOWN")
    }

    /// Under `resubmit`, a segment whose only send ended unknown and that another segment's permanent failure kept
    /// from being sent again is flagged: the SMSC may have that copy, whatever the other segment got (it was flagged
    /// when the other segment was accepted, not when it failed). Under `report` it is not.
    @Test(arguments: [true, false])
    func anUnknownSegmentStoppedByAnotherSegmentsFailureIsFlaggedUnderResubmit(unknownFirst: Bool) {
        for resubmit in [true, false] {
            var machine = OutboundRequestMachine(
                segmentCount: 2, policy: RetryPolicy(maxAttempts: 3, resubmitUnknown: resubmit), receivedAt: t0)
            _ = machine.start()
            let unknown = SegmentAnswer.unknown(reason: "responseTimeout")
            let refused = SegmentAnswer.response(status: .invalidDestinationAddress, messageID: "")
            var actions = machine.answerReceived(index: unknownFirst ? 0 : 1, unknownFirst ? unknown : refused, now: t0)
            actions += machine.answerReceived(index: unknownFirst ? 1 : 0, unknownFirst ? refused : unknown, now: t0)
            let outcome = try! #require(finished(actions))
            #expect(outcome.status == .failed && outcome.failure?.code == "ESME_RINVDSTADR")
            #expect(outcome.possibleDuplicate == resubmit, "resubmit \(resubmit), unknown first \(unknownFirst)")
            #expect(outcome.attempts == 2)
        }
        // With one attempt allowed the unknown segment ends unknown on its own; the other's refusal still names the
        // failure, and the flag says the SMSC may have the unknown copy.
        var single = OutboundRequestMachine(segmentCount: 2, policy: RetryPolicy(maxAttempts: 1), receivedAt: t0)
        _ = single.start()
        _ = single.answerReceived(index: 0, .unknown(reason: "responseTimeout"), now: t0)
        let outcome = try! #require(finished(
            single.answerReceived(index: 1, .response(status: .invalidDestinationAddress, messageID: ""), now: t0)))
        #expect(outcome.status == .failed && outcome.possibleDuplicate)
    }

    @Test func recoveredInFlightRequestIsFlagged() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0, recoveredInFlight: true)
        _ = machine.start()
        let outcome = finished(machine.answerReceived(index: 0, .response(status: .ok, messageID: "1"), now: t0))
        #expect(outcome?.possibleDuplicate == true)
    }

    @Test func expiryWithdrawsUnsentSegmentsAndEndsExpired() {
        var machine = OutboundRequestMachine(segmentCount: 2, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.answerReceived(index: 1, .response(status: .throttled, messageID: ""), now: t0)
        #expect(machine.expired(now: t0) == [.withdrawOutstanding])
        let outcome = try! #require(finished(machine.answerReceived(index: 0, .withdrawn(reason: "cancelled"), now: t0)))
        #expect(outcome.status == .expired && outcome.failure?.code == "EXPIRED")
    }

    @Test func expiryAfterSomeSegmentsWereAcceptedFails() {
        var machine = OutboundRequestMachine(segmentCount: 2, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.answerReceived(index: 0, .response(status: .ok, messageID: "1"), now: t0)
        _ = machine.expired(now: t0)
        let outcome = try! #require(finished(machine.answerReceived(index: 1, .withdrawn(reason: "cancelled"), now: t0)))
        #expect(outcome.status == .failed && outcome.failure?.code == "EXPIRED")
    }

    @Test func answersThatArriveAfterWithdrawalStillCount() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.expired(now: t0)
        // Already written when the withdrawal came: its real answer decides.
        let outcome = finished(machine.answerReceived(index: 0, .response(status: .ok, messageID: "Z"), now: t0))
        #expect(outcome?.status == .accepted)
    }

    @Test func shutdownBeforeAnythingWasSentRequeues() {
        var machine = OutboundRequestMachine(segmentCount: 2, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.shutdownRequested() == [.withdrawOutstanding])
        #expect(machine.answerReceived(index: 0, .withdrawn(reason: "shuttingDown"), now: t0).isEmpty)
        #expect(machine.answerReceived(index: 1, .withdrawn(reason: "shuttingDown"), now: t0) == [.requeue])
    }

    @Test func withdrawalByTheClientWithoutAStopRequeues() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.answerReceived(index: 0, .withdrawn(reason: "shuttingDown"), now: t0) == [.requeue])
    }

    @Test func unsendableSegmentFailsTheRequest() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        let outcome = finished(machine.answerReceived(index: 0, .unsendable(reason: "encodingFailed"), now: t0))
        #expect(outcome?.status == .failed && outcome?.failure?.code == "UNSENDABLE")
    }

    @Test func staleAnswersAndTimersAreIgnored() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.retryDue(index: 0, now: t0).isEmpty)
        #expect(machine.answerReceived(index: 5, .response(status: .ok, messageID: ""), now: t0).isEmpty)
        _ = machine.answerReceived(index: 0, .response(status: .ok, messageID: "1"), now: t0)
        #expect(machine.answerReceived(index: 0, .response(status: .ok, messageID: "2"), now: t0).isEmpty)
        #expect(machine.expired(now: t0).isEmpty)
    }

    @Test func backoffDoublesUpToTheMaximum() {
        #expect((2...7).map { policy.delay(beforeAttempt: $0) } == [1, 2, 4, 8, 8, 8])
        #expect(RetryPolicy.isTransient(.throttled) && RetryPolicy.isTransient(.systemError))
        #expect(!RetryPolicy.isTransient(.invalidDestinationAddress))
    }
}
