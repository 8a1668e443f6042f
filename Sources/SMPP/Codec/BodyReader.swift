/// Reads the fields of one PDU body straight from its memory, turning every shortfall into an
/// ``SMPPDecodeError`` that carries the header's command id and sequence number, the offset from the start of the
/// PDU, and the offending bytes.
///
/// It works on the raw bytes of the body (valid inside `ByteBuffer.withUnsafeReadableBytes`) rather than on the
/// `ByteBuffer` itself: every `ByteBuffer` call touches its storage class, and the dynamic exclusivity checks on
/// that were the largest cost of decoding. All indexing is bounds-checked by hand before any load.
///
/// C-Octet Strings are read as ISO-8859-1 (one octet, one scalar), so any octet sequence survives a decode/encode
/// round trip unchanged; the reference calls them ASCII, and ASCII is the common case and the fast path.
struct BodyReader {
    /// The body, without the 16 header octets.
    private let bytes: UnsafeRawBufferPointer
    /// The next octet to read.
    private var index = 0
    let commandID: CommandID
    let sequenceNumber: UInt32

    init(body: UnsafeRawBufferPointer, commandID: CommandID, sequenceNumber: UInt32) {
        self.bytes = body
        self.commandID = commandID
        self.sequenceNumber = sequenceNumber
    }

    /// Offset of the next unread octet from the first octet of the PDU.
    var offset: Int { 16 &+ index }

    var isAtEnd: Bool { index >= bytes.count }

    private var remaining: Int { bytes.count &- index }

    private func octets(from start: Int, count: Int) -> [UInt8] {
        let lower = min(max(0, start), bytes.count)
        let upper = min(bytes.count, lower &+ max(0, count))
        return Array(UnsafeRawBufferPointer(rebasing: bytes[lower..<upper]))
    }

    func error(_ code: SMPPDecodeError.Code, at offset: Int? = nil, bytes octets: [UInt8]? = nil, _ reason: String)
        -> SMPPDecodeError
    {
        SMPPDecodeError(
            code: code, commandID: commandID, sequenceNumber: sequenceNumber, offset: offset ?? self.offset,
            bytes: octets ?? self.octets(from: index, count: 64), reason: reason)
    }

    mutating func readU8(_ field: String) throws(SMPPDecodeError) -> UInt8 {
        guard index < bytes.count else { throw error(.truncated, "body ends before \(field) (1 octet)") }
        let value = bytes[index]
        index &+= 1
        return value
    }

    mutating func readU16(_ field: String) throws(SMPPDecodeError) -> UInt16 {
        guard remaining >= 2 else { throw error(.truncated, "body ends before \(field) (2 octets)") }
        let value = UInt16(bytes[index]) << 8 | UInt16(bytes[index &+ 1])
        index &+= 2
        return value
    }

    mutating func readU32(_ field: String) throws(SMPPDecodeError) -> UInt32 {
        guard remaining >= 4 else { throw error(.truncated, "body ends before \(field) (4 octets)") }
        let value = UInt32(bytes[index]) << 24 | UInt32(bytes[index &+ 1]) << 16 | UInt32(bytes[index &+ 2]) << 8
            | UInt32(bytes[index &+ 3])
        index &+= 4
        return value
    }

    /// Reads a C-Octet String of at most `max` octets including the NUL.
    mutating func readCString(_ field: String, max: Int) throws(SMPPDecodeError) -> String {
        if index >= bytes.count { throw error(.truncated, "body ends before \(field)") }
        let end = index &+ Swift.min(max, remaining)
        var cursor = index
        var ascii = true
        while cursor < end {
            let octet = bytes[cursor]
            if octet == 0 { break }
            if octet >= 0x80 { ascii = false }
            cursor &+= 1
        }
        guard cursor < end else {
            if end == bytes.count, remaining < max {
                throw error(.missingNullTerminator, "\(field) has no NUL before the end of the body")
            }
            throw error(.fieldTooLong, "\(field) is longer than \(max - 1) characters (max \(max) with NUL)")
        }
        let length = cursor &- index
        let value: String
        if length == 0 {
            value = ""
        } else if ascii {
            let source = UnsafeRawBufferPointer(rebasing: bytes[index..<cursor])
            value = String(unsafeUninitializedCapacity: length) { target in
                UnsafeMutableRawBufferPointer(target).copyMemory(from: source)
                return length
            }
        } else {
            var scalars = String.UnicodeScalarView()
            for octet in bytes[index..<cursor] { scalars.append(Unicode.Scalar(octet)) }
            value = String(scalars)
        }
        index = cursor &+ 1
        return value
    }

    /// Reads `count` raw octets (an Octet String whose length came from a preceding field).
    mutating func readOctets(_ field: String, count: Int) throws(SMPPDecodeError) -> [UInt8] {
        guard count >= 0, remaining >= count else {
            throw error(.truncated, "\(field) needs \(count) octets, \(remaining) left")
        }
        let value = octets(from: index, count: count)
        index &+= count
        return value
    }

    /// Reads whatever is left of the body.
    mutating func readRemaining() -> [UInt8] {
        let value = octets(from: index, count: remaining)
        index = bytes.count
        return value
    }

    /// Reads TLVs until the body ends; unknown tags are kept byte for byte, in order.
    mutating func readTLVs() throws(SMPPDecodeError) -> [TLV] {
        if index >= bytes.count { return [] }
        var tlvs: [TLV] = []
        // One allocation for the usual handful of TLVs (each takes at least 4 octets).
        tlvs.reserveCapacity(Swift.min(8, remaining / 4))
        while index < bytes.count {
            guard remaining >= 4 else {
                throw error(.invalidTLV, "TLV header needs 4 octets, \(remaining) left")
            }
            let tag = UInt16(bytes[index]) << 8 | UInt16(bytes[index &+ 1])
            let length = Int(UInt16(bytes[index &+ 2]) << 8 | UInt16(bytes[index &+ 3]))
            guard remaining &- 4 >= length else {
                throw error(
                    .invalidTLV,
                    "TLV 0x\(String(tag, radix: 16)) length \(length) runs past the end of the body "
                        + "(\(remaining &- 4) octets left)")
            }
            tlvs.append(TLV(tag: TLVTag(rawValue: tag), value: octets(from: index &+ 4, count: length)))
            index &+= 4 &+ length
        }
        return tlvs
    }

    /// Fails if octets remain in a body that has no TLV part.
    func expectEnd() throws(SMPPDecodeError) {
        if index < bytes.count {
            throw error(.trailingBytes, "\(remaining) octets after the last field of \(commandID.name)")
        }
    }

    /// Reads `<field>_ton`, `<field>_npi` and the C-Octet String `<field>` of at most `max` octets.
    mutating func readAddress(_ field: String, max: Int) throws(SMPPDecodeError) -> Address {
        guard remaining >= 2 else { throw error(.truncated, "body ends before \(field) TON/NPI") }
        let ton = bytes[index]
        let npi = bytes[index &+ 1]
        index &+= 2
        return Address(ton: ton, npi: npi, address: try readCString(field, max: max))
    }
}
