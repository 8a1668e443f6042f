import NIOCore
import SMPP
import Testing

@Suite struct SubmitMultiTests {
    @Test func submitMultiFixture() throws {
        let octets = hexBytes("""
            00 00 00 3E             // command_length 62
            00 00 00 21             // command_id submit_multi
            00 00 00 00             // command_status 0
            00 00 00 0D             // sequence_number 13
            00                      // service_type ""
            05 00                   // source_addr_ton 5, source_addr_npi 0
            41 43 4D 45 00          // source_addr "ACME"
            02                      // number_of_dests 2
            01                      // dest_flag 1: SME address
            01 01                   // dest_addr_ton 1, dest_addr_npi 1
            35 37 33 30 30 31 32 33 34 35 36 37 00  // destination_addr "573001234567"
            02                      // dest_flag 2: distribution list
            66 72 69 65 6E 64 73 00 // dl_name "friends"
            00                      // esm_class
            00                      // protocol_id
            01                      // priority_flag 1
            00                      // schedule_delivery_time ""
            00                      // validity_period ""
            01                      // registered_delivery 1
            00                      // replace_if_present_flag
            00                      // data_coding
            00                      // sm_default_msg_id
            02                      // sm_length 2
            48 69                   // short_message "Hi"
            """)
        let pdu = PDU(
            .submitMulti(SubmitMulti(
                source: Address(ton: 5, npi: 0, address: "ACME"),
                destinations: [.sme(Address(ton: 1, npi: 1, address: "573001234567")), .distributionList("friends")],
                priorityFlag: 1, registeredDelivery: 1, shortMessage: Array("Hi".utf8))),
            sequenceNumber: 13)
        try expectFixture(pdu, octets)
    }

    @Test func submitMultiRespFixture() throws {
        let octets = hexBytes("""
            00 00 00 2D             // command_length 45
            80 00 00 21             // command_id submit_multi_resp
            00 00 00 00             // command_status 0
            00 00 00 0D             // sequence_number 13
            35 46 33 41 39 43 30 31 00  // message_id "5F3A9C01"
            01                      // no_unsuccess 1
            01 01                   // dest_addr_ton 1, dest_addr_npi 1
            35 37 33 30 30 31 32 33 34 35 36 37 00  // destination_addr "573001234567"
            00 00 00 0B             // error_status_code ESME_RINVDSTADR
            """)
        let pdu = PDU(
            .submitMultiResp(SubmitMultiResp(
                messageID: "5F3A9C01",
                unsuccessful: [.init(
                    address: Address(ton: 1, npi: 1, address: "573001234567"),
                    errorStatus: .invalidDestinationAddress)])),
            sequenceNumber: 13)
        try expectFixture(pdu, octets)
    }

    @Test func unknownDestFlagIsRejected() {
        let octets = hexBytes("""
            00 00 00 16             // command_length 22
            00 00 00 21             // command_id submit_multi
            00 00 00 00             // command_status 0
            00 00 00 0D             // sequence_number 13
            00 00 00 00             // service_type "", source_addr_ton, source_addr_npi, source_addr ""
            01                      // number_of_dests 1
            03                      // dest_flag 3: not defined
            """)
        let error = decodeError(octets)
        #expect(error?.code == .invalidFieldValue)
        #expect(error?.offset == 21)
        #expect(error?.bytes == [3])
    }

    @Test func tooManyDestinationsIsAnEncodeError() {
        let many = [SubmitMulti.Destination](repeating: .distributionList("x"), count: 255)
        #expect(throws: SMPPEncodeError.self) {
            _ = try encodeToBytes(PDU(.submitMulti(SubmitMulti(destinations: many)), sequenceNumber: 1))
        }
        let most = [SubmitMulti.Destination](repeating: .distributionList("x"), count: 254)
        let pdu = PDU(.submitMulti(SubmitMulti(destinations: most)), sequenceNumber: 1)
        #expect((try? decodeBytes(try encodeToBytes(pdu))) == pdu)
    }
}
