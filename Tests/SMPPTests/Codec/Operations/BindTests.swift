import NIOCore
import SMPP
import Testing

@Suite struct BindTests {
    static let body = BindRequest(
        systemID: "esme01", password: "secret", systemType: "VMA", interfaceVersion: 0x34,
        addressRange: Address(ton: 1, npi: 1, address: ""))

    /// The bind body shared by all three binds (reference §3), after a header with `commandID`.
    static func bindOctets(_ commandID: String) -> [UInt8] {
        hexBytes("""
            00 00 00 26             // command_length 38
            \(commandID)            // command_id
            00 00 00 00             // command_status 0
            00 00 00 01             // sequence_number 1
            65 73 6D 65 30 31 00    // system_id "esme01"
            73 65 63 72 65 74 00    // password "secret"
            56 4D 41 00             // system_type "VMA"
            34                      // interface_version 0x34
            01                      // addr_ton 1
            01                      // addr_npi 1
            00                      // address_range ""
            """)
    }

    @Test func bindTransmitterFixture() throws {
        try expectFixture(PDU(.bindTransmitter(Self.body), sequenceNumber: 1), Self.bindOctets("00 00 00 02"))
    }

    @Test func bindReceiverFixture() throws {
        try expectFixture(PDU(.bindReceiver(Self.body), sequenceNumber: 1), Self.bindOctets("00 00 00 01"))
    }

    @Test func bindTransceiverFixture() throws {
        try expectFixture(PDU(.bindTransceiver(Self.body), sequenceNumber: 1), Self.bindOctets("00 00 00 09"))
    }

    @Test func bindResponsesWithSCInterfaceVersion() throws {
        let response = BindResponse(systemID: "SMSC", tlvs: [.scInterfaceVersion(0x34)])
        for (id, body) in [
            ("80 00 00 02", PDUBody.bindTransmitterResp(response)),
            ("80 00 00 01", PDUBody.bindReceiverResp(response)),
            ("80 00 00 09", PDUBody.bindTransceiverResp(response)),
        ] {
            let octets = hexBytes("""
                00 00 00 1A             // command_length 26
                \(id)                   // command_id bind_*_resp
                00 00 00 00             // command_status 0
                00 00 00 01             // sequence_number 1
                53 4D 53 43 00          // system_id "SMSC"
                02 10 00 01 34          // TLV sc_interface_version (0x0210), length 1, 0x34
                """)
            let pdu = PDU(body, sequenceNumber: 1)
            try expectFixture(pdu, octets)
            if case .bindTransceiverResp(let decoded) = pdu.body { #expect(decoded.tlvs.scInterfaceVersion == 0x34) }
        }
    }

    @Test func bindResponseWithoutTLVs() throws {
        let octets = hexBytes("""
            00 00 00 15             // command_length 21
            80 00 00 09             // command_id bind_transceiver_resp
            00 00 00 00             // command_status 0
            00 00 00 02             // sequence_number 2
            53 4D 53 43 00          // system_id "SMSC"
            """)
        try expectFixture(PDU(.bindTransceiverResp(BindResponse(systemID: "SMSC")), sequenceNumber: 2), octets)
    }

    @Test func headerOnlyBindFailure() throws {
        let octets = hexBytes("""
            00 00 00 10             // command_length 16, no body (reference §1, "Response bodies on error")
            80 00 00 02             // command_id bind_transmitter_resp
            00 00 00 0E             // command_status ESME_RINVPASWD
            00 00 00 01             // sequence_number 1
            """)
        try expectFixture(
            PDU(.bindTransmitterResp(BindResponse()), sequenceNumber: 1, commandStatus: .invalidPassword), octets)
    }

    @Test func failedBindWithSystemIDKeepsItsBody() throws {
        let pdu = PDU(
            .bindTransmitterResp(BindResponse(systemID: "SMSC")), sequenceNumber: 1, commandStatus: .bindFailed)
        let octets = try encodeToBytes(pdu)
        #expect(octets.count == 21)
        #expect(try decodeBytes(octets) == pdu)
    }

    @Test func interfaceVersion33BindIsDecodable() throws {
        let octets = hexBytes("""
            00 00 00 19             // command_length 25
            00 00 00 02             // command_id bind_transmitter
            00 00 00 00             // command_status 0
            00 00 00 03             // sequence_number 3
            61 00                   // system_id "a"
            62 00                   // password "b"
            00                      // system_type ""
            33                      // interface_version 0x33 (SMPP 3.3)
            00 00                   // addr_ton 0, addr_npi 0
            00                      // address_range ""
            """)
        let pdu = try decodeBytes(octets)
        let expected = BindRequest(systemID: "a", password: "b", interfaceVersion: 0x33)
        #expect(pdu == PDU(.bindTransmitter(expected), sequenceNumber: 3))
    }

    @Test func outbindFixture() throws {
        let octets = hexBytes("""
            00 00 00 18             // command_length 24
            00 00 00 0B             // command_id outbind
            00 00 00 00             // command_status 0
            00 00 00 04             // sequence_number 4
            53 4D 53 43 00          // system_id "SMSC"
            70 77 00                // password "pw"
            """)
        try expectFixture(PDU(.outbind(Outbind(systemID: "SMSC", password: "pw")), sequenceNumber: 4), octets)
    }

    @Test func maximumLengthsCountTheNUL() throws {
        let longest = BindRequest(
            systemID: String(repeating: "s", count: 15), password: String(repeating: "p", count: 8),
            systemType: String(repeating: "t", count: 12),
            addressRange: Address(address: String(repeating: "r", count: 40)))
        let pdu = PDU(.bindTransceiver(longest), sequenceNumber: 9)
        #expect(try decodeBytes(try encodeToBytes(pdu)) == pdu)
        var tooLong = longest
        tooLong.systemID += "s"
        #expect(throws: SMPPEncodeError.self) {
            _ = try encodeToBytes(PDU(.bindTransceiver(tooLong), sequenceNumber: 9))
        }
        tooLong = longest
        tooLong.password += "p"
        #expect(throws: SMPPEncodeError.self) {
            _ = try encodeToBytes(PDU(.bindTransceiver(tooLong), sequenceNumber: 9))
        }
    }
}
