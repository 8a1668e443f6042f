/// The body of cancel_sm (SMPP 3.4 §4.9.1): cancel one message by id, or every message from a source to a
/// destination when message_id is empty. Its response, cancel_sm_resp, is header only.
public struct CancelSM: Hashable, Sendable {
    /// service_type, C(6).
    public var serviceType: String
    /// message_id, C(65): empty to cancel by address (and service_type) instead.
    public var messageID: String
    /// source_addr_ton, source_addr_npi and source_addr, C(21).
    public var source: Address
    /// dest_addr_ton, dest_addr_npi and destination_addr, C(21).
    public var destination: Address

    /// Creates a cancel_sm body.
    public init(
        serviceType: String = "", messageID: String, source: Address = Address(), destination: Address = Address()
    ) {
        self.serviceType = serviceType
        self.messageID = messageID
        self.source = source
        self.destination = destination
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> CancelSM {
        let serviceType = try reader.readCString("service_type", max: 6)
        let messageID = try reader.readCString("message_id", max: 65)
        let source = try reader.readAddress("source_addr", max: 21)
        let destination = try reader.readAddress("destination_addr", max: 21)
        try reader.expectEnd()
        return CancelSM(serviceType: serviceType, messageID: messageID, source: source, destination: destination)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(serviceType, field: "service_type", max: 6)
        try buffer.writeCString(messageID, field: "message_id", max: 65)
        try buffer.writeAddress(source, field: "source_addr", max: 21)
        try buffer.writeAddress(destination, field: "destination_addr", max: 21)
    }
}
