public import SMPP

/// What the outbound pipeline needs of the configuration (built from `BridgeConfiguration`).
public struct OutboundPipelineSettings: Sendable {
    /// Sender when a request has no `from` (`smpp.source.addr`).
    public var sourceAddress: String?
    /// TON/NPI rules (`smpp.source.*`, `smpp.destination.*`).
    public var addressPlan: AddressPlan
    /// Receipt requested when a request does not say (`smpp.registered_delivery`).
    public var registeredDelivery: Bool
    /// What data_coding 0 means to this SMSC (`smpp.default_alphabet`).
    public var defaultAlphabet: DefaultAlphabet
    /// How long messages are split when a request does not say (`smpp.concat`).
    public var concat: ConcatenationMethod
    /// How submit_sm_resp ids relate to receipt ids (`smpp.message_id_format`).
    public var messageIDFormat: MessageIDFormat
    /// Attempts, backoff, age bound and the unknown-outcome policy.
    public var retry: RetryPolicy
    /// service_type when a request does not say (`smpp.service_type`).
    public var serviceType: String
    /// protocol_id when a request does not say (`smpp.protocol_id`).
    public var protocolID: UInt8
    /// Septets per part of a long unpacked GSM text (`smpp.gsm_part_size`).
    public var gsmPartSize: GSMPartSize
    /// Exchange of submit results (`amqp.exchanges.results`).
    public var resultsExchange: String
    /// Exchange of requests that cannot be handled at all (`amqp.exchanges.dead`).
    public var deadExchange: String
    /// Redeliveries after which a request not yet completed is dead-lettered instead of tried again
    /// (`amqp.delivery_limit` with a quorum queue, which counts them); nil = no limit.
    public var deliveryLimit: Int?
    /// Wait before the store is asked again to record an outcome it could not take (the delivery is held
    /// meanwhile, DESIGN §3 "Order of completion"); it doubles after each failure up to
    /// ``completionRetryMaxDelay``. Default 1 s.
    public var completionRetryDelay: Duration
    /// Longest wait between two such tries. Default 5 s.
    public var completionRetryMaxDelay: Duration

    /// Creates settings; defaults match DESIGN §1.4.
    public init(
        sourceAddress: String? = nil, addressPlan: AddressPlan = AddressPlan(), registeredDelivery: Bool = true,
        defaultAlphabet: DefaultAlphabet = .gsm7, concat: ConcatenationMethod = .udh8,
        messageIDFormat: MessageIDFormat = .raw, retry: RetryPolicy = RetryPolicy(), serviceType: String = "",
        protocolID: UInt8 = 0, gsmPartSize: GSMPartSize = .standard,
        resultsExchange: String = "smpp.results", deadExchange: String = "smpp.dead", deliveryLimit: Int? = nil,
        completionRetryDelay: Duration = .seconds(1), completionRetryMaxDelay: Duration = .seconds(5)
    ) {
        self.sourceAddress = sourceAddress
        self.addressPlan = addressPlan
        self.registeredDelivery = registeredDelivery
        self.defaultAlphabet = defaultAlphabet
        self.concat = concat
        self.messageIDFormat = messageIDFormat
        self.retry = retry
        self.serviceType = serviceType
        self.protocolID = protocolID
        self.gsmPartSize = gsmPartSize
        self.resultsExchange = resultsExchange
        self.deadExchange = deadExchange
        self.deliveryLimit = deliveryLimit
        self.completionRetryDelay = completionRetryDelay
        self.completionRetryMaxDelay = max(completionRetryDelay, completionRetryMaxDelay)
    }
}
