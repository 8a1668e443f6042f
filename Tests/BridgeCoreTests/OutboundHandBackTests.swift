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

    @Test func aRecoveredRequestHandedBackUnsentKeepsItsMark() async throws {
        let fixture = PipelineFixture(submitter: WithdrawingSubmitter(withdrawn: [1]))
        try await fixture.store.markInFlight(id: "again", at: Date(timeIntervalSince1970: 1_000))
        #expect(await fixture.processor.process(fixture.request(#"{"id":"again","to":"+1555","text":"x"}"#)) == .requeue)
        guard case .inFlight? = try await fixture.store.requestState(id: "again") else {
            Issue.record("an earlier attempt may have reached the SMSC: the mark must stay")
            return
        }
    }
}
