/// The body of alert_notification (SMSC → ESME, no response; reference §3): a mobile became available.
public struct AlertNotification: Hashable, Sendable {
    /// source_addr_ton, source_addr_npi and source_addr: read with a maximum of 65 octets, as the reference
    /// advises leniency (3.4 implementations check 21, the 5.0 text gives 65).
    public var source: Address
    /// esme_addr_ton, esme_addr_npi and esme_addr, C(65).
    public var esme: Address
    /// Optional parameters, e.g. ms_availability_status (0x0422).
    public var tlvs: [TLV]

    /// Creates an alert_notification body.
    public init(source: Address, esme: Address, tlvs: [TLV] = []) {
        self.source = source
        self.esme = esme
        self.tlvs = tlvs
    }

    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> AlertNotification {
        let source = try reader.readAddress("source_addr", max: 65)
        let esme = try reader.readAddress("esme_addr", max: 65)
        return AlertNotification(source: source, esme: esme, tlvs: try reader.readTLVs())
    }

    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        try buffer.writeAddress(source, field: "source_addr", max: 65)
        try buffer.writeAddress(esme, field: "esme_addr", max: 65)
        try buffer.writeTLVs(tlvs)
    }
}
