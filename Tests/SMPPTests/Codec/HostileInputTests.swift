import NIOCore
import SMPP
import Testing

/// Seeded random and mutated input through the frame decoder and every body decoder: only PDUs or
/// ``SMPPDecodeError``s come out, never a trap or a hang.
@Suite(.timeLimit(.minutes(2))) struct HostileInputTests {
    /// Every id with a body decoder, plus one unknown.
    static let ids = CommandID.allKnown + [CommandID(rawValue: 0x0000_0111)]

    /// Decodes `octets` as one PDU and checks what comes out. Returns whether it decoded.
    @discardableResult
    static func check(_ octets: [UInt8]) -> Bool {
        var buffer = ByteBuffer(bytes: octets)
        do {
            let pdu = try PDU.decode(frame: &buffer)
            // Whatever decoded and can be re-encoded must decode to itself again.
            if let again = try? pdu.encoded() {
                var copy = again
                #expect((try? PDU.decode(frame: &copy)) == pdu)
            }
            return true
        } catch {
            #expect(error.offset >= 0 && error.offset <= max(16, octets.count))
            #expect(error.bytes.count <= 64)
            #expect(!error.reason.isEmpty)
            #expect(buffer.readableBytes == octets.count)
            return false
        }
    }

    static func frame(_ id: CommandID, status: UInt32, body: [UInt8]) -> [UInt8] {
        var octets: [UInt8] = []
        octets.reserveCapacity(16 + body.count)
        for value in [UInt32(16 + body.count), id.rawValue, status, 1] {
            octets += be32(value)
        }
        return octets + body
    }

    /// 42 000 random bodies behind a correct header, 1 500 per body decoder. Bodies are biased towards small
    /// octets, NULs and plausible lengths so that decoders get past their first field.
    @Test func randomBodiesForEveryDecoder() {
        var random = SplitMix64(seed: 1)
        var decoded = 0
        for id in Self.ids {
            for _ in 0..<1_500 {
                let count = random.chance(50) ? random.int(0...40) : random.int(0...400)
                let body = (0..<count).map { _ in
                    random.chance(30) ? 0 : random.chance(50) ? UInt8(random.int(0...8)) : random.byte()
                }
                if Self.check(Self.frame(id, status: random.chance(80) ? 0 : 8, body: body)) { decoded += 1 }
            }
        }
        #expect(decoded > 0)
    }

    /// 50 000 valid PDUs with one to four mutations each: flipped, inserted and deleted octets, truncation,
    /// and command_length either patched to match or left stale.
    @Test func mutatedValidPDUs() {
        var random = SplitMix64(seed: 2)
        var outcomes = (decoded: 0, failed: 0)
        for _ in 0..<50_000 {
            guard var octets = try? Array(random.pdu().encoded().readableBytesView) else { continue }
            for _ in 0..<random.int(1...4) {
                switch random.int(0...4) {
                case 0 where !octets.isEmpty: octets[random.int(0...octets.count - 1)] = random.byte()
                case 1: octets.insert(random.byte(), at: random.int(0...octets.count))
                case 2 where !octets.isEmpty: octets.remove(at: random.int(0...octets.count - 1))
                case 3 where !octets.isEmpty: octets.removeLast(random.int(0...min(8, octets.count)))
                default: if octets.count > 16 { octets[16 + random.int(0...octets.count - 17)] ^= 0xFF }
                }
            }
            if random.chance(70), octets.count >= 4 {
                octets.replaceSubrange(0..<4, with: be32(UInt32(octets.count)))
            }
            if Self.check(octets) { outcomes.decoded += 1 } else { outcomes.failed += 1 }
        }
        #expect(outcomes.decoded > 0 && outcomes.failed > 0)
    }

    /// 10 000 random streams (some of them valid frames, some pure noise) fed in random chunks through the frame
    /// decoder with a small cap; every frame it yields goes through the PDU decoder.
    @Test func randomStreamsThroughTheFrameDecoder() {
        var random = SplitMix64(seed: 3)
        var frames = 0
        var rejected = 0
        for _ in 0..<10_000 {
            var stream: [UInt8] = []
            for _ in 0..<random.int(1...4) {
                if random.chance(50), let pdu = try? random.pdu().encoded() {
                    stream += pdu.readableBytesView
                } else {
                    stream += random.bytes(random.int(0...64))
                }
            }
            let decoder = SMPPFrameDecoder(maximumLength: random.chance(50) ? 1_024 : 65_600)
            var pending = ByteBuffer()
            var index = 0
            streaming: while index < stream.count {
                let end = min(stream.count, index + random.int(1...80))
                pending.writeBytes(stream[index..<end])
                index = end
                do {
                    while var frame = try decoder.nextFrame(from: &pending) {
                        frames += 1
                        #expect(frame.readableBytes >= 16 && frame.readableBytes <= decoder.maximumLength)
                        _ = try? PDU.decode(frame: &frame)
                    }
                } catch {
                    #expect(error.code == .invalidCommandLength)
                    rejected += 1
                    break streaming  // the stream cannot be resynchronised: the session closes
                }
            }
        }
        #expect(frames > 0 && rejected > 0)
    }

    /// Header lengths at the edges: 0, 15, 16, 2^32−1 and neighbours, through both decoders.
    @Test func edgeLengths() throws {
        let decoder = SMPPFrameDecoder()
        let lengths: [UInt32] = [0, 1, 15, 16, 17, 65_600, 65_601, 0x7FFF_FFFF, 0x8000_0000, UInt32.max - 1, .max]
        for length in lengths {
            for id in Self.ids {
                var octets = Self.frame(id, status: 0, body: [0, 0, 0, 0])
                octets.replaceSubrange(0..<4, with: be32(length))
                Self.check(octets)
                var buffer = ByteBuffer(bytes: octets)
                let frame = try? decoder.nextFrame(from: &buffer)
                if length < 16 || length > 65_600 {
                    #expect(throws: SMPPDecodeError.self) { _ = try decoder.nextFrame(from: &buffer) }
                } else if length <= 20 {
                    #expect(frame?.readableBytes == Int(length))
                } else {
                    #expect(frame == nil)
                }
            }
        }
    }
}
