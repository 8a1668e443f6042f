public import NIOCore

/// Splits a byte stream into whole PDU frames on command_length (reference §1), before any parsing.
///
/// Each frame is one ``ByteBuffer`` holding a complete PDU, header included, ready for ``PDU/decode(frame:)``.
/// A command_length below 16 or above ``maximumLength`` throws ``SMPPDecodeError`` with code
/// ``SMPPDecodeError/Code/invalidCommandLength``; the stream cannot be resynchronised after that, so the session
/// answers generic_nack ESME_RINVCMDLEN with sequence 0 and closes (reference §1).
public struct SMPPFrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    /// One whole PDU frame.
    public typealias InboundOut = ByteBuffer

    /// The default cap: 65 600 octets (reference §1), enough for a 65 535-octet message_payload with header and
    /// phone-number addresses (a data_sm with 12-digit addresses is 65 589 octets). A data_sm with 64-character
    /// addresses and a full payload is 65 693 octets; accept such PDUs with a larger `maximumLength`.
    public static let defaultMaximumLength = 65_600

    /// The largest command_length accepted, in octets.
    public let maximumLength: Int

    /// Creates a decoder that accepts frames of 16…`maximumLength` octets (default 65 600).
    public init(maximumLength: Int = SMPPFrameDecoder.defaultMaximumLength) {
        self.maximumLength = maximumLength
    }

    /// Returns the next whole frame, or `nil` while fewer octets than command_length are buffered.
    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        try nextFrame(from: &buffer)
    }

    /// Same as ``decode(buffer:)``; a partial frame left at end of stream is dropped with the connection.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try nextFrame(from: &buffer)
    }

    /// The typed-throws core of ``decode(buffer:)``.
    public func nextFrame(from buffer: inout ByteBuffer) throws(SMPPDecodeError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length >= 16, UInt64(length) <= UInt64(max(0, maximumLength)) else {
            let available = buffer.readableBytes
            let header = buffer.getBytes(at: buffer.readerIndex, length: min(16, available)) ?? []
            throw SMPPDecodeError(
                code: .invalidCommandLength,
                commandID: available >= 8
                    ? buffer.getInteger(at: buffer.readerIndex &+ 4, as: UInt32.self).map(CommandID.init) : nil,
                sequenceNumber: available >= 16
                    ? buffer.getInteger(at: buffer.readerIndex &+ 12, as: UInt32.self) : nil,
                offset: 0, bytes: header,
                reason: length < 16
                    ? "command_length \(length) is below the 16-octet header"
                    : "command_length \(length) exceeds the maximum of \(maximumLength)")
        }
        return buffer.readSlice(length: Int(length))
    }
}
