import NIOCore
import SMPP
import Testing

@Suite struct DataSMTests {
    @Test func dataSMFixture() throws {
        let octets = hexBytes("""
            00 00 00 41             // command_length 65
            00 00 01 03             // command_id data_sm
            00 00 00 00             // command_status 0
            00 00 00 0C             // sequence_number 12
            57 41 50 00             // service_type "WAP"
            05 00                   // source_addr_ton 5, source_addr_npi 0
            41 43 4D 45 00          // source_addr "ACME"
            01 01                   // dest_addr_ton 1, dest_addr_npi 1
            35 37 33 30 30 31 32 33 34 35 36 37 00  // destination_addr "573001234567"
            00                      // esm_class 0
            01                      // registered_delivery 1
            04                      // data_coding 4 (8-bit binary)
            04 24 00 04 48 6F 6C 61 // TLV message_payload, length 4, "Hola"
            02 0A 00 02 23 F0       // TLV source_port, length 2, 9200
            02 0B 00 02 0B 84       // TLV destination_port, length 2, 2948
            """)
        let pdu = PDU(
            .dataSM(DataSM(
                serviceType: "WAP", source: Address(ton: 5, npi: 0, address: "ACME"),
                destination: Address(ton: 1, npi: 1, address: "573001234567"), registeredDelivery: 1, dataCoding: 4,
                tlvs: [.messagePayload(Array("Hola".utf8)), .sourcePort(9200), .destinationPort(2948)])),
            sequenceNumber: 12)
        try expectFixture(pdu, octets)
        guard case .dataSM(let body) = pdu.body else { return }
        #expect(body.tlvs.messagePayload == Array("Hola".utf8))
        #expect(body.tlvs.sourcePort == 9200)
        #expect(body.tlvs.destinationPort == 2948)
    }

    @Test func dataSMRespFixture() throws {
        let octets = hexBytes("""
            00 00 00 1F             // command_length 31
            80 00 01 03             // command_id data_sm_resp
            00 00 00 FE             // command_status ESME_RDELIVERYFAILURE
            00 00 00 0C             // sequence_number 12
            6D 39 00                // message_id "m9"
            04 25 00 01 01          // TLV delivery_failure_reason, length 1, 1 (invalid address)
            04 23 00 03 03 00 22    // TLV network_error_code, length 3, GSM, error 34
            """)
        let pdu = PDU(
            .dataSMResp(DataSMResp(
                messageID: "m9",
                tlvs: [.deliveryFailureReason(1), .networkErrorCode(NetworkErrorCode(networkType: 3, errorCode: 34))])),
            sequenceNumber: 12, commandStatus: .deliveryFailure)
        try expectFixture(pdu, octets)
    }

    @Test func addressesUpTo64CharactersAreAccepted() throws {
        let long = String(repeating: "7", count: 64)
        let pdu = PDU(
            .dataSM(DataSM(source: Address(address: long), destination: Address(address: long))), sequenceNumber: 1)
        #expect(try decodeBytes(try encodeToBytes(pdu)) == pdu)
        let tooLong = PDU(.dataSM(DataSM(destination: Address(address: long + "7"))), sequenceNumber: 1)
        #expect(throws: SMPPEncodeError.self) { _ = try encodeToBytes(tooLong) }
    }
}
