import NIOCore
import SMPP
import Testing

@Suite struct QuerySMTests {
    @Test func querySMFixture() throws {
        let octets = hexBytes("""
            00 00 00 20             // command_length 32
            00 00 00 03             // command_id query_sm
            00 00 00 00             // command_status 0
            00 00 00 0A             // sequence_number 10
            35 46 33 41 39 43 30 31 00  // message_id "5F3A9C01"
            05 00                   // source_addr_ton 5, source_addr_npi 0
            41 43 4D 45 00          // source_addr "ACME"
            """)
        let pdu = PDU(
            .querySM(QuerySM(messageID: "5F3A9C01", source: Address(ton: 5, npi: 0, address: "ACME"))),
            sequenceNumber: 10)
        try expectFixture(pdu, octets)
    }

    @Test func querySMRespFixture() throws {
        let octets = hexBytes("""
            00 00 00 2C             // command_length 44
            80 00 00 03             // command_id query_sm_resp
            00 00 00 00             // command_status 0
            00 00 00 0A             // sequence_number 10
            35 46 33 41 39 43 30 31 00  // message_id "5F3A9C01"
            32 36 31 31 32 36 31 35 33 31 30 30 30 30 30 2B 00  // final_date "261126153100000+"
            02                      // message_state 2 (DELIVERED)
            00                      // error_code 0
            """)
        let pdu = PDU(
            .querySMResp(QuerySMResp(
                messageID: "5F3A9C01", finalDate: "261126153100000+", messageState: MessageState.delivered,
                errorCode: 0)),
            sequenceNumber: 10)
        try expectFixture(pdu, octets)
    }

    @Test func querySMRespFailureIsHeaderOnly() throws {
        let octets = hexBytes("""
            00 00 00 10             // command_length 16
            80 00 00 03             // command_id query_sm_resp
            00 00 00 67             // command_status ESME_RQUERYFAIL
            00 00 00 0A             // sequence_number 10
            """)
        try expectFixture(PDU(.querySMResp(QuerySMResp()), sequenceNumber: 10, commandStatus: .queryFailed), octets)
    }

    @Test func trailingOctetsAreRejected() {
        let octets = hexBytes("""
            00 00 00 16             // command_length 22
            00 00 00 03             // command_id query_sm
            00 00 00 00             // command_status 0
            00 00 00 0A             // sequence_number 10
            31 00                   // message_id "1"
            00 00 00                // source_addr_ton, source_addr_npi, source_addr ""
            FF                      // one octet too many: query_sm has no TLVs
            """)
        let error = decodeError(octets)
        #expect(error?.code == .trailingBytes)
        #expect(error?.offset == 21)
        #expect(error?.bytes == [0xFF])
        #expect(error?.commandID == .querySM)
        #expect(error?.sequenceNumber == 10)
    }
}
