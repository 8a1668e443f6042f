import SMPP
import Testing

@Suite struct UserDataHeaderTests {
    @Test func parsesConcatenationAndPorts() throws {
        let bytes: [UInt8] = [0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x09, 0x03, 0x01, 0xAA]
        let (header, octets) = try UserDataHeader.parse(bytes)
        #expect(octets == 12 && header.elements.count == 2)
        #expect(header.concatenation == ConcatenationInfo(scheme: .udh8, reference: 9, total: 3, index: 1))
        #expect(header.ports?.destination == 0x0B84 && header.ports?.source == 0x23F0)
        #expect(header.octets == Array(bytes.prefix(12)))
        let sixteen = try UserDataHeader.parse([0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01]).header
        #expect(sixteen.concatenation == ConcatenationInfo(scheme: .udh16, reference: 0x1234, total: 2, index: 1))
        let ports8 = try UserDataHeader.parse([0x04, 0x04, 0x02, 0x10, 0x20]).header
        #expect(ports8.ports?.destination == 0x10 && ports8.ports?.source == 0x20 && ports8.concatenation == nil)
    }

    @Test func malformedHeadersAreErrors() throws {
        #expect(throws: UserDataHeaderError.self) { try UserDataHeader.parse([UInt8]()) }
        #expect(throws: UserDataHeaderError.self) { try UserDataHeader.parse([0x05, 0x00, 0x03, 0x01]) }
        #expect(throws: UserDataHeaderError.self) { try UserDataHeader.parse([0x03, 0x00, 0x03, 0x01]) }
        #expect(throws: UserDataHeaderError.self) { try UserDataHeader.parse([0x01, 0x00]) }
        // A concatenation element with the wrong length is kept but not read as concatenation.
        #expect(try UserDataHeader.parse([0x04, 0x00, 0x02, 0x01, 0x02]).header.concatenation == nil)
        let split = UserDataHeader.split([0x09, 0x00], udhi: true)
        #expect(split.header == nil && split.payload == [0x09, 0x00] && split.error?.code == .headerPastEnd)
    }

    @Test func hostileBytesNeverTrap() {
        var random = SeededRandom(seed: 0xBAD_0DD)
        var parsed = 0
        for round in 0..<50_000 {
            let length = Int(random.next() % 40)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 2 == 0, !bytes.isEmpty { bytes[0] = UInt8(truncatingIfNeeded: random.next() % UInt64(length + 2)) }
            if let (header, octets) = try? UserDataHeader.parse(bytes) {
                parsed += 1
                #expect(octets <= bytes.count && header.encodedCount == octets)
                _ = header.concatenation
                _ = header.ports
            }
            let split = UserDataHeader.split(bytes, udhi: true)
            #expect(split.headerOctets + split.payload.count == bytes.count)
            _ = ConcatenatedPart.from(source: "s", destination: "d", esmClass: 0x40, dataCoding: UInt8(truncatingIfNeeded: round),
                                      shortMessage: bytes)?.userData
        }
        #expect(parsed > 1_000)
    }
}
