public import SMPP

/// How the bridge turns requests into submit_sm PDUs and what it does when they fail: the `smpp.*` keys that are
/// not session settings (those are `SMPPClientConfiguration`'s). DESIGN §1.4 and §3.
public struct OutboundSettings: Sendable {
    /// The sender when a request has no `from` (`smpp.source.addr`), at most 20 octets; default none, and then
    /// every request must carry `from`.
    public var sourceAddress: String?
    /// source_addr_ton for every submit (`smpp.source.ton`, 0–6); default nil = automatic (alphanumeric 5,
    /// short digits 3, `+` international 1).
    public var sourceTON: UInt8?
    /// source_addr_npi for every submit (`smpp.source.npi`, a value of reference/SMPP-3.4.md §6); default nil =
    /// automatic.
    public var sourceNPI: UInt8?
    /// dest_addr_ton for every submit (`smpp.destination.ton`, 0–6); default nil = automatic (`+` and digits
    /// international).
    public var destinationTON: UInt8?
    /// dest_addr_npi for every submit (`smpp.destination.npi`); default nil = automatic.
    public var destinationNPI: UInt8?
    /// Whether a request without `dlr` asks for a delivery receipt (`smpp.registered_delivery`); default true.
    public var registeredDelivery: Bool = true
    /// What data_coding 0 means to this SMSC (`smpp.default_alphabet`: gsm7 gsm7-packed latin1 ascii); default gsm7.
    public var defaultAlphabet: DefaultAlphabet = .gsm7
    /// How a long message is split when the request does not say (`smpp.concat`: udh8 udh16 sar payload);
    /// default udh8.
    public var concat: ConcatenationMethod = .udh8
    /// Septets per part of a long GSM text sent unpacked (`smpp.gsm_part_size`: `standard` 153 — a part's
    /// short_message up to 159 octets — or `short-message-140` 134, for SMSCs that refuse a short_message over 140
    /// octets); default standard. Packed GSM parts are 140 octets either way.
    public var gsmPartSize: GSMPartSize = .standard
    /// How submit_sm_resp ids relate to receipt ids (`smpp.message_id_format`: raw hex-to-dec dec-to-hex auto);
    /// default raw.
    public var messageIDFormat: MessageIDFormat = .raw
    /// What an unknown outcome leads to (`smpp.on_timeout`: resubmit report); default resubmit.
    public var onTimeout: TimeoutPolicy = .resubmit
    /// Submissions per segment, transient errors and resubmits together (`smpp.max_attempts`, 1–100); default 3.
    public var maxAttempts: Int = 3
    /// The first retry delay of a segment (`smpp.retry.initial_delay`), doubling per attempt; default 1 s.
    public var retryInitialDelay: Duration = .seconds(1)
    /// The longest retry delay (`smpp.retry.max_delay`); default 30 s.
    public var retryMaxDelay: Duration = .seconds(30)
    /// A request received longer ago than this is not retried any more (`smpp.retry.max_age`); default 600 s.
    public var retryMaxAge: Duration = .seconds(600)
    /// service_type of every submit unless the request sets one (`smpp.service_type`, at most 5 characters);
    /// default empty (the SMSC's default service).
    public var serviceType: String = ""
    /// protocol_id of every submit unless the request sets one (`smpp.protocol_id`, 0–255); default 0.
    public var protocolID: UInt8 = 0
    /// How long a receipt that beat its submit_sm_resp is held for its match (`smpp.receipt_hold`); default 5 s.
    public var receiptHold: Duration = .seconds(5)
    /// How long the parts of a long MO wait for the rest before they are published incomplete
    /// (`smpp.mo_reassembly_timeout`); default 120 s.
    public var moReassemblyTimeout: Duration = .seconds(120)

    /// The defaults.
    public init() {}
}
