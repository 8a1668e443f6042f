import SMPP
import Testing

/// A binary payload with a text data_coding is split on that alphabet's units: never inside a UTF-16 code unit or
/// surrogate pair (UCS2), never between an escape and its septet (GSM); other codings per octet.
@Suite struct BinarySegmentationTests {
    private static let methods: [(ConcatenationMethod, room: Int)] = [(.udh8, 134), (.udh16, 133), (.sar, 133)]

    private static func segment(_ octets: [UInt8], dataCoding: UInt8, method: ConcatenationMethod) throws -> [[UInt8]] {
        let message = try MessageSegmenter(method: method).segment(.binary(octets, dataCoding: dataCoding), reference: 3)
        return message.parts.map { Array($0.shortMessage.dropFirst($0.udh?.count ?? 0)) }
    }

    @Test func ucs2IsSplitOnWholeCodeUnitsAndSurrogatePairs() throws {
        // 66 'a' then an emoji: octet 134 falls inside the surrogate pair, octet 133 inside a code unit.
        let text = String(repeating: "a", count: 66) + "😀" + String(repeating: "b", count: 5)
        let octets = try SMSText.encode(text, as: .ucs2).units
        for (method, _) in Self.methods {
            let parts = try Self.segment(octets, dataCoding: 8, method: method)
            #expect(parts.map(\.count) == [132, 14], "\(method)")
            #expect(parts.allSatisfy { SMSText.decode($0, dataCoding: 8).substitutions == 0 }, "\(method)")
        }
    }

    @Test func unpackedGSMNeverSplitsAnEscapePair() throws {
        for (method, room) in Self.methods {
            let text = String(repeating: "a", count: room - 1) + "€" + String(repeating: "b", count: 10)
            let septets = try SMSText.encode(text, as: .gsm7).units
            let parts = try Self.segment(septets, dataCoding: 0, method: method)
            #expect(parts.map(\.count) == [room - 1, 12], "\(method)")
            #expect(parts[1].prefix(2) == [GSM0338.escape, 0x65], "\(method)")
        }
    }

    @Test func otherCodingsAreSplitPerOctet() throws {
        for (method, room) in Self.methods {
            let octets = [UInt8](repeating: 0x61, count: room - 1) + [GSM0338.escape, 0x65, 0xD8, 0x3D]
                + [UInt8](repeating: 0x62, count: 10)
            for dataCoding: UInt8 in [4, 3] {
                let parts = try Self.segment(octets, dataCoding: dataCoding, method: method)
                #expect(parts.map(\.count) == [room, 13], "\(method) data_coding \(dataCoding)")
            }
        }
    }
}
