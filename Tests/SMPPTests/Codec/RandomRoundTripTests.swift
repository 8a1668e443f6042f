import NIOCore
import SMPP
import Testing

@Suite struct RandomRoundTripTests {
    /// 12 000 seeded random PDUs of every kind: decode(encode(x)) == x, and the frame decoder splits the
    /// concatenated stream back into the same PDUs.
    @Test func decodeOfEncodeIsIdentity() throws {
        var random = SplitMix64(seed: 0x5EED_C0DEC)
        var stream = ByteBuffer()
        var expected: [PDU] = []
        var kinds = Set<UInt32>()
        for _ in 0..<12_000 {
            let pdu = random.pdu()
            var buffer = ByteBuffer()
            try pdu.encode(into: &buffer)
            #expect(buffer.getInteger(at: 0, as: UInt32.self) == UInt32(buffer.readableBytes))
            stream.writeImmutableBuffer(buffer)
            let decoded = try PDU.decode(frame: &buffer)
            #expect(buffer.readableBytes == 0)
            #expect(decoded == pdu)
            if decoded != pdu { break }
            expected.append(pdu)
            kinds.insert(pdu.commandID.isKnown ? pdu.commandID.rawValue : 0xFFFF_FFFF)
        }
        #expect(kinds.count == 28, "every known command id and an unknown one were generated")
        let decoder = SMPPFrameDecoder()
        var index = 0
        while var frame = try decoder.nextFrame(from: &stream) {
            #expect(try PDU.decode(frame: &frame) == expected[index])
            index += 1
        }
        #expect(index == expected.count)
    }

    /// Tables of boundary values per field kind, through submit_sm.
    @Test func boundaryValues() throws {
        let strings = ["", "a", String(repeating: "z", count: 5), "ÿé\u{80}"]
        let addresses = ["", "1", String(repeating: "9", count: 20), "+573001234567", "ACME Corp"]
        let messages: [[UInt8]] = [[], [0], [UInt8](repeating: 0xFF, count: 254), Array("Hello".utf8)]
        let times = ["", "000000000000000R", "991231235959948-", "000101000000000+"]
        var sequence: UInt32 = 0
        for service in strings {
            for address in addresses {
                for message in messages {
                    for time in times {
                        sequence &+= 1
                        let pdu = PDU(
                            .submitSM(SubmitSM(
                                serviceType: service, source: Address(ton: 0xFF, npi: 0, address: address),
                                destination: Address(ton: 0, npi: 0xFF, address: address),
                                esmClass: ESMClass(rawValue: 0xFF),
                                scheduleDeliveryTime: time, validityPeriod: time, shortMessage: message)),
                            sequenceNumber: sequence == 2 ? UInt32.max : sequence)
                        #expect(try decodeBytes(try encodeToBytes(pdu)) == pdu)
                    }
                }
            }
        }
    }
}
