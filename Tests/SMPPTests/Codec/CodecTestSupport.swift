import NIOCore
import SMPP
import Testing

/// Parses hex written with spaces, newlines and `//` comments into octets (test fixtures only).
func hexBytes(_ text: String) -> [UInt8] {
    var octets: [UInt8] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let code = line.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var pending: UInt8?
        for character in code {
            guard let value = character.hexDigitValue else { continue }
            if let high = pending {
                octets.append(high << 4 | UInt8(value))
                pending = nil
            } else {
                pending = UInt8(value)
            }
        }
        precondition(pending == nil, "odd number of hex digits in fixture line: \(line)")
    }
    return octets
}

/// Encodes a PDU into an array of octets.
func encodeToBytes(_ pdu: PDU) throws -> [UInt8] {
    var buffer = ByteBuffer()
    try pdu.encode(into: &buffer)
    return Array(buffer.readableBytesView)
}

/// Decodes one PDU from octets and requires every octet to be consumed.
func decodeBytes(_ octets: [UInt8]) throws -> PDU {
    var buffer = ByteBuffer(bytes: octets)
    let pdu = try PDU.decode(frame: &buffer)
    #expect(buffer.readableBytes == 0)
    return pdu
}

/// Decodes octets expecting a decode error, and returns it.
func decodeError(_ octets: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> SMPPDecodeError? {
    var buffer = ByteBuffer(bytes: octets)
    do {
        let pdu = try PDU.decode(frame: &buffer)
        Issue.record("expected a decode error, got \(pdu)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Checks both directions of a fixture: the PDU encodes to exactly `octets`, and `octets` decode to the PDU.
func expectFixture(_ pdu: PDU, _ octets: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let encoded = try encodeToBytes(pdu)
    #expect(encoded == octets, "encoding differs", sourceLocation: sourceLocation)
    let decoded = try decodeBytes(octets)
    #expect(decoded == pdu, "decoding differs", sourceLocation: sourceLocation)
}

/// The four big-endian octets of a 32-bit value.
func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}
