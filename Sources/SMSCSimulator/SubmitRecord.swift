public import SMPP

/// One accepted submit_sm as the simulator received it, so a test can prove each message arrived exactly once
/// and byte for byte.
public struct SubmitRecord: Sendable, Hashable {
    /// The message id returned in submit_sm_resp.
    public var messageID: String
    /// The account (system_id) of the session that sent it.
    public var account: String
    /// The simulator's number for that session (connections are numbered from 1 in accept order).
    public var session: UInt64
    /// The submit_sm's sequence_number.
    public var sequenceNumber: UInt32
    /// service_type.
    public var serviceType: String
    /// source_addr_ton, source_addr_npi, source_addr.
    public var sourceTON: UInt8, sourceNPI: UInt8, sourceAddress: String
    /// dest_addr_ton, dest_addr_npi, destination_addr.
    public var destinationTON: UInt8, destinationNPI: UInt8, destinationAddress: String
    /// esm_class.
    public var esmClass: UInt8
    /// protocol_id, priority_flag, registered_delivery.
    public var protocolID: UInt8, priority: UInt8, registeredDelivery: UInt8
    /// data_coding.
    public var dataCoding: UInt8
    /// The UDH octets (UDHL included) when esm_class has UDHI set, else empty.
    public var udh: [UInt8]
    /// The user data: short_message after the UDH, or message_payload when short_message is empty.
    public var payload: [UInt8]
    /// Every TLV, in wire order.
    public var tlvs: [TLV]
    /// When it was accepted, in milliseconds since 1970-01-01 UTC.
    public var receivedAtMilliseconds: Int64

    /// Creates a record; `shortMessage` is split into UDH and payload by esm_class, and an empty short_message
    /// takes its payload from a message_payload TLV.
    public init(
        messageID: String, account: String, session: UInt64, sequenceNumber: UInt32, serviceType: String,
        sourceTON: UInt8, sourceNPI: UInt8, sourceAddress: String,
        destinationTON: UInt8, destinationNPI: UInt8, destinationAddress: String,
        esmClass: UInt8, protocolID: UInt8, priority: UInt8, registeredDelivery: UInt8, dataCoding: UInt8,
        shortMessage: [UInt8], tlvs: [TLV], receivedAtMilliseconds: Int64
    ) {
        self.messageID = messageID
        self.account = account
        self.session = session
        self.sequenceNumber = sequenceNumber
        self.serviceType = serviceType
        self.sourceTON = sourceTON
        self.sourceNPI = sourceNPI
        self.sourceAddress = sourceAddress
        self.destinationTON = destinationTON
        self.destinationNPI = destinationNPI
        self.destinationAddress = destinationAddress
        self.esmClass = esmClass
        self.protocolID = protocolID
        self.priority = priority
        self.registeredDelivery = registeredDelivery
        self.dataCoding = dataCoding
        self.tlvs = tlvs
        self.receivedAtMilliseconds = receivedAtMilliseconds
        var message = shortMessage
        if message.isEmpty, let payloadTLV = tlvs.first(where: { $0.tag.rawValue == 0x0424 }) {
            message = payloadTLV.value
        }
        let split = Self.splitUDH(message, esmClass: esmClass)
        self.udh = split.udh
        self.payload = split.payload
    }

    /// Splits user data into UDH and payload when UDHI (esm_class 0x40) is set and the UDHL fits; otherwise
    /// everything is payload.
    public static func splitUDH(_ message: [UInt8], esmClass: UInt8) -> (udh: [UInt8], payload: [UInt8]) {
        guard esmClass & 0x40 != 0, let udhl = message.first, Int(udhl) + 1 <= message.count else {
            return ([], message)
        }
        let length = Int(udhl) + 1
        return (Array(message[..<length]), Array(message[length...]))
    }

    /// The 8-bit or 16-bit concatenation reference in the UDH as (reference, total, part), if there is one.
    public var concatenation: (reference: UInt16, total: UInt8, part: UInt8)? {
        guard udh.count >= 2 else { return nil }
        var index = 1
        while index + 1 < udh.count {
            let iei = udh[index]
            let length = Int(udh[index + 1])
            let start = index + 2
            guard start + length <= udh.count else { return nil }
            if iei == 0x00, length == 3 { return (UInt16(udh[start]), udh[start + 1], udh[start + 2]) }
            if iei == 0x08, length == 4 {
                return (UInt16(udh[start]) << 8 | UInt16(udh[start + 1]), udh[start + 2], udh[start + 3])
            }
            index = start + length
        }
        return nil
    }
}
