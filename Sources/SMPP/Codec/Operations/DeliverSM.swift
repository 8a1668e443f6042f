/// The body of deliver_sm (SMSC → ESME: MO messages and receipts; reference §3, the layout submit_sm and
/// deliver_sm share).
public struct DeliverSM: Hashable, Sendable, ShortMessageLayout {
    /// service_type, C(6): "" = SMSC default.
    public var serviceType: String
    /// source_addr_ton, source_addr_npi and source_addr, C(21). In a receipt, the original destination.
    public var source: Address
    /// dest_addr_ton, dest_addr_npi and destination_addr, C(21). In a receipt, the original sender.
    public var destination: Address
    /// esm_class (reference §6).
    public var esmClass: ESMClass
    /// protocol_id: GSM TP-PID, normally 0.
    public var protocolID: UInt8
    /// priority_flag: 0–3.
    public var priorityFlag: UInt8
    /// schedule_delivery_time, C(1 or 17): "" or 16 characters (see ``SMPPTime``). Empty in deliver_sm.
    public var scheduleDeliveryTime: String
    /// validity_period, C(1 or 17): "" or 16 characters (see ``SMPPTime``). Empty in deliver_sm.
    public var validityPeriod: String
    /// registered_delivery (see ``RegisteredDelivery``).
    public var registeredDelivery: UInt8
    /// replace_if_present_flag: 0 don't replace, 1 replace. 0 in deliver_sm.
    public var replaceIfPresent: UInt8
    /// data_coding (reference §6).
    public var dataCoding: UInt8
    /// sm_default_msg_id: 0 = not used. 0 in deliver_sm.
    public var smDefaultMessageID: UInt8
    /// short_message, 0–254 octets (sm_length is written from its count); any UDH comes first.
    public var shortMessage: [UInt8]
    /// Optional parameters, in wire order; unknown tags kept byte for byte.
    public var tlvs: [TLV]

    /// Creates a deliver_sm body; every field but the destination defaults to empty or 0.
    public init(
        serviceType: String = "", source: Address = Address(), destination: Address, esmClass: ESMClass = [],
        protocolID: UInt8 = 0, priorityFlag: UInt8 = 0, scheduleDeliveryTime: String = "",
        validityPeriod: String = "", registeredDelivery: UInt8 = 0, replaceIfPresent: UInt8 = 0,
        dataCoding: UInt8 = 0, smDefaultMessageID: UInt8 = 0, shortMessage: [UInt8] = [], tlvs: [TLV] = []
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.protocolID = protocolID
        self.priorityFlag = priorityFlag
        self.scheduleDeliveryTime = scheduleDeliveryTime
        self.validityPeriod = validityPeriod
        self.registeredDelivery = registeredDelivery
        self.replaceIfPresent = replaceIfPresent
        self.dataCoding = dataCoding
        self.smDefaultMessageID = smDefaultMessageID
        self.shortMessage = shortMessage
        self.tlvs = tlvs
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> DeliverSM {
        try decodeLayout(from: &reader)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) { try encodeLayout(into: &buffer) }
}

/// The body of deliver_sm_resp: message_id, C(65), unused: always empty.
public struct DeliverSMResp: Hashable, Sendable, MessageIDResponseLayout {
    /// message_id, C(65), unused: always empty. Empty in a header-only response.
    public var messageID: String
    /// Optional parameters (SMPP 5.0 SMSCs send some; 3.4 defines none here).
    public var tlvs: [TLV]

    /// Creates a deliver_sm_resp body.
    public init(messageID: String = "", tlvs: [TLV] = []) {
        self.messageID = messageID
        self.tlvs = tlvs
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> DeliverSMResp {
        try decodeLayout(from: &reader)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) { try encodeLayout(into: &buffer) }
}
