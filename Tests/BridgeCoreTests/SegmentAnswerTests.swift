import BridgeCore
import SMPP
import SMPPNIO
import Testing

@Suite struct SegmentAnswerTests {
    /// A generic_nack refuses the submit: its status is the answer, and one that claims ESME_ROK (or carries none)
    /// is an SMSC fault retried as ESME_RSYSERR — never an accepted segment without a message_id.
    @Test func aGenericNackIsNeverAnAcceptance() {
        func answer(_ status: UInt32?) -> SegmentAnswer {
            SegmentAnswer(.failure(SMPPClientError(code: .genericNack, commandStatus: status)))
        }
        #expect(answer(0x58) == .response(status: .throttled, messageID: ""))
        #expect(answer(0) == .response(status: .systemError, messageID: ""))
        #expect(answer(nil) == .response(status: .systemError, messageID: ""))
    }
}
