import NIOCore
import SMPP
import Testing

@Suite struct SMPPFrameDecoderTests {
    @Test func splitsFramesAcrossArbitraryChunks() throws {
        var stream = ByteBuffer()
        let pdus = [
            PDU(.enquireLink, sequenceNumber: 1),
            PDU(.submitSMResp(SubmitSMResp(messageID: "abc")), sequenceNumber: 2),
            PDU(.unbind, sequenceNumber: 3),
        ]
        for pdu in pdus { try pdu.encode(into: &stream) }
        let all = Array(stream.readableBytesView)
        for chunk in 1...all.count {
            var decoder = SMPPFrameDecoder()
            var pending = ByteBuffer()
            var decoded: [PDU] = []
            var index = 0
            while index < all.count {
                pending.writeBytes(all[index..<min(all.count, index + chunk)])
                index += chunk
                while var frame = try decoder.decode(buffer: &pending) {
                    decoded.append(try PDU.decode(frame: &frame))
                    #expect(frame.readableBytes == 0)
                }
            }
            #expect(decoded == pdus)
            #expect(pending.readableBytes == 0)
        }
    }

    @Test(arguments: [UInt32(0), 1, 15, 65_601, UInt32.max])
    func rejectsCommandLengthOutOfRange(length: UInt32) {
        var decoder = SMPPFrameDecoder()
        var buffer = ByteBuffer()
        buffer.writeInteger(length)
        buffer.writeInteger(CommandID.submitSM.rawValue)
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(77))
        #expect {
            _ = try decoder.decode(buffer: &buffer)
        } throws: { error in
            guard let error = error as? SMPPDecodeError else { return false }
            return error.code == .invalidCommandLength && error.commandID == .submitSM && error.sequenceNumber == 77
                && error.offset == 0 && error.bytes.count == 16
        }
    }

    @Test func acceptsTheMinimumAndTheMaximum() throws {
        var decoder = SMPPFrameDecoder(maximumLength: 20)
        var buffer = ByteBuffer(bytes: hexBytes("00000010 80000015 00000000 00000001"))
        let frame = try decoder.decode(buffer: &buffer)
        #expect(frame?.readableBytes == 16)
        buffer = ByteBuffer(bytes: hexBytes("00000014 00000099 00000000 00000001 01020304"))
        #expect(try decoder.decode(buffer: &buffer)?.readableBytes == 20)
        buffer = ByteBuffer(bytes: hexBytes("00000015 00000099 00000000 00000001 01020304 05"))
        #expect(throws: SMPPDecodeError.self) { _ = try decoder.decode(buffer: &buffer) }
    }

    @Test func waitsForMoreOctets() throws {
        var decoder = SMPPFrameDecoder()
        var buffer = ByteBuffer(bytes: [0, 0, 0])
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeBytes([0x20, 0, 0, 0, 4])
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 8)
        #expect(try decoder.decodeLast(buffer: &buffer, seenEOF: true) == nil)
    }

    @Test func defaultMaximumIs65600() {
        #expect(SMPPFrameDecoder().maximumLength == 65_600)
    }
}

@Suite struct SMPPFrameDecoderProcessorTests {
    /// Through NIO's own driver, as a channel handler would run it.
    @Test func worksWithNIOSingleStepProcessor() throws {
        let processor = NIOSingleStepByteToMessageProcessor(SMPPFrameDecoder())
        var frames: [PDU] = []
        let pdus = samplePDUs
        var stream = ByteBuffer()
        for pdu in pdus { try pdu.encode(into: &stream) }
        while stream.readableBytes > 0 {
            let chunk = stream.readSlice(length: min(37, stream.readableBytes)) ?? ByteBuffer()
            try processor.process(buffer: chunk) { frame in
                var frame = frame
                frames.append(try PDU.decode(frame: &frame))
            }
        }
        #expect(frames == pdus)
    }

    /// A full 65 535-octet message_payload with phone-number addresses fits the default cap of 65 600 (reference
    /// §1). Longer addresses or more TLVs need a larger `maximumLength`: data_sm allows 64-character addresses.
    @Test func largestMessagePayloadFitsTheDefaultCap() throws {
        let pdu = PDU(
            .dataSM(DataSM(
                source: Address(ton: 1, npi: 1, address: "573001234567"),
                destination: Address(ton: 1, npi: 1, address: "573007654321"),
                tlvs: [.messagePayload([UInt8](repeating: 0x5A, count: 65_535))])),
            sequenceNumber: 1)
        var buffer = try pdu.encoded()
        #expect(buffer.readableBytes == 65_589)  // 16 + 1 + 15 + 15 + 3 + 4 + 65 535
        var frame = try #require(try SMPPFrameDecoder().nextFrame(from: &buffer))
        #expect(try PDU.decode(frame: &frame) == pdu)

        var longer = pdu
        longer.body = .dataSM(DataSM(
            source: Address(address: String(repeating: "1", count: 64)),
            destination: Address(address: String(repeating: "2", count: 64)),
            tlvs: [.messagePayload([UInt8](repeating: 0x5A, count: 65_535))]))
        var longBuffer = try longer.encoded()
        #expect(longBuffer.readableBytes == 65_693)  // 16 + 1 + 67 + 67 + 3 + 4 + 65 535
        #expect(throws: SMPPDecodeError.self) { _ = try SMPPFrameDecoder().nextFrame(from: &longBuffer) }
        #expect(try SMPPFrameDecoder(maximumLength: 65_800).nextFrame(from: &longBuffer) != nil)
    }

    @Test(arguments: [0, 1, 255, 256, 65_535])
    func tlvLengthsRoundTrip(length: Int) throws {
        let tlvs = [TLV(tag: TLVTag(rawValue: 0x1500), value: [UInt8](repeating: 7, count: length)), .payloadType(1)]
        let pdu = PDU(.dataSMResp(DataSMResp(messageID: "x", tlvs: tlvs)), sequenceNumber: 1)
        #expect(try decodeBytes(try encodeToBytes(pdu)) == pdu)
    }
}
