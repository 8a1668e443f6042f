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
