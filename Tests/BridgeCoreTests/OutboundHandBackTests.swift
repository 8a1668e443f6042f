import BridgeCore
import Foundation
import SMPP
import SMPPNIO
import Testing

/// A request handed back (shutdown) before anything reached the SMSC forgets its in-flight mark, so its redelivery
/// is submitted as new instead of flagged `possible_duplicate`; one partly sent, or recovered from an earlier
/// attempt's mark, keeps it (DESIGN §3 "In-flight recovery").
@Suite struct OutboundHandBackTests {
    /// Withdraws every send of the parts in `withdrawn` (UDH-8 part numbers; 1 for a single-part message) as a
    /// client shutting down does, and accepts the others.
    final class WithdrawingSubmitter: SegmentSubmitter {
        let withdrawn: Set<UInt8>
        init(withdrawn: Set<UInt8>) { self.withdrawn = withdrawn }

        func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
            let part = pdu.esmClass.contains(.udhIndicator) && pdu.shortMessage.count > 5 ? pdu.shortMessage[5] : 1
            if withdrawn.contains(part) { return .failure(SMPPClientError(code: .shuttingDown)) }
            return .success(SubmitOutcome(
                commandStatus: .ok, messageID: "ID\(part)", sessionIndex: 0, sequenceNumber: 1, latency: .zero))
        }
    }

    @Test func aRequestHandedBackUnsentForgetsItsMark() async throws {
        let fixture = PipelineFixture(submitter: WithdrawingSubmitter(withdrawn: [1]))
        let request = fixture.request(#"{"id":"unsent","to":"+1555","text":"x"}"#)
        #expect(await fixture.processor.process(request) == .requeue)
        #expect(try await fixture.store.requestState(id: "unsent") == nil)
        #expect(fixture.publisher.all.isEmpty)
    }

    @Test func aRequestHandedBackPartlySentKeepsItsMark() async throws {
        let fixture = PipelineFixture(submitter: WithdrawingSubmitter(withdrawn: [2]))
        let text = String(repeating: "x", count: 200)
        #expect(await fixture.processor.process(fixture.request(#"{"id":"half","to":"+1555","text":"\#(text)"}"#)) == .requeue)
        guard case .inFlight? = try await fixture.store.requestState(id: "half") else {
            Issue.record("the mark of a partly sent request must stay")
            return
        }
    }

    /// The accepted part's receipt comes whatever happens to the request: its correlation is stored (it matches on
    /// any instance and after a restart) and leaves this instance's pending set.
    @Test func aRequestHandedBackPartlySentStoresItsAcceptedCorrelations() async throws {
        let fixture = PipelineFixture(submitter: WithdrawingSubmitter(withdrawn: [2]))
        let text = String(repeating: "x", count: 200)
        #expect(await fixture.processor.process(fixture.request(#"{"id":"half","to":"+1555","text":"\#(text)"}"#)) == .requeue)
        let stored = try await fixture.store.correlation(keys: ["ID1"])
        #expect(stored?.requestID == "half" && stored?.segment == 1 && stored?.segments == 2)
        #expect(try await fixture.store.correlation(keys: ["ID2"]) == nil, "part 2 was never sent")
        #expect(fixture.correlator.pendingCount == 0, "left pending for good")
    }

    @Test func aRecoveredRequestHandedBackUnsentKeepsItsMark() async throws {
        let fixture = PipelineFixture(submitter: WithdrawingSubmitter(withdrawn: [1]))
        try await fixture.store.markInFlight(id: "again", at: Date(timeIntervalSince1970: 1_000))
        #expect(await fixture.processor.process(fixture.request(#"{"id":"again","to":"+1555","text":"x"}"#)) == .requeue)
        guard case .inFlight? = try await fixture.store.requestState(id: "again") else {
            Issue.record("an earlier attempt may have reached the SMSC: the mark must stay")
            return
        }
    }

    /// Handed back unsent again and again (restarts, slots lost) after one crash mid-submit: the found count is put
    /// back each time, so it stays that of the crash and the request is still sent, flagged, in the end —
    /// it was failed OUTCOME_UNKNOWN unsent once the hand-backs made up smpp.max_attempts (review finding).
    @Test func handBacksOfARecoveredRequestDoNotCountTowardMaxAttempts() async throws {
        let crashed = Date(timeIntervalSince1970: 1_000)
        let withdrawing = PipelineFixture(submitter: WithdrawingSubmitter(withdrawn: [1]))
        try await withdrawing.store.markInFlight(id: "again", at: crashed)
        for _ in 0..<3 {
            #expect(await withdrawing.processor.process(withdrawing.request(#"{"id":"again","to":"+1555","text":"x"}"#)) == .requeue)
            guard case .inFlight(let since, let marks)? = try await withdrawing.store.requestState(id: "again") else {
                Issue.record("the request must stay in flight (its redelivery flagged)"); return
            }
            #expect(marks == 1 && since > crashed, "counted once, aging from the latest hand-back")
        }
    }

    /// Shutdown came after the send was written; the SMSC then refused it for now (attempts and age left): the
    /// request is handed back with its mark, on either path, not failed after one attempt.
    @Test(.timeLimit(.minutes(1)), arguments: [true, false])
    func aSendRefusedAfterShutdownBeganIsHandedBackWithItsMark(callbacks: Bool) async throws {
        let submitter = HoldingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let request = fixture.request(#"{"id":"refused","to":"+1555","text":"x"}"#)
        let (settlements, settled) = AsyncStream<Settlement>.makeStream()
        let shutDown: @Sendable () -> Void
        if callbacks {
            guard case .callbacks(let callbackRequest) = fixture.processor.start(request) else {
                Issue.record("not on the callback path"); return
            }
            callbackRequest.start { settled.yield($0) }
            shutDown = callbackRequest.cancel
        } else {
            let task = Task { settled.yield(await fixture.processor.process(request)) }
            shutDown = { task.cancel() }
        }
        try await submitter.waitForSends(1)
        submitter.markWritten(0)
        shutDown()
        submitter.answer(0, ScriptedSubmitter.status(.throttled)!)
        var iterator = settlements.makeAsyncIterator()
        #expect(await iterator.next() == .requeue)
        #expect(fixture.publisher.all.isEmpty && submitter.sends.withLockedValue { $0 } == 1)
        guard case .inFlight? = try await fixture.store.requestState(id: "refused") else {
            Issue.record("a request whose send was written keeps its mark")
            return
        }
    }
}
