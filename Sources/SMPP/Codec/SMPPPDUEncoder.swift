public import NIOCore

/// Writes outbound ``PDU``s as frames (header with command_length, then the body), for a channel pipeline.
public struct SMPPPDUEncoder: MessageToByteEncoder, Sendable {
    /// The PDU to write.
    public typealias OutboundIn = PDU

    /// Creates the encoder.
    public init() {}

    /// Appends `data` to `out`; throws ``SMPPEncodeError`` for a value the wire cannot carry.
    public func encode(data: PDU, out: inout ByteBuffer) throws {
        try data.encode(into: &out)
    }
}
