/// The body layout submit_sm and deliver_sm share (reference §3), decoded and encoded once for both.
protocol ShortMessageLayout {
    var serviceType: String { get }
    var source: Address { get }
    var destination: Address { get }
    var esmClass: ESMClass { get }
    var protocolID: UInt8 { get }
    var priorityFlag: UInt8 { get }
    var scheduleDeliveryTime: String { get }
    var validityPeriod: String { get }
    var registeredDelivery: UInt8 { get }
    var replaceIfPresent: UInt8 { get }
    var dataCoding: UInt8 { get }
    var smDefaultMessageID: UInt8 { get }
    var shortMessage: [UInt8] { get }
    var tlvs: [TLV] { get }

    init(
        serviceType: String, source: Address, destination: Address, esmClass: ESMClass, protocolID: UInt8,
        priorityFlag: UInt8, scheduleDeliveryTime: String, validityPeriod: String, registeredDelivery: UInt8,
        replaceIfPresent: UInt8, dataCoding: UInt8, smDefaultMessageID: UInt8, shortMessage: [UInt8], tlvs: [TLV]
    )
}

extension ShortMessageLayout {
    static func decodeLayout(from reader: inout BodyReader) throws(SMPPDecodeError) -> Self {
        let serviceType = try reader.readCString("service_type", max: 6)
        let source = try reader.readAddress("source_addr", max: 21)
        let destination = try reader.readAddress("destination_addr", max: 21)
        let esmClass = try reader.readU8("esm_class")
        let protocolID = try reader.readU8("protocol_id")
        let priorityFlag = try reader.readU8("priority_flag")
        let schedule = try reader.readCString("schedule_delivery_time", max: 17)
        let validity = try reader.readCString("validity_period", max: 17)
        let registeredDelivery = try reader.readU8("registered_delivery")
        let replaceIfPresent = try reader.readU8("replace_if_present_flag")
        let dataCoding = try reader.readU8("data_coding")
        let defaultID = try reader.readU8("sm_default_msg_id")
        // sm_length 255 fits the octet though the reference caps it at 254: accept it when reading.
        let smLength = try reader.readU8("sm_length")
        let shortMessage = try reader.readOctets("short_message", count: Int(smLength))
        return Self(
            serviceType: serviceType, source: source, destination: destination,
            esmClass: ESMClass(rawValue: esmClass), protocolID: protocolID, priorityFlag: priorityFlag,
            scheduleDeliveryTime: schedule, validityPeriod: validity, registeredDelivery: registeredDelivery,
            replaceIfPresent: replaceIfPresent, dataCoding: dataCoding, smDefaultMessageID: defaultID,
            shortMessage: shortMessage, tlvs: try reader.readTLVs()
        )
    }

    func encodeLayout(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(serviceType, field: "service_type", max: 6)
        try buffer.writeAddress(source, field: "source_addr", max: 21)
        try buffer.writeAddress(destination, field: "destination_addr", max: 21)
        buffer.writeInteger(esmClass.rawValue)
        buffer.writeInteger(protocolID)
        buffer.writeInteger(priorityFlag)
        try buffer.writeTime(scheduleDeliveryTime, field: "schedule_delivery_time")
        try buffer.writeTime(validityPeriod, field: "validity_period")
        buffer.writeInteger(registeredDelivery)
        buffer.writeInteger(replaceIfPresent)
        buffer.writeInteger(dataCoding)
        buffer.writeInteger(smDefaultMessageID)
        try buffer.writeShortMessage(shortMessage)
        try buffer.writeTLVs(tlvs)
    }
}

/// The body of a response that carries only a message_id C(65) and, leniently, TLVs: submit_sm_resp,
/// deliver_sm_resp and data_sm_resp. SMPP 3.4 gives only data_sm_resp TLVs; 5.0 SMSCs add them to the others,
/// and dropping the message_id over a TLV we did not ask for would lose a receipt correlation.
protocol MessageIDResponseLayout {
    var messageID: String { get }
    var tlvs: [TLV] { get }
    init(messageID: String, tlvs: [TLV])
}

extension MessageIDResponseLayout {
    var isEmpty: Bool { messageID.isEmpty && tlvs.isEmpty }

    static func decodeLayout(from reader: inout BodyReader) throws(SMPPDecodeError) -> Self {
        // Header-only responses (reference §3): the fields stay empty.
        if reader.isAtEnd { return Self(messageID: "", tlvs: []) }
        let messageID = try reader.readCString("message_id", max: 65)
        return Self(messageID: messageID, tlvs: try reader.readTLVs())
    }

    func encodeLayout(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(messageID, field: "message_id", max: 65)
        try buffer.writeTLVs(tlvs)
    }
}
