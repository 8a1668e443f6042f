/// The body of submit_multi (SMPP 3.4 §4.5.1): one message to up to 254 SME addresses and distribution lists.
public struct SubmitMulti: Hashable, Sendable {
    /// One dest_address entry.
    public enum Destination: Hashable, Sendable {
        /// dest_flag 1: an SME address (dest_addr_ton, dest_addr_npi, destination_addr C(21)).
        case sme(Address)
        /// dest_flag 2: a distribution list name, dl_name C(21).
        case distributionList(String)
    }

    /// service_type, C(6).
    public var serviceType: String
    /// source_addr_ton, source_addr_npi and source_addr, C(21).
    public var source: Address
    /// The destinations (number_of_dests is written from the count; at most 254).
    public var destinations: [Destination]
    /// esm_class.
    public var esmClass: ESMClass
    /// protocol_id.
    public var protocolID: UInt8
    /// priority_flag.
    public var priorityFlag: UInt8
    /// schedule_delivery_time, C(1 or 17).
    public var scheduleDeliveryTime: String
    /// validity_period, C(1 or 17).
    public var validityPeriod: String
    /// registered_delivery.
    public var registeredDelivery: UInt8
    /// replace_if_present_flag.
    public var replaceIfPresent: UInt8
    /// data_coding.
    public var dataCoding: UInt8
    /// sm_default_msg_id.
    public var smDefaultMessageID: UInt8
    /// short_message, 0–254 octets.
    public var shortMessage: [UInt8]
    /// Optional parameters, in wire order.
    public var tlvs: [TLV]

    /// Creates a submit_multi body.
    public init(
        serviceType: String = "", source: Address = Address(), destinations: [Destination],
        esmClass: ESMClass = [], protocolID: UInt8 = 0, priorityFlag: UInt8 = 0, scheduleDeliveryTime: String = "",
        validityPeriod: String = "", registeredDelivery: UInt8 = 0, replaceIfPresent: UInt8 = 0,
        dataCoding: UInt8 = 0, smDefaultMessageID: UInt8 = 0, shortMessage: [UInt8] = [], tlvs: [TLV] = []
    ) {
        self.serviceType = serviceType
        self.source = source
        self.destinations = destinations
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

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> SubmitMulti {
        let serviceType = try reader.readCString("service_type", max: 6)
        let source = try reader.readAddress("source_addr", max: 21)
        let count = try reader.readU8("number_of_dests")
        var destinations: [Destination] = []
        destinations.reserveCapacity(Int(count))
        for _ in 0..<count {
            let flagOffset = reader.offset
            switch try reader.readU8("dest_flag") {
            case 1: destinations.append(.sme(try reader.readAddress("destination_addr", max: 21)))
            case 2: destinations.append(.distributionList(try reader.readCString("dl_name", max: 21)))
            case let flag:
                throw reader.error(
                    .invalidFieldValue, at: flagOffset, bytes: [flag], "dest_flag \(flag); only 1 (SME) and 2 (list)")
            }
        }
        let esmClass = try reader.readU8("esm_class")
        let protocolID = try reader.readU8("protocol_id")
        let priorityFlag = try reader.readU8("priority_flag")
        let schedule = try reader.readCString("schedule_delivery_time", max: 17)
        let validity = try reader.readCString("validity_period", max: 17)
        let registeredDelivery = try reader.readU8("registered_delivery")
        let replaceIfPresent = try reader.readU8("replace_if_present_flag")
        let dataCoding = try reader.readU8("data_coding")
        let defaultID = try reader.readU8("sm_default_msg_id")
        let smLength = try reader.readU8("sm_length")
        let shortMessage = try reader.readOctets("short_message", count: Int(smLength))
        return SubmitMulti(
            serviceType: serviceType, source: source, destinations: destinations,
            esmClass: ESMClass(rawValue: esmClass), protocolID: protocolID, priorityFlag: priorityFlag,
            scheduleDeliveryTime: schedule, validityPeriod: validity, registeredDelivery: registeredDelivery,
            replaceIfPresent: replaceIfPresent, dataCoding: dataCoding, smDefaultMessageID: defaultID,
            shortMessage: shortMessage, tlvs: try reader.readTLVs())
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(serviceType, field: "service_type", max: 6)
        try buffer.writeAddress(source, field: "source_addr", max: 21)
        guard destinations.count <= 254 else {
            throw SMPPEncodeError(
                code: .tooManyItems, field: "number_of_dests", reason: "\(destinations.count) destinations, max 254")
        }
        buffer.writeInteger(UInt8(truncatingIfNeeded: destinations.count))
        for destination in destinations {
            switch destination {
            case .sme(let address):
                buffer.writeInteger(UInt8(1))
                try buffer.writeAddress(address, field: "destination_addr", max: 21)
            case .distributionList(let name):
                buffer.writeInteger(UInt8(2))
                try buffer.writeCString(name, field: "dl_name", max: 21)
            }
        }
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

/// The body of submit_multi_resp: the message id and the destinations the SMSC could not accept.
public struct SubmitMultiResp: Hashable, Sendable {
    /// One unsuccess_sme entry: the address and why it failed.
    public struct UnsuccessfulSME: Hashable, Sendable {
        /// dest_addr_ton, dest_addr_npi and destination_addr, C(21).
        public var address: Address
        /// error_status_code, I4.
        public var errorStatus: CommandStatus

        /// Creates an entry.
        public init(address: Address, errorStatus: CommandStatus) {
            self.address = address
            self.errorStatus = errorStatus
        }
    }

    /// message_id, C(65).
    public var messageID: String
    /// unsuccess_sme entries (no_unsuccess is written from the count; at most 254).
    public var unsuccessful: [UnsuccessfulSME]
    /// Optional parameters (SMPP 5.0; 3.4 defines none here).
    public var tlvs: [TLV]

    /// Creates a submit_multi_resp body.
    public init(messageID: String = "", unsuccessful: [UnsuccessfulSME] = [], tlvs: [TLV] = []) {
        self.messageID = messageID
        self.unsuccessful = unsuccessful
        self.tlvs = tlvs
    }

    var isEmpty: Bool { messageID.isEmpty && unsuccessful.isEmpty && tlvs.isEmpty }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> SubmitMultiResp {
        if reader.isAtEnd { return SubmitMultiResp() }
        let messageID = try reader.readCString("message_id", max: 65)
        let count = try reader.readU8("no_unsuccess")
        var unsuccessful: [UnsuccessfulSME] = []
        unsuccessful.reserveCapacity(Int(count))
        for _ in 0..<count {
            let address = try reader.readAddress("destination_addr", max: 21)
            let status = try reader.readU32("error_status_code")
            unsuccessful.append(UnsuccessfulSME(address: address, errorStatus: CommandStatus(rawValue: status)))
        }
        return SubmitMultiResp(messageID: messageID, unsuccessful: unsuccessful, tlvs: try reader.readTLVs())
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(messageID, field: "message_id", max: 65)
        guard unsuccessful.count <= 254 else {
            throw SMPPEncodeError(
                code: .tooManyItems, field: "no_unsuccess", reason: "\(unsuccessful.count) entries, max 254")
        }
        buffer.writeInteger(UInt8(truncatingIfNeeded: unsuccessful.count))
        for entry in unsuccessful {
            try buffer.writeAddress(entry.address, field: "destination_addr", max: 21)
            buffer.writeInteger(entry.errorStatus.rawValue)
        }
        try buffer.writeTLVs(tlvs)
    }
}
