/// The body of data_sm (either direction; reference §3). The text travels in the message_payload TLV.
public struct DataSM: Hashable, Sendable {
    /// service_type, C(6).
    public var serviceType: String
    /// source_addr_ton, source_addr_npi and source_addr, C(65).
    public var source: Address
    /// dest_addr_ton, dest_addr_npi and destination_addr, C(65).
    public var destination: Address
    /// esm_class (reference §6).
    public var esmClass: ESMClass
    /// registered_delivery (see ``RegisteredDelivery``).
    public var registeredDelivery: UInt8
    /// data_coding (reference §6).
    public var dataCoding: UInt8
    /// Optional parameters, in wire order.
    public var tlvs: [TLV]

    /// Creates a data_sm body.
    public init(
        serviceType: String = "", source: Address = Address(), destination: Address, esmClass: ESMClass = [],
        registeredDelivery: UInt8 = 0, dataCoding: UInt8 = 0, tlvs: [TLV] = []
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.registeredDelivery = registeredDelivery
        self.dataCoding = dataCoding
        self.tlvs = tlvs
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> DataSM {
        let serviceType = try reader.readCString("service_type", max: 6)
        // 65, not 21: Kannel and gosmpp SM_DATA_ADDR_LEN (reference §3).
        let source = try reader.readAddress("source_addr", max: 65)
        let destination = try reader.readAddress("destination_addr", max: 65)
        let esmClass = try reader.readU8("esm_class")
        let registeredDelivery = try reader.readU8("registered_delivery")
        let dataCoding = try reader.readU8("data_coding")
        return DataSM(
            serviceType: serviceType, source: source, destination: destination,
            esmClass: ESMClass(rawValue: esmClass), registeredDelivery: registeredDelivery, dataCoding: dataCoding,
            tlvs: try reader.readTLVs())
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(serviceType, field: "service_type", max: 6)
        try buffer.writeAddress(source, field: "source_addr", max: 65)
        try buffer.writeAddress(destination, field: "destination_addr", max: 65)
        buffer.writeInteger(esmClass.rawValue)
        buffer.writeInteger(registeredDelivery)
        buffer.writeInteger(dataCoding)
        try buffer.writeTLVs(tlvs)
    }
}

/// The body of data_sm_resp: message_id, C(65), and optional delivery_failure_reason, network_error_code,
/// additional_status_info_text, dpf_result.
public struct DataSMResp: Hashable, Sendable, MessageIDResponseLayout {
    /// message_id, C(65). Empty in a header-only response.
    public var messageID: String
    /// Optional parameters, in wire order.
    public var tlvs: [TLV]

    /// Creates a data_sm_resp body.
    public init(messageID: String = "", tlvs: [TLV] = []) {
        self.messageID = messageID
        self.tlvs = tlvs
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> DataSMResp {
        try decodeLayout(from: &reader)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) { try encodeLayout(into: &buffer) }
}
