import NIOCore
import SMPP
import Testing

@Suite struct HeaderOnlyTests {
    static let cases: [(PDUBody, UInt32)] = [
        (.unbind, 0x0000_0006), (.unbindResp, 0x8000_0006), (.genericNack, 0x8000_0000),
        (.enquireLink, 0x0000_0015), (.enquireLinkResp, 0x8000_0015),
    ]

    @Test func headerOnlyFixtures() throws {
        for (body, id) in Self.cases {
            let octets = hexBytes("""
                00 00 00 10             // command_length 16: header only
                \(String(id, radix: 16).leftPadded(8))  // command_id
                00 00 00 00             // command_status 0
                7F FF FF FF             // sequence_number 0x7FFFFFFF (the largest the spec allows)
                """)
            try expectFixture(PDU(body, sequenceNumber: 0x7FFF_FFFF), octets)
        }
    }

    @Test func genericNackWithStatusFixture() throws {
        let octets = hexBytes("""
            00 00 00 10             // command_length 16
            80 00 00 00             // command_id generic_nack
            00 00 00 03             // command_status ESME_RINVCMDID
            00 00 00 2A             // sequence_number 42
            """)
        try expectFixture(PDU(.genericNack, sequenceNumber: 42, commandStatus: .invalidCommandID), octets)
    }

    @Test func headerOnlyPDUsRejectABody() {
        for (_, id) in Self.cases {
            var octets = hexBytes("00000012 00000000 00000000 00000001 0000")
            octets[4] = UInt8(id >> 24)
            octets[7] = UInt8(id & 0xFF)
            octets[6] = UInt8((id >> 8) & 0xFF)
            #expect(decodeError(octets)?.code == .trailingBytes)
        }
    }

    @Test func unknownCommandKeepsItsBody() throws {
        let octets = hexBytes("""
            00 00 00 13             // command_length 19
            00 00 01 11             // command_id 0x111 (broadcast_sm, SMPP 5.0 only)
            00 00 00 00             // command_status 0
            00 00 00 05             // sequence_number 5
            AA BB CC                // body, kept as is
            """)
        let pdu = PDU(.unknown(CommandID(rawValue: 0x111), [0xAA, 0xBB, 0xCC]), sequenceNumber: 5)
        try expectFixture(pdu, octets)
        #expect(!pdu.commandID.isKnown)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
