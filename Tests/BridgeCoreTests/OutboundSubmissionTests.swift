import BridgeCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SMPP
import SMPPNIO
import Testing

/// A submitter that answers from a script per segment (by short_message's first octet) and attempt; `nil` in the
/// script means "never answer until cancelled" (no session bound).
final class ScriptedSubmitter: SegmentSubmitter {
    private let script: [UInt8: [Result<SubmitOutcome, SMPPClientError>?]]
    let sent = NIOLockedValueBox<[(UInt8, UInt64)]>([])

    init(_ script: [UInt8: [Result<SubmitOutcome, SMPPClientError>?]]) { self.script = script }

    static func ok(_ id: String) -> Result<SubmitOutcome, SMPPClientError>? {
        .success(SubmitOutcome(commandStatus: .ok, messageID: id, sessionIndex: 0, sequenceNumber: 1, latency: .zero))
    }
    static func status(_ status: CommandStatus) -> Result<SubmitOutcome, SMPPClientError>? {
        .success(SubmitOutcome(commandStatus: status, messageID: "", sessionIndex: 0, sequenceNumber: 1, latency: .zero))
    }

    func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
        let key = pdu.shortMessage.first ?? 0
        let attempt = sent.withLockedValue { sent in
            sent.append((key, tag))
            return sent.filter { $0.0 == key }.count
        }
        let answers = script[key] ?? []
        if attempt <= answers.count, let answer = answers[attempt - 1] { return answer }
        // Never answered: wait for cancellation, as a submit queued while no session is bound does (an AsyncStream
        // that never yields ends its iteration when the task is cancelled).
        let (never, continuation) = AsyncStream<Never>.makeStream()
        for await _ in never {}
        continuation.finish()
        return .failure(SMPPClientError(code: .cancelled))
    }
}

@Suite struct OutboundSubmissionTests {
    let fast = RetryPolicy(maxAttempts: 3, initialDelay: 0.005, maxDelay: 0.01, maxAge: 60)

    func pdus(_ count: Int) -> [SubmitSM] {
        (0..<count).map { SubmitSM(destination: Address(address: "1"), shortMessage: [UInt8($0)]) }
    }

    @Test func everySegmentIsSentAndTheRequestAccepted() async {
        let submitter = ScriptedSubmitter([0: [ScriptedSubmitter.ok("A")], 1: [ScriptedSubmitter.ok("B")], 2: [ScriptedSubmitter.ok("C")]])
        var machine = OutboundRequestMachine(segmentCount: 3, policy: fast, receivedAt: Date())
        let submission = OutboundSubmission(pdus: pdus(3), tags: [10, 11, 12], expiresAt: nil, now: { Date() })
        let seen = NIOLockedValueBox(0)
        let action = await submission.run(&machine, submitter: submitter) { _, _ in seen.withLockedValue { $0 += 1 } }
        guard case .finish(let outcome) = action else { Issue.record("\(action)"); return }
        #expect(outcome.status == .accepted && outcome.messageIDs == ["A", "B", "C"])
        #expect(Set(submitter.sent.withLockedValue { $0.map(\.1) }) == [10, 11, 12])
        #expect(seen.withLockedValue { $0 } == 3)
    }

    @Test func throttledSegmentIsRetriedAfterItsBackoff() async {
        let submitter = ScriptedSubmitter([0: [ScriptedSubmitter.status(.throttled), ScriptedSubmitter.ok("A")]])
        var machine = OutboundRequestMachine(segmentCount: 1, policy: fast, receivedAt: Date())
        let action = await OutboundSubmission(pdus: pdus(1), tags: [1], expiresAt: nil, now: { Date() })
            .run(&machine, submitter: submitter)
        guard case .finish(let outcome) = action else { Issue.record("\(action)"); return }
        #expect(outcome.status == .accepted && outcome.attempts == 2)
    }

    @Test func aRequestWaitingForASessionExpiresAtItsDeadline() async {
        let submitter = ScriptedSubmitter([0: [nil]])
        var machine = OutboundRequestMachine(segmentCount: 1, policy: fast, receivedAt: Date())
        let action = await OutboundSubmission(
            pdus: pdus(1), tags: [1], expiresAt: Date().addingTimeInterval(0.05), now: { Date() }
        ).run(&machine, submitter: submitter)
        guard case .finish(let outcome) = action else { Issue.record("\(action)"); return }
        #expect(outcome.status == .expired && outcome.failure?.code == "EXPIRED")
    }

    @Test func anAlreadyPassedDeadlineExpiresWithoutWaiting() async {
        let submitter = ScriptedSubmitter([0: [nil]])
        var machine = OutboundRequestMachine(segmentCount: 1, policy: fast, receivedAt: Date())
        let action = await OutboundSubmission(pdus: pdus(1), tags: [1], expiresAt: Date.distantPast, now: { Date() })
            .run(&machine, submitter: submitter)
        guard case .finish(let outcome) = action else { Issue.record("\(action)"); return }
        #expect(outcome.status == .expired)
    }

    @Test func cancellingTheRequestTaskRequeuesWhatWasNeverSent() async {
        let submitter = ScriptedSubmitter([0: [nil], 1: [nil]])
        let task = Task {
            var machine = OutboundRequestMachine(segmentCount: 2, policy: fast, receivedAt: Date())
            return await OutboundSubmission(pdus: pdus(2), tags: [1, 2], expiresAt: nil, now: { Date() })
                .run(&machine, submitter: submitter)
        }
        while submitter.sent.withLockedValue({ $0.count }) < 2 { try? await Task.sleep(for: .milliseconds(1)) }
        task.cancel()
        #expect(await task.value == .requeue)
    }

    /// A send that ended unknown is accepted late (its submit_sm_resp came after the timeout) during the backoff
    /// before its resubmit: the backoff ends, nothing is sent again, and the request is accepted with the late id —
    /// in the request's own task (one segment) and in the group (with an expiry far off).
    @Test(.timeLimit(.minutes(3)), arguments: [false, true])
    func aLateAcceptanceEndsTheBackoffWithoutAResubmit(inGroup: Bool) async throws {
        let slow = RetryPolicy(maxAttempts: 3, initialDelay: 3600, maxDelay: 3600, maxAge: 86_400)
        let submitter = ScriptedSubmitter([0: [.failure(SMPPClientError(code: .responseTimeout))]])
        let acceptances = LateAcceptances()
        let task = Task {
            var machine = OutboundRequestMachine(segmentCount: 1, policy: slow, receivedAt: Date())
            return await OutboundSubmission(
                pdus: pdus(1), tags: [7], expiresAt: inGroup ? Date().addingTimeInterval(86_400) : nil, now: { Date() },
                lateAcceptances: acceptances
            ).run(&machine, submitter: submitter)
        }
        while submitter.sent.withLockedValue({ $0.count }) < 1 { try? await Task.sleep(for: .milliseconds(1)) }
        acceptances.accept(index: 0, messageID: "LATE7")
        guard case .finish(let outcome) = await task.value else { Issue.record("expected a finish"); return }
        #expect(outcome.status == .accepted && outcome.messageIDs == ["LATE7"] && !outcome.possibleDuplicate)
        #expect(submitter.sent.withLockedValue { $0.count } == 1, "no resubmit")
    }

    /// With an hour of backoff, a sleep that were not cancelled would run into the time limit.
    @Test(.timeLimit(.minutes(3)))
    func aPermanentFailureDoesNotWaitForAnotherSegmentsBackoff() async {
        let slow = RetryPolicy(maxAttempts: 3, initialDelay: 3600, maxDelay: 3600, maxAge: 86_400)
        let submitter = ScriptedSubmitter([
            0: [ScriptedSubmitter.status(.throttled)], 1: [ScriptedSubmitter.status(.invalidDestinationAddress)],
        ])
        var machine = OutboundRequestMachine(segmentCount: 2, policy: slow, receivedAt: Date())
        let action = await OutboundSubmission(pdus: pdus(2), tags: [1, 2], expiresAt: nil, now: { Date() })
            .run(&machine, submitter: submitter)
        guard case .finish(let outcome) = action else { Issue.record("\(action)"); return }
        #expect(outcome.status == .failed && outcome.failure?.commandStatus == 11)
        #expect(submitter.sent.withLockedValue { $0.count } == 2)
    }

    /// A single segment without expiry runs in the request's own task (no task group); with an expiry (far off, never
    /// reached) it runs in the group. Cancelled while waiting for a session, or in an hour's backoff, both paths end
    /// at once and the same way.
    @Test(.timeLimit(.minutes(3)), arguments: [false, true])
    func aSingleSegmentCancelledEndsAsInTheGroup(inBackoff: Bool) async {
        let slow = RetryPolicy(maxAttempts: 3, initialDelay: 3600, maxDelay: 3600, maxAge: 86_400)
        func run(expiresAt: Date?) async -> OutboundRequestMachine.Action {
            let submitter = ScriptedSubmitter([0: inBackoff ? [ScriptedSubmitter.status(.throttled)] : [nil]])
            // The clock is read by the expiry timer (group only), for the answer and for the backoff's wait: once it
            // was read that often, the backoff has begun.
            let clockReads = NIOLockedValueBox(0)
            let backoffBegun = (expiresAt == nil ? 0 : 1) + 2
            let task = Task {
                var machine = OutboundRequestMachine(segmentCount: 1, policy: slow, receivedAt: Date())
                let now: @Sendable () -> Date = {
                    clockReads.withLockedValue { $0 += 1 }
                    return Date()
                }
                return await OutboundSubmission(pdus: pdus(1), tags: [1], expiresAt: expiresAt, now: now)
                    .run(&machine, submitter: submitter)
            }
            while submitter.sent.withLockedValue({ $0.count }) < 1
                || (inBackoff && clockReads.withLockedValue({ $0 }) < backoffBegun) {
                try? await Task.sleep(for: .milliseconds(1))
            }
            task.cancel()
            return await task.value
        }
        let inline = await run(expiresAt: nil)
        let grouped = await run(expiresAt: Date().addingTimeInterval(86_400))
        #expect(inline == grouped)
        // Never written, or only refused (throttled): handed back for another delivery.
        #expect(inline == .requeue)
    }
}
