import Testing

@testable import SMSCSimulator

@Suite struct MessageIDGeneratorTests {
    @Test func hexIdsArePaddedUpperCaseAndUnique() {
        var generator = MessageIDGenerator(format: .hex, start: 0xABC)
        let ids = (0..<1000).map { _ in generator.next() }
        #expect(ids[0].text == "00000ABC")
        #expect(ids[1].text == "00000ABD")
        #expect(Set(ids.map(\.text)).count == 1000)
    }

    @Test func decimalIds() {
        var generator = MessageIDGenerator(format: .dec, start: 1_597_676_545)
        #expect(generator.next().text == "1597676545")
        #expect(generator.next().text == "1597676546")
    }

    @Test func receiptBaseConversion() {
        #expect(MessageIDFormat.hex.render(0x5F3A_9C01) == "5F3A9C01")
        #expect(MessageIDFormat.dec.render(0x5F3A_9C01) == "1597676545")
        #expect(MessageIDFormat.hex.parse("5F3A9C01") == 0x5F3A_9C01)
        #expect(MessageIDFormat.dec.parse("5F3A9C01") == nil)
        #expect(MessageIDFormat.hex.render(0x1_0000_0000) == "100000000")
    }

    @Test func wrapsInsteadOfTrapping() {
        var generator = MessageIDGenerator(format: .dec, start: UInt64.max)
        #expect(generator.next().value == UInt64.max)
        #expect(generator.next().value == 1)
    }
}
