import SMPP
import Testing

@Suite struct MessageSegmenterTests {
    func split(
        _ text: String,
        _ encoding: TextEncoding = .auto,
        method: ConcatenationMethod = .udh8,
        size: GSMPartSize = .standard,
        defaultAlphabet: DefaultAlphabet = .gsm7,
        reference: UInt16 = 0x42
    ) throws -> SegmentedMessage {
        let encoded = try SMSText.encode(text, as: encoding, defaultAlphabet: defaultAlphabet)
        return try MessageSegmenter(method: method, gsmPartSize: size).segment(encoded, reference: reference)
    }

    @Test(arguments: [
        (160, 1), (161, 2), (306, 2), (307, 3), (153 * 255, 255),
    ])
    func gsmBoundaries(length: Int, parts: Int) throws {
        let message = try split(String(repeating: "a", count: length))
        #expect(message.parts.count == parts)
        #expect(message.encoding == .gsm7 && message.count == length)
        if parts > 1 {
            #expect(message.parts.dropLast().allSatisfy { $0.count == 153 && $0.shortMessage.count == 159 })
        }
    }

    @Test(arguments: [(70, 1), (71, 2), (134, 2), (135, 3)])
    func ucs2Boundaries(length: Int, parts: Int) throws {
        let message = try split(String(repeating: "ж", count: length))
        #expect(message.encoding == .ucs2 && message.dataCoding == 8)
        #expect(message.parts.count == parts)
        if parts > 1 { #expect(message.parts.dropLast().allSatisfy { $0.count == 67 && $0.shortMessage.count == 140 }) }
    }

    @Test func singlePartHasNoUDHWhateverTheMethod() throws {
        for method in ConcatenationMethod.allCases {
            let message = try split(String(repeating: "x", count: 160), method: method)
            let part = try #require(message.parts.first)
            #expect(message.parts.count == 1 && part.udh == nil && part.esmClassFlags == 0 && part.tlvs.isEmpty)
            #expect(part.shortMessage.count == 160 && message.reference == nil)
        }
    }

    @Test func udh8PartsCarryTheHeader() throws {
        let message = try split(String(repeating: "b", count: 200), reference: 0x1234)
        #expect(message.reference == 0x34)
        for (offset, part) in message.parts.enumerated() {
            #expect(part.udh == [0x05, 0x00, 0x03, 0x34, 0x02, UInt8(offset + 1)])
            #expect(part.shortMessage.prefix(6) == part.udh?[...])
            #expect(part.esmClassFlags == 0x40 && part.tlvs.isEmpty && part.dataCoding == 0)
        }
        #expect(message.parts[1].count == 47)
    }

    @Test func udh16PartsHold152() throws {
        let message = try split(String(repeating: "c", count: 305), method: .udh16, reference: 0xBEEF)
        #expect(message.parts.map(\.count) == [152, 152, 1])
        #expect(message.parts[2].udh == [0x06, 0x08, 0x04, 0xBE, 0xEF, 0x03, 0x03])
    }

    @Test func sarPartsHaveTLVsAndNoUDH() throws {
        let message = try split(String(repeating: "d", count: 200), method: .sar, reference: 0x0102)
        #expect(message.parts.map(\.count) == [152, 48])
        let part = message.parts[1]
        #expect(part.udh == nil && part.esmClassFlags == 0 && part.shortMessage.count == 48)
        #expect(part.tlvs == [
            TLV(tag: TLVTag(rawValue: 0x020C), value: [0x01, 0x02]),
            TLV(tag: TLVTag(rawValue: 0x020E), value: [0x02]),
            TLV(tag: TLVTag(rawValue: 0x020F), value: [0x02]),
        ])
    }

    @Test func payloadPutsEverythingInOneTLV() throws {
        let message = try split(String(repeating: "e", count: 1000), method: .payload)
        let part = try #require(message.parts.first)
        #expect(message.parts.count == 1 && part.shortMessage.isEmpty && part.esmClassFlags == 0)
        #expect(part.tlvs == [TLV(tag: TLVTag(rawValue: 0x0424), value: [UInt8](repeating: 0x65, count: 1000))])
        #expect(throws: SegmentationError.self) {
            try split(String(repeating: "e", count: 65_536), method: .payload)
        }
    }

    /// message_payload is one PDU, but the SMSC still sends a concatenated SMS of at most 255 parts: a text that
    /// needs more (153 septets or 67 UCS2 units a part, with the smaller 8-bit header) is refused, as in
    /// the other methods, instead of an SMSC refusing or truncating it.
    @Test func payloadIsBoundByWhatTheAirCanCarry() throws {
        #expect(try split(String(repeating: "e", count: 153 * 255), method: .payload).parts.count == 1)
        do {
            _ = try split(String(repeating: "e", count: 153 * 255 + 1), method: .payload)
            Issue.record("expected an error")
        } catch let error as SegmentationError {
            #expect(error.code == .tooManyParts && error.amount == 256)
        }
        #expect(throws: SegmentationError.self) {
            try split(String(repeating: "é", count: 67 * 255 + 1), .ucs2, method: .payload)
        }
    }

    @Test func escapePairsNeverSplit() throws {
        for special in ["€", "{"] {
            let text = String(repeating: "a", count: 152) + special + String(repeating: "b", count: 10)
            let message = try split(text)
            #expect(message.parts.map(\.count) == [152, 12])
            #expect(message.parts[0].shortMessage.last == 0x61)
            #expect(message.parts[1].shortMessage.dropFirst(6).prefix(2) == [0x1B, special == "€" ? 0x65 : 0x28])
        }
    }

    @Test func surrogatePairsNeverSplit() throws {
        let text = String(repeating: "a", count: 66) + "😀" + String(repeating: "b", count: 10)
        let message = try split(text)
        #expect(message.encoding == .ucs2 && message.parts.map(\.count) == [66, 12])
        #expect(message.parts[1].shortMessage.dropFirst(6).prefix(4) == [0xD8, 0x3D, 0xDE, 0x00])
        let joined = message.parts.flatMap { $0.shortMessage.dropFirst(6) }
        #expect(SMSText.decode(joined, dataCoding: 8).text == text)
    }

    @Test func tooManyPartsIsAClearError() throws {
        do {
            _ = try split(String(repeating: "a", count: 153 * 255 + 1))
            Issue.record("expected an error")
        } catch let error as SegmentationError {
            #expect(error.code == .tooManyParts && error.amount == 256)
            #expect(error.description.contains("256 parts"))
        }
    }

    @Test func strictPartSizeKeepsShortMessageAt140() throws {
        #expect(try split(String(repeating: "a", count: 140), size: .shortMessage140).parts.count == 1)
        let message = try split(String(repeating: "a", count: 141), size: .shortMessage140)
        #expect(message.parts.map(\.count) == [134, 7])
        #expect(message.parts[0].shortMessage.count == 140)
        #expect(try split(String(repeating: "a", count: 300), method: .udh16, size: .shortMessage140).parts.map(\.count) == [133, 133, 34])
    }

    @Test func packedPartsFitIn140OctetsWithFillBit() throws {
        let text = String(repeating: "hello ", count: 50)
        let message = try split(text, defaultAlphabet: .gsm7Packed)
        #expect(message.alphabet == .gsm7Packed && message.parts.map(\.count) == [153, 147])
        #expect(message.parts[0].shortMessage.count == 140)
        var septets = [UInt8]()
        for part in message.parts {
            septets += GSM7Packing.unpack(part.shortMessage.dropFirst(6), fillBits: 1, septetCount: part.count)
        }
        #expect(SMSText.decode(septets, alphabet: .gsm7).text == text)
    }

    @Test func latin1DefaultAlphabetCountsSeptets() throws {
        // 150 'a' + 10 '{' = 170 septets but 160 octets: two parts, '{' costing 2 each.
        let text = String(repeating: "a", count: 150) + String(repeating: "{", count: 10)
        let message = try split(text, .gsm7, defaultAlphabet: .latin1)
        #expect(message.count == 170 && message.parts.map(\.count) == [152, 18])
        #expect(message.parts[0].shortMessage.count == 6 + 151)
    }

    @Test func binaryWithCallerHeader() throws {
        let ports = UserDataHeader(elements: [.init(identifier: 0x05, data: [0x0B, 0x84, 0x23, 0xF0])])
        let segmenter = MessageSegmenter(method: .udh8)
        let small = try segmenter.segment(.binary([UInt8](repeating: 7, count: 133)), reference: 9, header: ports)
        #expect(small.parts.count == 1 && small.parts[0].udh == [0x06, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0])
        #expect(small.parts[0].esmClassFlags == 0x40 && small.dataCoding == 4)
        let large = try segmenter.segment(.binary([UInt8](repeating: 7, count: 300)), reference: 9, header: ports)
        #expect(large.parts.map(\.count) == [128, 128, 44])
        #expect(large.parts[0].udh == [0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x09, 0x03, 0x01])
        #expect(large.parts.allSatisfy { $0.shortMessage.count <= 140 })
        let crowded = UserDataHeader(elements: [.init(identifier: 0x70, data: [UInt8](repeating: 0, count: 134))])
        #expect(throws: SegmentationError.self) { try segmenter.segment(.binary([1, 2, 3, 4, 5, 6, 7]), reference: 1, header: crowded) }
    }

    @Test func referencesRollPerDestination() throws {
        var references = ConcatenationReferences(seed: 254)
        let segmenter = MessageSegmenter(method: .udh8)
        let long = try SMSText.encode(String(repeating: "z", count: 200))
        let short = try SMSText.encode("hi")
        var seen = [UInt16?]()
        for _ in 0..<3 { seen.append(try segmenter.segment(long, destination: "A", references: &references).reference) }
        #expect(try segmenter.segment(short, destination: "A", references: &references).reference == nil)
        seen.append(try segmenter.segment(long, destination: "A", references: &references).reference)
        seen.append(try segmenter.segment(long, destination: "B", references: &references).reference)
        #expect(seen == [254, 255, 0, 1, 255])
        var wide = ConcatenationReferences(seed: 0xFFFF)
        #expect(wide.next(for: "X", sixteenBit: true) == 0xFFFF && wide.next(for: "X", sixteenBit: true) == 0)
        var bounded = ConcatenationReferences(maximumDestinations: 2)
        for destination in ["1", "2", "3"] { _ = bounded.next(for: destination, sixteenBit: false) }
        #expect(bounded.count <= 2)
    }
}
