public import NIOCore

/// One SMPP 3.4 PDU: the header's status and sequence number, and a typed body that fixes the command id.
public struct PDU: Hashable, Sendable {
    /// command_status: ``CommandStatus/ok`` in every request; the result in a response.
    public var commandStatus: CommandStatus
    /// sequence_number: links a response to its request.
    public var sequenceNumber: UInt32
    /// The body; its case decides the command id.
    public var body: PDUBody

    /// The command id, taken from the body.
    public var commandID: CommandID { body.commandID }

    /// Creates a PDU; the status defaults to ``CommandStatus/ok``.
    public init(_ body: PDUBody, sequenceNumber: UInt32, commandStatus: CommandStatus = .ok) {
        self.body = body
        self.sequenceNumber = sequenceNumber
        self.commandStatus = commandStatus
    }

    /// Decodes one whole PDU (header included) from the front of `frame`, consuming exactly command_length octets.
    ///
    /// `frame` is left untouched when decoding fails. Header-only responses decode with empty fields.
    /// - Throws: ``SMPPDecodeError`` for a command_length below 16 or beyond the octets given, and for any body
    ///   that does not follow its layout. Never traps, whatever the input.
    public static func decode(frame: inout ByteBuffer) throws(SMPPDecodeError) -> PDU {
        // One storage access for the whole PDU (see BodyReader for why that matters).
        let outcome = frame.withUnsafeReadableBytes { raw -> Result<(PDU, Int), SMPPDecodeError> in
            do throws(SMPPDecodeError) {
                return .success(try decode(octets: raw))
            } catch {
                return .failure(error)
            }
        }
        let (pdu, length) = try outcome.get()
        frame.moveReaderIndex(forwardBy: length)
        return pdu
    }

    /// Decodes the PDU at the start of `octets`; returns it with its command_length.
    static func decode(octets: UnsafeRawBufferPointer) throws(SMPPDecodeError) -> (PDU, Int) {
        func word(_ index: Int) -> UInt32 {
            UInt32(octets[index]) << 24 | UInt32(octets[index &+ 1]) << 16 | UInt32(octets[index &+ 2]) << 8
                | UInt32(octets[index &+ 3])
        }
        let available = octets.count
        guard available >= 16 else {
            throw SMPPDecodeError(
                code: .invalidCommandLength, commandID: available >= 8 ? CommandID(rawValue: word(4)) : nil,
                sequenceNumber: nil, offset: 0, bytes: Array(octets),
                reason: "a PDU needs 16 header octets, \(available) given")
        }
        let length = word(0)
        let commandID = CommandID(rawValue: word(4))
        let status = word(8)
        let sequence = word(12)
        guard length >= 16, UInt64(length) <= UInt64(available) else {
            throw SMPPDecodeError(
                code: length < 16 ? .invalidCommandLength : .truncated, commandID: commandID,
                sequenceNumber: sequence, offset: 0, bytes: Array(UnsafeRawBufferPointer(rebasing: octets[0..<16])),
                reason: length < 16
                    ? "command_length \(length) is below the 16-octet header"
                    : "command_length \(length) but only \(available) octets given")
        }
        let frameLength = Int(length)
        var reader = BodyReader(
            body: UnsafeRawBufferPointer(rebasing: octets[16..<frameLength]), commandID: commandID,
            sequenceNumber: sequence)
        let body = try PDUBody.decode(from: &reader)
        return (PDU(body, sequenceNumber: sequence, commandStatus: CommandStatus(rawValue: status)), frameLength)
    }

    /// Appends the PDU to `buffer`, header first, with command_length set to the octets written.
    ///
    /// A response with a non-zero status and no field set is written header only (16 octets). On error nothing
    /// stays written.
    /// - Throws: ``SMPPEncodeError`` for a value the wire cannot carry (a C-Octet String over its maximum or with a
    ///   character above U+00FF, a time not 0 or 16 characters, short_message over 254 octets, a TLV over 65 535).
    public func encode(into buffer: inout ByteBuffer) throws(SMPPEncodeError) {
        let writesBody = commandStatus == .ok || !body.isEmptyResponse
        // First pass: validate every field and count the octets, touching no memory.
        var counter = WireWriter()
        if writesBody { try body.encode(into: &counter) }
        let total = 16 &+ counter.count
        guard let wireLength = UInt32(exactly: total) else {
            throw SMPPEncodeError(code: .fieldTooLong, field: "command_length", reason: "\(total) octets")
        }
        // Second pass: write into exactly that many reserved octets.
        var failure: SMPPEncodeError?
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { memory in
            var writer = WireWriter(into: memory, limit: total)
            writer.writeInteger(wireLength)
            writer.writeInteger(commandID.rawValue)
            writer.writeInteger(commandStatus.rawValue)
            writer.writeInteger(sequenceNumber)
            if writesBody {
                do throws(SMPPEncodeError) {
                    try body.encode(into: &writer)
                } catch {
                    failure = error
                }
            }
            guard failure == nil, !writer.overflowed, writer.count == total else {
                failure = failure ?? SMPPEncodeError(
                    code: .fieldTooLong, field: commandID.name,
                    reason: "body changed size between sizing (\(total)) and writing (\(writer.count))")
                return 0
            }
            return total
        }
        if let failure { throw failure }
    }

    /// The PDU encoded into a fresh buffer.
    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(SMPPEncodeError)
        -> ByteBuffer
    {
        var buffer = allocator.buffer(capacity: 64)
        try encode(into: &buffer)
        return buffer
    }
}
