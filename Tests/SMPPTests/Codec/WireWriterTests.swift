import Testing

@testable import SMPP

@Suite struct WireWriterTests {
    @Test func neverWritesPastItsLimit() throws {
        var memory = [UInt8](repeating: 0xEE, count: 8)
        let outcome = memory.withUnsafeMutableBytes { raw -> (count: Int, overflowed: Bool) in
            var writer = WireWriter(into: raw, limit: 6)
            writer.writeInteger(UInt32(0x0102_0304))
            writer.writeInteger(UInt32(0x0506_0708))  // does not fit: skipped, flagged
            writer.writeInteger(UInt8(9))  // offset 8, past the limit too: counted, never written
            return (writer.count, writer.overflowed)
        }
        #expect(outcome.overflowed)
        #expect(outcome.count == 9)
        #expect(memory == [1, 2, 3, 4, 0xEE, 0xEE, 0xEE, 0xEE])
    }

    @Test func countingMatchesWriting() throws {
        for pdu in samplePDUs {
            var counter = WireWriter()
            try pdu.body.encode(into: &counter)
            #expect(try encodeToBytes(pdu).count == 16 + counter.count || pdu.commandStatus != .ok)
        }
    }

    @Test func latin1AndASCIIPaths() throws {
        var memory = [UInt8](repeating: 0, count: 16)
        try memory.withUnsafeMutableBytes { raw in
            var writer = WireWriter(into: raw, limit: 16)
            try writer.writeCString("AB", field: "a", max: 3)
            try writer.writeCString("é", field: "b", max: 2)
            #expect(throws: SMPPEncodeError.self) { try writer.writeCString("ABC", field: "c", max: 3) }
            #expect(!writer.overflowed)
        }
        #expect(Array(memory.prefix(5)) == [0x41, 0x42, 0, 0xE9, 0])
    }
}
