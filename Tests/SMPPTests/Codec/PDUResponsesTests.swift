import SMPP
import Testing

@Suite struct PDUResponsesTests {
    @Test func everyRequestHasItsResponse() throws {
        for request in samplePDUs where !request.commandID.isResponse {
            let response = request.response(status: .invalidBindStatus)
            switch request.commandID {
            case .outbind, .alertNotification:
                #expect(response == nil)
            default:
                let answer = try #require(response, "\(request.commandID.name)")
                #expect(answer.sequenceNumber == request.sequenceNumber)
                #expect(answer.commandStatus == .invalidBindStatus)
                if request.commandID.isKnown {
                    #expect(answer.commandID == request.commandID.responseID)
                    // With an error status the empty response is header only (reference §1).
                    #expect(try encodeToBytes(answer).count == 16)
                } else {
                    #expect(answer.commandID == .genericNack)
                }
            }
        }
    }

    @Test func responsesAreNotAnswered() {
        for response in samplePDUs where response.commandID.isResponse {
            #expect(response.response() == nil)
        }
    }

    @Test func explicitBodyIsUsed() {
        let request = PDU(.submitSM(SubmitSM(destination: Address(address: "1"))), sequenceNumber: 77)
        let answer = request.response(body: .submitSMResp(SubmitSMResp(messageID: "abc")))
        #expect(answer == PDU(.submitSMResp(SubmitSMResp(messageID: "abc")), sequenceNumber: 77))
    }

    @Test func genericNackForDecodeErrors() {
        let lengthError = SMPPDecodeError(
            code: .invalidCommandLength, commandID: .submitSM, sequenceNumber: 9, offset: 0, bytes: [], reason: "x")
        let lengthNack = PDU(.genericNack, sequenceNumber: 0, commandStatus: .invalidCommandLength)
        #expect(PDU.genericNack(for: lengthError) == lengthNack)
        let bodyError = SMPPDecodeError(
            code: .missingNullTerminator, commandID: .submitSM, sequenceNumber: 9, offset: 20, bytes: [], reason: "x")
        let bodyNack = PDU(.genericNack, sequenceNumber: 9, commandStatus: .invalidMessageLength)
        #expect(PDU.genericNack(for: bodyError) == bodyNack)
        let tlvError = SMPPDecodeError(
            code: .invalidTLV, commandID: .submitSM, sequenceNumber: 3, offset: 20, bytes: [], reason: "x")
        #expect(PDU.genericNack(for: tlvError).commandStatus == .invalidOptionalParameterStream)
    }
}
