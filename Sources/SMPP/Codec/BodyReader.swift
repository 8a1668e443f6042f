import NIOCore

/// Reads the fields of one PDU body, turning every shortfall into an ``SMPPDecodeError`` that carries the header's
/// command id and sequence number, the offset from the start of the PDU, and the offending bytes.
///
/// C-Octet Strings are read as ISO-8859-1 (one octet, one scalar), so any octet sequence survives a decode/encode
/// round trip unchanged; the reference calls them ASCII, and ASCII is the common case and the fast path.
struct BodyReader {
    /// The body, without the 16 header octets.
    var buffer: ByteBuffer
    let commandID: CommandID
    let sequenceNumber: UInt32
    /// `buffer.readerIndex` when the body started.
    private let base: Int

    init(body: ByteBuffer, commandID: CommandID, sequenceNumber: UInt32) {
        self.buffer = body
        self.commandID = commandID
        self.sequenceNumber = sequenceNumber
        self.base = body.readerIndex
    }

    /// Offset of the next unread octet from the first octet of the PDU.
    var offset: Int { 16 + buffer.readerIndex - base }

    var isAtEnd: Bool { buffer.readableBytes == 0 }

    func error(_ code: SMPPDecodeError.Code, at offset: Int? = nil, bytes: [UInt8]? = nil, _ reason: String)
        -> SMPPDecodeError
    {
        SMPPDecodeError(
            code: code, commandID: commandID, sequenceNumber: sequenceNumber, offset: offset ?? self.offset,
            bytes: bytes ?? (buffer.getBytes(at: buffer.readerIndex, length: min(64, buffer.readableBytes)) ?? []),
            reason: reason
        )
    }

    mutating func readU8(_ field: String) throws(SMPPDecodeError) -> UInt8 {
        guard let value = buffer.readInteger(as: UInt8.self) else {
            throw error(.truncated, "body ends before \(field) (1 octet)")
        }
        return value
    }

    mutating func readU16(_ field: String) throws(SMPPDecodeError) -> UInt16 {
        guard let value = buffer.readInteger(as: UInt16.self) else {
            throw error(.truncated, "body ends before \(field) (2 octets)")
        }
        return value
    }

    mutating func readU32(_ field: String) throws(SMPPDecodeError) -> UInt32 {
        guard let value = buffer.readInteger(as: UInt32.self) else {
            throw error(.truncated, "body ends before \(field) (4 octets)")
        }
        return value
    }

    /// Reads a C-Octet String of at most `max` octets including the NUL.
    mutating func readCString(_ field: String, max: Int) throws(SMPPDecodeError) -> String {
        let window = Swift.min(max, buffer.readableBytes)
        let found = buffer.withUnsafeReadableBytes { raw -> (nul: Int?, ascii: Bool) in
            var index = 0
            var ascii = true
            while index < window {
                let octet = raw[index]
                if octet == 0 { return (index, ascii) }
                if octet >= 0x80 { ascii = false }
                index &+= 1
            }
            return (nil, ascii)
        }
        guard let length = found.nul else {
            if window < max {
                throw error(.missingNullTerminator, "\(field) has no NUL before the end of the body")
            }
            throw error(.fieldTooLong, "\(field) is longer than \(max - 1) characters (max \(max) with NUL)")
        }
        let value: String
        if length == 0 {
            value = ""
        } else if found.ascii {
            value = buffer.readString(length: length) ?? ""
        } else {
            let octets = buffer.readBytes(length: length) ?? []
            var scalars = String.UnicodeScalarView()
            for octet in octets { scalars.append(Unicode.Scalar(octet)) }
            value = String(scalars)
        }
        buffer.moveReaderIndex(forwardBy: 1)
        return value
    }

    /// Reads `count` raw octets (an Octet String whose length came from a preceding field).
    mutating func readOctets(_ field: String, count: Int) throws(SMPPDecodeError) -> [UInt8] {
        guard let octets = buffer.readBytes(length: count) else {
            throw error(.truncated, "\(field) needs \(count) octets, \(buffer.readableBytes) left")
        }
        return octets
    }

    /// Reads TLVs until the body ends; unknown tags are kept byte for byte, in order.
    mutating func readTLVs() throws(SMPPDecodeError) -> [TLV] {
        if buffer.readableBytes == 0 { return [] }
        var tlvs: [TLV] = []
        while buffer.readableBytes > 0 {
            let start = offset
            guard let tag = buffer.readInteger(as: UInt16.self), let length = buffer.readInteger(as: UInt16.self) else {
                throw error(.invalidTLV, at: start, "TLV header needs 4 octets, \(buffer.readableBytes) left")
            }
            guard let value = buffer.readBytes(length: Int(length)) else {
                let headerIndex = buffer.readerIndex &- 4
                throw error(
                    .invalidTLV, at: start,
                    bytes: buffer.getBytes(at: headerIndex, length: Swift.min(64, buffer.readableBytes &+ 4)),
                    "TLV 0x\(String(tag, radix: 16)) length \(length) runs past the end of the body "
                        + "(\(buffer.readableBytes) octets left)"
                )
            }
            tlvs.append(TLV(tag: TLVTag(rawValue: tag), value: value))
        }
        return tlvs
    }

    /// Fails if octets remain in a body that has no TLV part.
    func expectEnd() throws(SMPPDecodeError) {
        if buffer.readableBytes > 0 {
            throw error(.trailingBytes, "\(buffer.readableBytes) octets after the last field of \(commandID.name)")
        }
    }
}

extension BodyReader {
    /// Reads `<field>_ton`, `<field>_npi` and the C-Octet String `<field>` of at most `max` octets.
    mutating func readAddress(_ field: String, max: Int) throws(SMPPDecodeError) -> Address {
        guard let ton = buffer.readInteger(as: UInt8.self), let npi = buffer.readInteger(as: UInt8.self) else {
            throw error(.truncated, "body ends before \(field) TON/NPI")
        }
        return Address(ton: ton, npi: npi, address: try readCString(field, max: max))
    }
}

extension ByteBuffer {
    /// Writes `<field>_ton`, `<field>_npi` and the C-Octet String `<field>` of at most `max` octets.
    mutating func writeAddress(_ address: Address, field: String, max: Int) throws(SMPPEncodeError) {
        writeInteger(address.ton)
        writeInteger(address.npi)
        try writeCString(address.address, field: field, max: max)
    }
}
