import BridgeCore
import Testing

/// A seeded, reproducible generator (SplitMix64) for the mutation tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &self) }
}

@Suite struct SendRequestHostileInputTests {
    static let seeds: [String] = [
        #"{"id":"order-42","to":"+573001234567","from":"ACME","text":"Hola €","encoding":"auto","dlr":true,"validity":3600,"schedule_at":"2026-12-01T12:00:00+02:00","priority":1,"concat":"udh8","tlvs":{"1403":"4142"},"metadata":{"a":[1,{"b":"c"}]}}"#,
        #"{"id":"b-1","to":"12345","binary":"AAEC/w==","data_coding":245,"udh":"BQQLhCPw","service_type":"CMT","protocol_id":0}"#,
        #"{"id":"u\u00e9\ud83d\ude00","to":"1","text":"\u2028\"\\\n","expires_at":"2026-12-01T10:33:37.123Z"}"#,
    ]

    /// One random mutation of a valid body.
    static func mutate(_ seed: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        switch random.int(0...7) {
        case 0:  // bit flips
            for _ in 0..<random.int(1...4) where !bytes.isEmpty {
                bytes[random.int(0...bytes.count - 1)] ^= UInt8(1) << UInt8(random.int(0...7))
            }
        case 1:  // truncation
            bytes = Array(bytes.prefix(random.int(0...bytes.count)))
        case 2:  // random bytes inserted
            let insert = (0..<random.int(1...16)).map { _ in random.byte() }
            bytes.insert(contentsOf: insert, at: random.int(0...bytes.count))
        case 3:  // deep nesting in place of a value
            let depth = random.int(1...5000)
            let open = random.int(0...1) == 0 ? "[" : #"{"k":"#
            let nested = Array(String(repeating: open, count: depth).utf8)
            bytes = Array(#"{"id":"d","to":"1","text":"x","metadata":"#.utf8) + nested
                + Array(String(repeating: open == "[" ? "]" : "}", count: depth).utf8) + Array("}".utf8)
        case 4:  // huge numbers in a numeric field
            let digits = String(repeating: "9", count: random.int(1...3000))
            let field = ["priority", "validity", "protocol_id", "data_coding", "to"][random.int(0...4)]
            bytes = Array(#"{"id":"n","to":"1","text":"x","\#(field)":\#(digits)\#(random.int(0...1) == 0 ? ".5e999" : "")}"#.utf8)
        case 5:  // invalid UTF-8 sequences spliced in
            let bad: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]]
            bytes.insert(contentsOf: bad[random.int(0...bad.count - 1)], at: random.int(0...bytes.count))
        case 6:  // a byte replaced by a JSON-significant one
            let significant = Array(#"{}[]:,"\ u0-.eE"#.utf8)
            if !bytes.isEmpty { bytes[random.int(0...bytes.count - 1)] = significant[random.int(0...significant.count - 1)] }
        default:  // a span duplicated (duplicate keys, repeated members)
            if bytes.count > 2 {
                let start = random.int(0...bytes.count - 2)
                let end = random.int(start + 1...min(bytes.count, start + 40))
                let span = Array(bytes[start..<end])
                bytes.insert(contentsOf: span, at: random.int(0...bytes.count))
            }
        }
        return bytes
    }

    @Test func tenThousandMutationsAlwaysDecodeToOneOfTheThreeCases() {
        var random = SeededGenerator(seed: 0x5EED_C0DE)
        let seeds = Self.seeds.map { Array($0.utf8) }
        for seed in seeds {
            #expect(SendRequestDecoder.decode(body: seed, messageID: nil, now: requestNow).request != nil)
        }
        var counts = [0, 0, 0]
        for iteration in 0..<10_000 {
            let body = Self.mutate(seeds[iteration % seeds.count], using: &random)
            let messageID: String? = iteration % 3 == 0 ? "amqp-\(iteration)" : nil
            switch SendRequestDecoder.decode(body: body, messageID: messageID, now: requestNow) {
            case .valid(let request):
                counts[0] += 1
                #expect(SendRequestDecoder.isUsableID(request.id))
            case .rejected(let rejection):
                counts[1] += 1
                #expect(!rejection.field.isEmpty && !rejection.reason.contains("\n"))
                #expect(rejection.reason.utf8.count <= 400)
            case .unidentifiable(let reason):
                counts[2] += 1
                #expect(!reason.isEmpty && reason.utf8.count <= 400)
            }
        }
        // Every outcome occurs, so the mutations reach past the parser.
        #expect(counts.allSatisfy { $0 > 100 }, "\(counts)")
    }

    @Test func oversizedBodyIsRefusedWithoutParsing() {
        var body = Array(#"{"id":"big","to":"1","text":""#.utf8)
        body += [UInt8](repeating: UInt8(ascii: "a"), count: SendRequestDecoder.maxBodyBytes)
        body += Array(#""}"#.utf8)
        let rejection = SendRequestDecoder.decode(body: body, messageID: "m", now: requestNow).rejection
        #expect(rejection?.field == "body")
        #expect(rejection?.reason.contains("document too large") == true)
    }
}
