import SMPP
import Testing

@Suite struct CommandIDTests {
    /// Reference §2, row by row: id, name, response id.
    static let table: [(UInt32, String, UInt32?)] = [
        (0x0000_0001, "bind_receiver", 0x8000_0001),
        (0x0000_0002, "bind_transmitter", 0x8000_0002),
        (0x0000_0003, "query_sm", 0x8000_0003),
        (0x0000_0004, "submit_sm", 0x8000_0004),
        (0x0000_0005, "deliver_sm", 0x8000_0005),
        (0x0000_0006, "unbind", 0x8000_0006),
        (0x0000_0007, "replace_sm", 0x8000_0007),
        (0x0000_0008, "cancel_sm", 0x8000_0008),
        (0x0000_0009, "bind_transceiver", 0x8000_0009),
        (0x0000_000B, "outbind", nil),
        (0x0000_0015, "enquire_link", 0x8000_0015),
        (0x0000_0021, "submit_multi", 0x8000_0021),
        (0x0000_0102, "alert_notification", nil),
        (0x0000_0103, "data_sm", 0x8000_0103),
        (0x8000_0000, "generic_nack", nil),
    ]

    @Test func referenceTable() {
        for (raw, name, response) in Self.table {
            let id = CommandID(rawValue: raw)
            #expect(id.name == name)
            #expect(id.isKnown)
            #expect(id.responseID?.rawValue == response)
            if let response {
                let responseID = CommandID(rawValue: response)
                #expect(responseID.name == name + "_resp")
                #expect(responseID.isResponse)
                #expect(responseID.responseID == nil)
            }
        }
        #expect(CommandID.allKnown.count == 27)
        #expect(Set(CommandID.allKnown).count == 27)
    }

    @Test func staticConstantsMatchTheTable() {
        #expect(CommandID.submitSM.rawValue == 4)
        #expect(CommandID.submitSMResp == CommandID.submitSM.responseID)
        #expect(CommandID.dataSMResp.rawValue == 0x8000_0103)
        #expect(CommandID.genericNack.isResponse)
        #expect(!CommandID.enquireLink.isResponse)
    }

    @Test func unknownIDsAreRepresentable() {
        for raw: UInt32 in [0x0000_0000, 0x0000_000A, 0x8000_000B, 0x8000_0102, 0x0000_0111, 0xFFFF_FFFF] {
            let id = CommandID(rawValue: raw)
            #expect(!id.isKnown, "\(id)")
            #expect(id.responseID == nil)
            #expect(id.name.hasPrefix("0x") && id.name.count == 10)
        }
        #expect(CommandID(rawValue: 0x111).name == "0x00000111")
    }
}
