import NIOCore
import SMPP
import Testing

@Suite struct EncodeErrorTests {
    func encodeError(_ pdu: PDU) -> SMPPEncodeError? {
        var buffer = ByteBuffer(bytes: [0xEE])
        do {
            try pdu.encode(into: &buffer)
            Issue.record("expected an encode error")
            return nil
        } catch {
            #expect(Array(buffer.readableBytesView) == [0xEE], "a failed encode must leave nothing behind")
            return error
        }
    }

    @Test func shortMessageOver254() {
        let pdu = PDU(
            .submitSM(SubmitSM(destination: Address(address: "1"), shortMessage: [UInt8](repeating: 1, count: 255))),
            sequenceNumber: 1)
        let error = encodeError(pdu)
        #expect(error?.code == .fieldTooLong)
        #expect(error?.field == "short_message")
    }

    @Test func tlvOver65535() {
        let pdu = PDU(
            .dataSM(DataSM(
                destination: Address(address: "1"), tlvs: [.messagePayload([UInt8](repeating: 0, count: 65_536))])),
            sequenceNumber: 1)
        let error = encodeError(pdu)
        #expect(error?.code == .fieldTooLong)
        #expect(error?.field == "message_payload")
    }

    @Test func cStringOverItsMaximum() {
        let pdu = PDU(
            .submitSM(SubmitSM(destination: Address(address: String(repeating: "1", count: 21)))), sequenceNumber: 1)
        #expect(encodeError(pdu)?.field == "destination_addr")
        let service = PDU(.submitSM(SubmitSM(serviceType: "ABCDEF", destination: Address())), sequenceNumber: 1)
        #expect(encodeError(service)?.field == "service_type")
    }

    @Test func charactersACOctetStringCannotHold() {
        for text in ["a\u{0}b", "€", "日本", "😀"] {
            let pdu = PDU(.submitSMResp(SubmitSMResp(messageID: text)), sequenceNumber: 1)
            #expect(encodeError(pdu)?.code == .invalidCharacter, "\(text)")
        }
    }

    @Test func timesMustBeEmptyOr16() {
        let pdu = PDU(
            .submitSM(SubmitSM(destination: Address(), validityPeriod: "0000010000R")), sequenceNumber: 1)
        let error = encodeError(pdu)
        #expect(error?.code == .invalidTime)
        #expect(error?.field == "validity_period")
    }

    @Test func okResponsesAlwaysCarryTheirBody() throws {
        // With ESME_ROK, an empty message_id is still written as its NUL (17 octets).
        #expect(try encodeToBytes(PDU(.submitSMResp(SubmitSMResp()), sequenceNumber: 1)).count == 17)
        // With an error and a TLV, the body is written too.
        let withTLV = PDU(
            .dataSMResp(DataSMResp(tlvs: [.deliveryFailureReason(0)])), sequenceNumber: 1,
            commandStatus: .deliveryFailure)
        #expect(try encodeToBytes(withTLV).count == 22)
        #expect(try decodeBytes(try encodeToBytes(withTLV)) == withTLV)
    }

    @Test func encodedAppendsAfterExistingOctets() throws {
        var buffer = ByteBuffer(bytes: [1, 2, 3])
        try PDU(.enquireLink, sequenceNumber: 5).encode(into: &buffer)
        #expect(Array(buffer.readableBytesView) == [1, 2, 3] + hexBytes("00000010 00000015 00000000 00000005"))
        #expect(try PDU(.enquireLink, sequenceNumber: 5).encoded().readableBytes == 16)
    }
}
