import NIOCore
import SMPP
import Testing

@Suite struct SMPPPDUEncoderTests {
    @Test func writesTheSameOctetsAsEncode() throws {
        var out = ByteBuffer()
        for pdu in samplePDUs { try SMPPPDUEncoder().encode(data: pdu, out: &out) }
        var expected = ByteBuffer()
        for pdu in samplePDUs { try pdu.encode(into: &expected) }
        #expect(out == expected)
    }

    @Test func throwsTheEncodeError() {
        var out = ByteBuffer()
        let pdu = PDU(.submitSMResp(SubmitSMResp(messageID: String(repeating: "1", count: 65))), sequenceNumber: 1)
        #expect(throws: SMPPEncodeError.self) { try SMPPPDUEncoder().encode(data: pdu, out: &out) }
        #expect(out.readableBytes == 0)
    }
}
