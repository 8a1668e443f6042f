import BridgeCore
import Foundation
import NIOConcurrencyHelpers
import SMPP
import SMPPNIO
import Testing

/// The receipt hold depends on accepted message_ids being known as soon as the response is read, not when the
/// request's task next gets to run (seconds later on a saturated machine: receipts were published unmatched).
@Suite struct OutboundSubmissionObserveTests {
    /// Hands the result to `observe`, then does not return until released.
    struct HeldSubmitter: SegmentSubmitter {
        let release: AsyncStream<Void>

        func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
            .failure(SMPPClientError(code: .cancelled))
        }

        func submit(
            _ pdu: SubmitSM, tag: UInt64, observe: @escaping @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
        ) async -> Result<SubmitOutcome, SMPPClientError> {
            let result = ScriptedSubmitter.ok("M1")!
            observe(result)
            for await _ in release { break }
            return result
        }
    }

    @Test func anAnswerIsSeenWhenTheSubmitterObservesItNotWhenTheSubmitReturns() async throws {
        let (release, releasing) = AsyncStream<Void>.makeStream()
        let (answers, answered) = AsyncStream<String>.makeStream()
        let policy = RetryPolicy(maxAttempts: 1, initialDelay: 0.01, maxDelay: 0.01, maxAge: 60)
        let running = Task {
            var machine = OutboundRequestMachine(segmentCount: 1, policy: policy, receivedAt: Date())
            return await OutboundSubmission(
                pdus: [SubmitSM(destination: Address(address: "1"), shortMessage: [0])], tags: [1], expiresAt: nil,
                now: { Date() }
            ).run(&machine, submitter: HeldSubmitter(release: release)) { _, answer in
                if case .response(_, let messageID) = answer { answered.yield(messageID) }
            }
        }
        // The answer arrives while the submit is still held: nothing but `observe` can have delivered it.
        var iterator = answers.makeAsyncIterator()
        #expect(await iterator.next() == "M1")
        releasing.yield()
        guard case .finish(let outcome) = await running.value else { Issue.record("not finished"); return }
        #expect(outcome.status == .accepted && outcome.messageIDs == ["M1"])
    }
}
