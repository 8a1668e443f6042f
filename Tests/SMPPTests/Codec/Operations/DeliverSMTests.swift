import NIOCore
import SMPP
import Testing

@Suite struct DeliverSMTests {
    static let receiptText =
        "id:5F3A9C01 sub:001 dlvrd:001 submit date:2611261530 done date:2611261531 stat:DELIVRD err:000 text:Hello"

    /// A delivery receipt as reference §7 says the simulator should send it: esm_class 0x04, Appendix B text,
    /// receipted_message_id and message_state (plus network_error_code).
    static let receiptOctets = hexBytes("""
        00 00 00 B3             // command_length 179
        00 00 00 05             // command_id deliver_sm
        00 00 00 00             // command_status 0
        00 00 01 00             // sequence_number 256
        00                      // service_type ""
        01 01                   // source_addr_ton 1, source_addr_npi 1 (the original destination)
        35 37 33 30 30 31 32 33 34 35 36 37 00  // source_addr "573001234567"
        05 00                   // dest_addr_ton 5, dest_addr_npi 0 (the original sender)
        41 43 4D 45 00          // destination_addr "ACME"
        04                      // esm_class 0x04: SMSC delivery receipt
        00                      // protocol_id
        00                      // priority_flag
        00                      // schedule_delivery_time "" (must be empty in deliver_sm)
        00                      // validity_period ""
        00                      // registered_delivery
        00                      // replace_if_present_flag
        00                      // data_coding 0
        00                      // sm_default_msg_id
        69                      // sm_length 105
        69 64 3A 35 46 33 41 39 43 30 31 20                                   // "id:5F3A9C01 "
        73 75 62 3A 30 30 31 20 64 6C 76 72 64 3A 30 30 31 20                 // "sub:001 dlvrd:001 "
        73 75 62 6D 69 74 20 64 61 74 65 3A 32 36 31 31 32 36 31 35 33 30 20  // "submit date:2611261530 "
        64 6F 6E 65 20 64 61 74 65 3A 32 36 31 31 32 36 31 35 33 31 20        // "done date:2611261531 "
        73 74 61 74 3A 44 45 4C 49 56 52 44 20 65 72 72 3A 30 30 30 20        // "stat:DELIVRD err:000 "
        74 65 78 74 3A 48 65 6C 6C 6F                                         // "text:Hello"
        00 1E 00 09 35 46 33 41 39 43 30 31 00  // TLV receipted_message_id, length 9, "5F3A9C01"
        04 27 00 01 02          // TLV message_state, length 1, 2 (DELIVERED)
        04 23 00 03 03 00 00    // TLV network_error_code, length 3, GSM (3), error 0
        """)

    static let receipt = PDU(
        .deliverSM(DeliverSM(
            source: Address(ton: 1, npi: 1, address: "573001234567"),
            destination: Address(ton: 5, npi: 0, address: "ACME"),
            esmClass: .deliveryReceipt, shortMessage: Array(receiptText.utf8),
            tlvs: [
                .receiptedMessageID("5F3A9C01"), .messageState(MessageState.delivered),
                .networkErrorCode(NetworkErrorCode(networkType: 3, errorCode: 0)),
            ])),
        sequenceNumber: 256)

    @Test func receiptFixture() throws {
        try expectFixture(Self.receipt, Self.receiptOctets)
        guard case .deliverSM(let deliver) = try decodeBytes(Self.receiptOctets).body else {
            Issue.record("not a deliver_sm")
            return
        }
        #expect(deliver.esmClass.isReceipt)
        #expect(deliver.tlvs.receiptedMessageID == "5F3A9C01")
        #expect(deliver.tlvs.messageState == 2)
        #expect(deliver.tlvs.networkErrorCode == NetworkErrorCode(networkType: 3, errorCode: 0))
        #expect(String(decoding: deliver.shortMessage, as: UTF8.self) == Self.receiptText)
    }

    @Test func deliverSMRespFixture() throws {
        let octets = hexBytes("""
            00 00 00 11             // command_length 17
            80 00 00 05             // command_id deliver_sm_resp
            00 00 00 00             // command_status 0
            00 00 01 00             // sequence_number 256
            00                      // message_id "" (unused, always NUL)
            """)
        try expectFixture(PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: 256), octets)
    }

    @Test func deliverSMRespTemporaryErrorIsHeaderOnly() throws {
        let octets = hexBytes("""
            00 00 00 10             // command_length 16
            80 00 00 05             // command_id deliver_sm_resp
            00 00 00 64             // command_status ESME_RX_T_APPN
            00 00 01 00             // sequence_number 256
            """)
        try expectFixture(
            PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: 256, commandStatus: .receiverTemporaryAppError),
            octets)
    }

    @Test func moWithUDHFixture() throws {
        let octets = hexBytes("""
            00 00 00 3C             // command_length 60
            00 00 00 05             // command_id deliver_sm
            00 00 00 00             // command_status 0
            00 00 00 02             // sequence_number 2
            00                      // service_type ""
            01 01                   // source_addr_ton 1, source_addr_npi 1
            35 37 33 30 30 31 32 33 34 35 36 37 00  // source_addr "573001234567"
            03 00                   // dest_addr_ton 3 (network-specific), dest_addr_npi 0
            31 32 33 34 35 00       // destination_addr "12345"
            40                      // esm_class 0x40: UDHI
            00 00 00 00 00 00       // protocol_id, priority_flag, schedule, validity, registered_delivery, replace
            00                      // data_coding 0
            00                      // sm_default_msg_id
            0A                      // sm_length 10
            05 00 03 2A 02 01       // UDH: 8-bit reference 0x2A, part 1 of 2
            48 6F 6C 61             // "Hola"
            """)
        let pdu = PDU(
            .deliverSM(DeliverSM(
                source: Address(ton: 1, npi: 1, address: "573001234567"),
                destination: Address(ton: 3, npi: 0, address: "12345"), esmClass: .udhIndicator,
                shortMessage: [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01] + Array("Hola".utf8))),
            sequenceNumber: 2)
        try expectFixture(pdu, octets)
    }
}
