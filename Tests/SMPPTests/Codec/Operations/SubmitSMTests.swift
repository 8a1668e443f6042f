import NIOCore
import SMPP
import Testing

@Suite struct SubmitSMTests {
    /// submit_sm, hand-assembled from reference §1 and §3.
    static let submitSMBytes = hexBytes("""
        00 00 00 3C             // command_length 60
        00 00 00 04             // command_id submit_sm
        00 00 00 00             // command_status ESME_ROK
        00 00 00 07             // sequence_number 7
        00                      // service_type ""
        05 00                   // source_addr_ton 5 (alphanumeric), source_addr_npi 0
        41 43 4D 45 00          // source_addr "ACME"
        01 01                   // dest_addr_ton 1 (international), dest_addr_npi 1 (ISDN)
        35 37 33 30 30 31 32 33 34 35 36 37 00  // destination_addr "573001234567"
        00                      // esm_class 0
        00                      // protocol_id 0
        00                      // priority_flag 0
        00                      // schedule_delivery_time ""
        00                      // validity_period ""
        01                      // registered_delivery 1 (receipt on success or failure)
        00                      // replace_if_present_flag 0
        00                      // data_coding 0 (SMSC default alphabet)
        00                      // sm_default_msg_id 0
        05                      // sm_length 5
        48 65 6C 6C 6F          // short_message "Hello"
        02 04 00 02 00 2A       // TLV user_message_reference (0x0204), length 2, value 42
        """)

    static let submitSM = PDU(
        .submitSM(SubmitSM(
            source: Address(ton: 5, npi: 0, address: "ACME"),
            destination: Address(ton: 1, npi: 1, address: "573001234567"),
            registeredDelivery: 1, shortMessage: Array("Hello".utf8), tlvs: [.userMessageReference(42)])),
        sequenceNumber: 7)

    @Test func submitSMFixture() throws {
        try expectFixture(Self.submitSM, Self.submitSMBytes)
    }

    @Test func submitSMRespFixture() throws {
        let octets = hexBytes("""
            00 00 00 19             // command_length 25
            80 00 00 04             // command_id submit_sm_resp
            00 00 00 00             // command_status ESME_ROK
            00 00 00 07             // sequence_number 7
            35 46 33 41 39 43 30 31 00  // message_id "5F3A9C01"
            """)
        try expectFixture(PDU(.submitSMResp(SubmitSMResp(messageID: "5F3A9C01")), sequenceNumber: 7), octets)
    }

    @Test func headerOnlyErrorResponse() throws {
        let octets = hexBytes("""
            00 00 00 10             // command_length 16: header only
            80 00 00 04             // command_id submit_sm_resp
            00 00 00 58             // command_status ESME_RTHROTTLED
            00 00 00 09             // sequence_number 9
            """)
        try expectFixture(
            PDU(.submitSMResp(SubmitSMResp()), sequenceNumber: 9, commandStatus: .throttled), octets)
    }
}
