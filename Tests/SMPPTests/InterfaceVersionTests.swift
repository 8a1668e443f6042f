import SMPP
import Testing

@Test func interfaceVersionIsSMPP34() {
    #expect(InterfaceVersion.smpp34 == 0x34)
}
