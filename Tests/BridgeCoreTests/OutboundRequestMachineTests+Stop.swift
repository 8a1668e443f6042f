import BridgeCore
import Foundation
import SMPP
import Testing

/// How expiry and shutdown end segments that were already sent (DESIGN §3 "Unknown outcomes", "Expiry",
/// "In-flight recovery"): an unknown outcome stays unknown, a refused send is handed back or expires, and only the
/// retry policy's own bounds end a segment with RETRIES_EXHAUSTED.
extension OutboundRequestMachineTests {
    static let transientStatuses: [CommandStatus] = [.throttled, .messageQueueFull, .systemError, .receiverTemporaryAppError]

    @Test func anUnknownOutcomeEndedByExpiryIsFailedFlaggedNotExpired() throws {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.answerReceived(index: 0, .unknown(reason: "responseTimeout"), now: t0)
            == [.scheduleRetry(index: 0, at: t0.addingTimeInterval(1))])
        let outcome = try #require(finished(machine.expired(now: t0)))
        #expect(outcome.status == .failed && outcome.failure?.code == "OUTCOME_UNKNOWN")
        #expect(outcome.possibleDuplicate && outcome.attempts == 1)
    }

    @Test func aResendOfAnUnknownOutcomeWithdrawnByExpiryIsFailedFlagged() throws {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.answerReceived(index: 0, .unknown(reason: "sessionLost"), now: t0)
        #expect(machine.retryDue(index: 0, now: t0.addingTimeInterval(1)) == [.send(index: 0, attempt: 2)])
        #expect(machine.expired(now: t0.addingTimeInterval(1)) == [.withdrawOutstanding])
        let outcome = try #require(finished(machine.answerReceived(index: 0, .withdrawn(reason: "cancelled"), now: t0)))
        #expect(outcome.status == .failed && outcome.failure?.code == "OUTCOME_UNKNOWN" && outcome.possibleDuplicate)
    }

    @Test func aLongMessageWithAnUnknownSegmentEndedByExpiryIsFailedOutcomeUnknownFlagged() throws {
        var machine = OutboundRequestMachine(segmentCount: 2, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.answerReceived(index: 0, .response(status: .ok, messageID: "1"), now: t0)
        _ = machine.answerReceived(index: 1, .unknown(reason: "responseTimeout"), now: t0)
        let outcome = try #require(finished(machine.expired(now: t0)))
        #expect(outcome.status == .failed && outcome.failure?.code == "OUTCOME_UNKNOWN" && outcome.possibleDuplicate)
        #expect(outcome.segments.map(\.messageID) == ["1", nil])
    }

    @Test(arguments: transientStatuses)
    func aTransientAnswerAfterShutdownBeganHandsTheRequestBack(status: CommandStatus) {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.shutdownRequested() == [.withdrawOutstanding])
        // Written before the withdrawal, then refused: not at the SMSC, attempts and age left.
        #expect(machine.answerReceived(index: 0, .response(status: status, messageID: ""), now: t0) == [.requeue])
        #expect(machine.sentAnySegment)
    }

    @Test func anUnknownAnswerAfterShutdownBeganHandsTheRequestBackUnderResubmit() {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.shutdownRequested()
        #expect(machine.answerReceived(index: 0, .unknown(reason: "responseTimeout"), now: t0) == [.requeue])
    }

    @Test func aTransientAnswerAfterShutdownWithNoAttemptLeftStillFails() throws {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: RetryPolicy(maxAttempts: 1), receivedAt: t0)
        _ = machine.start()
        _ = machine.shutdownRequested()
        let outcome = try #require(finished(machine.answerReceived(index: 0, .response(status: .throttled, messageID: ""), now: t0)))
        #expect(outcome.status == .failed && outcome.failure?.code == "RETRIES_EXHAUSTED")
    }

    @Test(arguments: transientStatuses)
    func aTransientAnswerAfterExpiryEndsExpired(status: CommandStatus) throws {
        var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: t0)
        _ = machine.start()
        #expect(machine.expired(now: t0) == [.withdrawOutstanding])
        let outcome = try #require(finished(machine.answerReceived(index: 0, .response(status: status, messageID: ""), now: t0)))
        #expect(outcome.status == .expired && outcome.failure?.code == "EXPIRED" && !outcome.possibleDuplicate)
    }

    @Test func aTransientAnswerAfterExpiryWithASegmentAcceptedFailsExpired() throws {
        var machine = OutboundRequestMachine(segmentCount: 2, policy: policy, receivedAt: t0)
        _ = machine.start()
        _ = machine.answerReceived(index: 0, .response(status: .ok, messageID: "1"), now: t0)
        _ = machine.expired(now: t0)
        let outcome = try #require(finished(machine.answerReceived(index: 1, .response(status: .throttled, messageID: ""), now: t0)))
        #expect(outcome.status == .failed && outcome.failure?.code == "EXPIRED" && !outcome.possibleDuplicate)
        #expect(outcome.segments.map(\.commandStatus) == [0, 0x58])
    }
}
