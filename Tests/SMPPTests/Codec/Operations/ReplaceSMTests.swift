import NIOCore
import SMPP
import Testing

@Suite struct ReplaceSMTests {
    @Test func replaceSMFixture() throws {
        let octets = hexBytes("""
            00 00 00 38             // command_length 56
            00 00 00 07             // command_id replace_sm
            00 00 00 00             // command_status 0
            00 00 00 0C             // sequence_number 12
            35 46 33 41 39 43 30 31 00  // message_id "5F3A9C01"
            05 00                   // source_addr_ton 5, source_addr_npi 0
            41 43 4D 45 00          // source_addr "ACME"
            00                      // schedule_delivery_time ""
            30 30 30 30 30 31 30 30 30 30 30 30 30 30 30 52 00  // validity_period "000001000000000R" (1 day)
            01                      // registered_delivery 1
            00                      // sm_default_msg_id 0
            03                      // sm_length 3
            4E 65 77                // short_message "New"
            """)
        let pdu = PDU(
            .replaceSM(ReplaceSM(
                messageID: "5F3A9C01", source: Address(ton: 5, npi: 0, address: "ACME"),
                validityPeriod: "000001000000000R", registeredDelivery: 1, shortMessage: Array("New".utf8))),
            sequenceNumber: 12)
        try expectFixture(pdu, octets)
    }

    @Test func replaceSMRespFixture() throws {
        let octets = hexBytes("""
            00 00 00 10             // command_length 16
            80 00 00 07             // command_id replace_sm_resp
            00 00 00 00             // command_status 0
            00 00 00 0C             // sequence_number 12
            """)
        try expectFixture(PDU(.replaceSMResp, sequenceNumber: 12), octets)
    }
}
