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
}
