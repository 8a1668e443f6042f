import SMPP
import Testing

@Suite struct ESMClassTests {
    @Test func bitsAreTestedNotWholeBytes() {
        // SMSCs send receipts as 0x04 or 0x44 (reference §6).
        #expect(ESMClass(rawValue: 0x04).isReceipt)
        #expect(ESMClass(rawValue: 0x44).isReceipt)
        #expect(ESMClass(rawValue: 0x44).hasUDH)
        #expect(ESMClass(rawValue: 0x20).isReceipt)  // intermediate notification
        #expect(!ESMClass(rawValue: 0x40).isReceipt)
        #expect(!ESMClass(rawValue: 0x03).isReceipt)
        #expect(ESMClass(rawValue: 0xC7).messagingMode == 0x03)
        #expect(ESMClass(rawValue: 0xC7).messageType == 0x04)
        #expect(ESMClass([.udhIndicator, .storeAndForwardMode]).rawValue == 0x43)
        #expect(ESMClass(rawValue: 0x44).contains(.deliveryReceipt))
    }

    /// Message types 0x08, 0x10 and 0x18 are SME acknowledgements (with UDHI or reply path too); reserved types with
    /// the receipt or intermediate bit stay receipts; a normal message is neither.
    @Test func smeAcknowledgementsAreNeitherReceiptsNorMessages() {
        for raw: UInt8 in [0x08, 0x10, 0x18, 0x48, 0x88, 0x0B] {
            #expect(ESMClass(rawValue: raw).isSMEAcknowledgement && !ESMClass(rawValue: raw).isReceipt, "\(raw)")
        }
        for raw: UInt8 in [0x04, 0x0C, 0x20, 0x24, 0x3C, 0x44] {
            #expect(ESMClass(rawValue: raw).isReceipt && !ESMClass(rawValue: raw).isSMEAcknowledgement, "\(raw)")
        }
        for raw: UInt8 in [0x00, 0x03, 0x40, 0x80, 0xC0] {
            #expect(!ESMClass(rawValue: raw).isReceipt && !ESMClass(rawValue: raw).isSMEAcknowledgement, "\(raw)")
        }
        #expect(ESMClass(rawValue: 0x48).messageTypeName == "sme_delivery_acknowledgement")
        #expect(ESMClass(rawValue: 0x10).messageTypeName == "sme_manual_acknowledgement")
        #expect(ESMClass(rawValue: 0x18).messageTypeName == "conversation_abort")
        #expect(ESMClass(rawValue: 0x44).messageTypeName == "delivery_receipt")
        #expect(ESMClass(rawValue: 0x0C).messageTypeName == "reserved_0x0C")
        #expect(ESMClass(rawValue: 0x80).messageTypeName == "mo")
    }
}
