public import SMPP

/// What the inbound pipeline needs of the configuration.
public struct InboundPipelineSettings: Sendable {
    /// How receipt ids relate to submit_sm_resp ids (`smpp.message_id_format`).
    public var messageIDFormat: MessageIDFormat
    /// What data_coding 0 means to this SMSC (`smpp.default_alphabet`).
    public var defaultAlphabet: DefaultAlphabet
    /// Exchange of receipts (`amqp.exchanges.dlr`).
    public var dlrExchange: String
    /// Exchange of MO messages (`amqp.exchanges.mo`).
    public var moExchange: String
    /// Exchange of PDUs that could not be read (`amqp.exchanges.dead`).
    public var deadExchange: String
    /// How long parts of a long MO wait for the rest, in seconds (`smpp.mo_reassembly_timeout`).
    public var moReassemblyTimeout: Double
    /// How long, in seconds from the first try, an event sent but not confirmed when the broker connection was lost
    /// may be published again (same event id) on the next connection before the SMSC is answered ESME_RX_T_APPN.
    /// The bridge uses half the session's inbound answer timeout; 0 = never republish.
    public var republishWindow: Double
    /// The SMPP account (`smpp.system_id`): part of what a receipt's event id is derived from, so every instance
    /// serving the account gives the same receipt the same id.
    public var account: String

    /// Creates settings; defaults match DESIGN §1.4.
    public init(
        messageIDFormat: MessageIDFormat = .raw, defaultAlphabet: DefaultAlphabet = .gsm7,
        dlrExchange: String = "smpp.dlr", moExchange: String = "smpp.mo", deadExchange: String = "smpp.dead",
        moReassemblyTimeout: Double = 120, republishWindow: Double = 5, account: String = ""
    ) {
        self.account = account
        self.messageIDFormat = messageIDFormat
        self.defaultAlphabet = defaultAlphabet
        self.dlrExchange = dlrExchange
        self.moExchange = moExchange
        self.deadExchange = deadExchange
        self.moReassemblyTimeout = moReassemblyTimeout
        self.republishWindow = republishWindow
    }
}

/// The fields of a deliver_sm or data_sm the inbound pipeline reads (data_sm carries its text in message_payload).
public struct InboundShortMessage: Sendable, Hashable {
    /// source_addr.
    public var source: Address
    /// destination_addr.
    public var destination: Address
    /// esm_class.
    public var esmClass: ESMClass
    /// data_coding.
    public var dataCoding: UInt8
    /// short_message (empty for data_sm).
    public var shortMessage: [UInt8]
    /// Optional parameters.
    public var tlvs: [TLV]
    /// The operation it came as: deliver_sm or data_sm.
    public var command: CommandID

    /// Creates one.
    public init(source: Address, destination: Address, esmClass: ESMClass, dataCoding: UInt8, shortMessage: [UInt8],
                tlvs: [TLV], command: CommandID = .deliverSM) {
        self.source = source
        self.destination = destination
        self.esmClass = esmClass
        self.dataCoding = dataCoding
        self.shortMessage = shortMessage
        self.tlvs = tlvs
        self.command = command
    }

    /// From a deliver_sm.
    public init(_ pdu: DeliverSM) {
        self.init(source: pdu.source, destination: pdu.destination, esmClass: pdu.esmClass, dataCoding: pdu.dataCoding,
                  shortMessage: pdu.shortMessage, tlvs: pdu.tlvs)
    }

    /// From a data_sm.
    public init(_ pdu: DataSM) {
        self.init(source: pdu.source, destination: pdu.destination, esmClass: pdu.esmClass, dataCoding: pdu.dataCoding,
                  shortMessage: [], tlvs: pdu.tlvs, command: .dataSM)
    }

    /// The message as a PDU body of its operation, from the fields held here (the others empty or 0).
    var pduBody: PDUBody {
        guard command == .dataSM else {
            return .deliverSM(DeliverSM(
                source: source, destination: destination, esmClass: esmClass, dataCoding: dataCoding,
                shortMessage: shortMessage, tlvs: tlvs))
        }
        return .dataSM(DataSM(source: source, destination: destination, esmClass: esmClass, dataCoding: dataCoding, tlvs: tlvs))
    }

    /// short_message, or message_payload when short_message is empty.
    var userData: [UInt8] {
        if shortMessage.isEmpty, let payload = tlvs.first(where: { $0.tag == TLVTag.messagePayload }) {
            return payload.value
        }
        return shortMessage
    }
}

extension InboundShortMessage {
    /// A receipt's event id (``EventID/derived(from:)-(FNV1a128)``), from everything the SMSC sends that is the
    /// same when it delivers the receipt again (addresses, esm_class, data_coding, short_message, every TLV in
    /// order), under the account. Not the sequence number, nor anything the bridge adds (received_at, the
    /// correlation). The fields are hashed where they lie: no array is built per receipt.
    func receiptEventID(account: String) -> String {
        derivedEventID(kind: "delivery_receipt", account: account)
    }

    /// ``receiptEventID(account:)`` for an event of another `kind` derived from the same fields.
    func derivedEventID(kind: String, account: String) -> String {
        var hash = FNV1a128()
        hash.addField(kind.utf8)
        hash.addField(account.utf8)
        hash.addField(source.ton, source.npi)
        hash.addField(source.address.utf8)
        hash.addField(destination.ton, destination.npi)
        hash.addField(destination.address.utf8)
        hash.addField(esmClass.rawValue, dataCoding)
        hash.addField(shortMessage)
        for tlv in tlvs {
            let tag = tlv.tag.rawValue
            hash.addField(UInt8(truncatingIfNeeded: tag >> 8), UInt8(truncatingIfNeeded: tag))
            hash.addField(tlv.value)
        }
        return EventID.derived(from: hash)
    }
}
