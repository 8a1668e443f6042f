import NIOCore
import SMPP
import Testing

@Suite struct AlertNotificationTests {
    @Test func alertNotificationFixture() throws {
        let octets = hexBytes("""
            00 00 00 2B             // command_length 43
            00 00 01 02             // command_id alert_notification
            00 00 00 00             // command_status 0
            00 00 00 0E             // sequence_number 14
            01 01                   // source_addr_ton 1, source_addr_npi 1
            35 37 33 30 30 31 32 33 34 35 36 37 00  // source_addr "573001234567"
            05 00                   // esme_addr_ton 5, esme_addr_npi 0
            41 43 4D 45 00          // esme_addr "ACME"
            04 22 00 01 00          // TLV ms_availability_status, length 1, 0 (available)
            """)
        let pdu = PDU(
            .alertNotification(AlertNotification(
                source: Address(ton: 1, npi: 1, address: "573001234567"),
                esme: Address(ton: 5, npi: 0, address: "ACME"),
                tlvs: [.msAvailabilityStatus(0)])),
            sequenceNumber: 14)
        try expectFixture(pdu, octets)
    }

    @Test func sourceAddressIsReadLeniently() throws {
        // 3.4 implementations check 21; the 5.0 text gives 65 (reference §3): a 40-digit source still decodes.
        let source = String(repeating: "4", count: 40)
        let octets = hexBytes("00000000 00000102 00000000 00000001 0101")
            + Array(source.utf8) + [0, 5, 0] + Array("ACME".utf8) + [0]
        var fixed = octets
        fixed[3] = UInt8(octets.count)
        guard case .alertNotification(let alert) = try decodeBytes(fixed).body else {
            Issue.record("not an alert_notification")
            return
        }
        #expect(alert.source.address == source)
    }
}
