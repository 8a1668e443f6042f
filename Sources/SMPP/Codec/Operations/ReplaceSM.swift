/// The body of replace_sm (SMPP 3.4 §4.10.1): replace a stored, not yet delivered message. Its response,
/// replace_sm_resp, is header only. 3.4 gives replace_sm no TLVs.
public struct ReplaceSM: Hashable, Sendable {
    /// message_id, C(65): the id from submit_sm_resp.
    public var messageID: String
    /// source_addr_ton, source_addr_npi and source_addr, C(21): as in the original submit.
    public var source: Address
    /// schedule_delivery_time, C(1 or 17).
    public var scheduleDeliveryTime: String
    /// validity_period, C(1 or 17).
    public var validityPeriod: String
    /// registered_delivery.
    public var registeredDelivery: UInt8
    /// sm_default_msg_id.
    public var smDefaultMessageID: UInt8
    /// short_message, 0–254 octets.
    public var shortMessage: [UInt8]

    /// Creates a replace_sm body.
    public init(
        messageID: String, source: Address = Address(), scheduleDeliveryTime: String = "",
        validityPeriod: String = "", registeredDelivery: UInt8 = 0, smDefaultMessageID: UInt8 = 0,
        shortMessage: [UInt8] = []
    ) {
        self.messageID = messageID
        self.source = source
        self.scheduleDeliveryTime = scheduleDeliveryTime
        self.validityPeriod = validityPeriod
        self.registeredDelivery = registeredDelivery
        self.smDefaultMessageID = smDefaultMessageID
        self.shortMessage = shortMessage
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> ReplaceSM {
        let messageID = try reader.readCString("message_id", max: 65)
        let source = try reader.readAddress("source_addr", max: 21)
        let schedule = try reader.readCString("schedule_delivery_time", max: 17)
        let validity = try reader.readCString("validity_period", max: 17)
        let registeredDelivery = try reader.readU8("registered_delivery")
        let defaultID = try reader.readU8("sm_default_msg_id")
        let smLength = try reader.readU8("sm_length")
        let shortMessage = try reader.readOctets("short_message", count: Int(smLength))
        try reader.expectEnd()
        return ReplaceSM(
            messageID: messageID, source: source, scheduleDeliveryTime: schedule, validityPeriod: validity,
            registeredDelivery: registeredDelivery, smDefaultMessageID: defaultID, shortMessage: shortMessage)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(messageID, field: "message_id", max: 65)
        try buffer.writeAddress(source, field: "source_addr", max: 21)
        try buffer.writeTime(scheduleDeliveryTime, field: "schedule_delivery_time")
        try buffer.writeTime(validityPeriod, field: "validity_period")
        buffer.writeInteger(registeredDelivery)
        buffer.writeInteger(smDefaultMessageID)
        try buffer.writeShortMessage(shortMessage)
    }
}
