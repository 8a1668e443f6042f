import SMPP
import Testing

/// Seeded random texts through segmenter → MO parts → reassembler → decoder must come back unchanged, and every
/// part must respect its capacity.
@Suite struct SegmentReassembleRoundTripTests {
    static let alphabet: [String] = ["a", "Z", "0", " ", "@", "Δ", "é", "€", "{", "}", "\\", "^", "~", "|", "[", "\n"]
    static let wide: [String] = ["ж", "你", "ú", "😀", "👍🏽", "ß"]

    static func randomText(_ random: inout SeededRandom, wideChance: UInt64) -> String {
        let length = Int(random.next() % 700)
        var text = ""
        for _ in 0..<length {
            if random.next() % 100 < wideChance {
                text += wide[Int(random.next() % UInt64(wide.count))]
            } else {
                text += alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
        }
        return text
    }

    @Test func randomTextsRoundTrip() throws {
        var random = SeededRandom(seed: 2026)
        for round in 0..<300 {
            let text = Self.randomText(&random, wideChance: round % 2 == 0 ? 0 : 3)
            let method = [ConcatenationMethod.udh8, .udh16, .sar][round % 3]
            let defaultAlphabet: DefaultAlphabet = round % 5 == 0 ? .gsm7Packed : .gsm7
            let size: GSMPartSize = round % 7 == 0 ? .shortMessage140 : .standard
            let encoded = try SMSText.encode(text, defaultAlphabet: defaultAlphabet)
            let message = try MessageSegmenter(method: method, gsmPartSize: size).segment(encoded, reference: UInt16(round))
            #expect(message.parts.reduce(0) { $0 + $1.count } == encoded.count)
            var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(60))
            var result: String?
            for part in message.parts.shuffled(using: &random) {
                let udhOctets = part.udh?.count ?? 0
                switch encoded.encoding {
                case .ucs2?: #expect(part.shortMessage.count - udhOctets <= 140 - max(udhOctets, method == .sar && part.total > 1 ? 7 : 0))
                default:
                    let room = 140 - (part.total > 1 ? (method == .udh8 ? 6 : 7) : 0)
                    #expect(part.count <= room * 8 / 7)
                    if size == .shortMessage140 { #expect(part.shortMessage.count <= 140) }
                }
                #expect(part.shortMessage.count <= 254)
                guard part.total > 1 else {
                    result = SMSText.decode(part.shortMessage, dataCoding: part.dataCoding, defaultAlphabet: defaultAlphabet).text
                    continue
                }
                let mo = try #require(ConcatenatedPart.from(
                    source: "s", destination: "d", esmClass: part.esmClassFlags, dataCoding: part.dataCoding,
                    shortMessage: part.shortMessage, tlvs: part.tlvs))
                if case .complete(let done) = reassembler.partReceived(mo, now: TestInstant(seconds: 0)).outcome {
                    result = done.decode(defaultAlphabet: defaultAlphabet).text
                }
            }
            // Packed without a septet count, a text that ends in '@' exactly on an octet boundary is ambiguous.
            let ambiguousEnd = defaultAlphabet == .gsm7Packed && text.hasSuffix("@") && result == String(text.dropLast())
            #expect(result == text || ambiguousEnd, "round \(round)")
        }
    }
}
