/// The body of bind_transmitter, bind_receiver and bind_transceiver (reference §3; all three are identical).
public struct BindRequest: Hashable, Sendable {
    /// system_id, C(16): the ESME login, at most 15 characters.
    public var systemID: String
    /// password, C(9): at most 8 characters.
    public var password: String
    /// system_type, C(13): often empty.
    public var systemType: String
    /// interface_version: 0x34 for SMPP 3.4; 0x33 or lower means a 3.3 peer (still decodable).
    public var interfaceVersion: UInt8
    /// addr_ton, addr_npi and address_range, C(41): the addresses an RX/TRX ESME serves; usually empty.
    public var addressRange: Address

    /// Creates a bind body; `interfaceVersion` defaults to 0x34.
    public init(
        systemID: String, password: String, systemType: String = "",
        interfaceVersion: UInt8 = InterfaceVersion.smpp34, addressRange: Address = Address()
    ) {
        self.systemID = systemID
        self.password = password
        self.systemType = systemType
        self.interfaceVersion = interfaceVersion
        self.addressRange = addressRange
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> BindRequest {
        let systemID = try reader.readCString("system_id", max: 16)
        let password = try reader.readCString("password", max: 9)
        let systemType = try reader.readCString("system_type", max: 13)
        let version = try reader.readU8("interface_version")
        let range = try reader.readAddress("address_range", max: 41)
        try reader.expectEnd()
        return BindRequest(
            systemID: systemID, password: password, systemType: systemType, interfaceVersion: version,
            addressRange: range)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(systemID, field: "system_id", max: 16)
        try buffer.writeCString(password, field: "password", max: 9)
        try buffer.writeCString(systemType, field: "system_type", max: 13)
        buffer.writeInteger(interfaceVersion)
        try buffer.writeAddress(addressRange, field: "address_range", max: 41)
    }
}

/// The body of bind_transmitter_resp, bind_receiver_resp and bind_transceiver_resp.
public struct BindResponse: Hashable, Sendable {
    /// system_id, C(16): the SMSC's identifier. Empty when the SMSC sent a header-only error response.
    public var systemID: String
    /// Optional parameters; sc_interface_version (0x0210) tells whether the SMSC supports TLVs at all.
    public var tlvs: [TLV]

    /// Creates a bind response body.
    public init(systemID: String = "", tlvs: [TLV] = []) {
        self.systemID = systemID
        self.tlvs = tlvs
    }

    var isEmpty: Bool { systemID.isEmpty && tlvs.isEmpty }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> BindResponse {
        if reader.isAtEnd { return BindResponse() }
        let systemID = try reader.readCString("system_id", max: 16)
        return BindResponse(systemID: systemID, tlvs: try reader.readTLVs())
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(systemID, field: "system_id", max: 16)
        try buffer.writeTLVs(tlvs)
    }
}

/// The body of outbind: the SMSC asks the ESME to bind_receiver on this connection (no response PDU exists).
public struct Outbind: Hashable, Sendable {
    /// system_id, C(16): the SMSC's identifier.
    public var systemID: String
    /// password, C(9).
    public var password: String

    /// Creates an outbind body.
    public init(systemID: String, password: String = "") {
        self.systemID = systemID
        self.password = password
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> Outbind {
        let systemID = try reader.readCString("system_id", max: 16)
        let password = try reader.readCString("password", max: 9)
        try reader.expectEnd()
        return Outbind(systemID: systemID, password: password)
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeCString(systemID, field: "system_id", max: 16)
        try buffer.writeCString(password, field: "password", max: 9)
    }
}
