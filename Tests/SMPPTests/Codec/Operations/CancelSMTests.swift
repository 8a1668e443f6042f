import NIOCore
import SMPP
import Testing

@Suite struct CancelSMTests {
    @Test func cancelSMFixture() throws {
        let octets = hexBytes("""
            00 00 00 30             // command_length 48
            00 00 00 08             // command_id cancel_sm
            00 00 00 00             // command_status 0
            00 00 00 0B             // sequence_number 11
            00                      // service_type ""
            35 46 33 41 39 43 30 31 00  // message_id "5F3A9C01"
            05 00                   // source_addr_ton 5, source_addr_npi 0
            41 43 4D 45 00          // source_addr "ACME"
            01 01                   // dest_addr_ton 1, dest_addr_npi 1
            35 37 33 30 30 31 32 33 34 35 36 37 00  // destination_addr "573001234567"
            """)
        let pdu = PDU(
            .cancelSM(CancelSM(
                messageID: "5F3A9C01", source: Address(ton: 5, npi: 0, address: "ACME"),
                destination: Address(ton: 1, npi: 1, address: "573001234567"))),
            sequenceNumber: 11)
        try expectFixture(pdu, octets)
    }

    @Test func cancelSMRespFixture() throws {
        let octets = hexBytes("""
            00 00 00 10             // command_length 16
            80 00 00 08             // command_id cancel_sm_resp
            00 00 00 11             // command_status ESME_RCANCELFAIL
            00 00 00 0B             // sequence_number 11
            """)
        try expectFixture(PDU(.cancelSMResp, sequenceNumber: 11, commandStatus: .cancelFailed), octets)
    }

    @Test func cancelSMRespWithABodyIsRejected() {
        let error = decodeError(hexBytes("00000011 80000008 00000000 0000000B 00"))
        #expect(error?.code == .trailingBytes)
        #expect(error?.offset == 16)
    }
}
