public import struct Foundation.Date
public import SMPP

/// A validated send request (DESIGN §1.2), as ``SendRequestDecoder`` produces it.
public struct SendRequest: Sendable, Hashable {
    /// What to send: Unicode text the bridge encodes, or octets it sends as they are.
    public enum Content: Sendable, Hashable {
        /// Text in Unicode, non-empty; encoded per ``SendRequest/encoding``.
        case text(String)
        /// A raw 8-bit payload with its `data_coding` (default 4) and an optional user data header (both decoded
        /// from base64).
        case binary(payload: [UInt8], dataCoding: UInt8, udh: [UInt8]?)
    }

    /// The caller's request id, 1–64 Unicode scalars and at most 255 UTF-8 bytes (an AMQP short string): from the
    /// body's `"id"`, else the AMQP `message_id` property. The dedup key.
    public var id: String
    /// The destination as given: `+` then 1–20 digits, or 1–20 digits.
    public var to: String
    /// The sender as given, or nil for the configured `smpp.source.addr`.
    public var from: String?
    /// The message.
    public var content: Content
    /// How text is encoded; default `.auto`. Ignored for binary content.
    public var encoding: TextEncoding
    /// Whether to request a delivery receipt; nil = `smpp.registered_delivery`.
    public var dlr: Bool?
    /// Relative validity period in seconds (1…``SendRequestDecoder/maxValiditySeconds``), or nil for none.
    public var validity: Int?
    /// Absolute schedule_delivery_time, or nil.
    public var scheduleAt: Date?
    /// When still unsent at this time the result is `expired` and nothing is submitted; nil = never.
    public var expiresAt: Date?
    /// priority_flag 0–3; default 0.
    public var priority: UInt8
    /// How a long message is split; nil = `smpp.concat`.
    public var concat: ConcatenationMethod?
    /// service_type (at most 5 printable ASCII characters), or nil for the configured one.
    public var serviceType: String?
    /// protocol_id, or nil for the configured one.
    public var protocolID: UInt8?
    /// Extra optional parameters in the order written (a tag written twice keeps its last value, in its first
    /// place). Never one of the tags the bridge sets itself (``SendRequestDecoder/reservedTLVTags``).
    public var tlvs: [TLV]
    /// The `metadata` object's bytes exactly as in the request (at most 4096), or nil.
    public var metadata: [UInt8]?

    /// Creates a request; every optional part defaults to "not given".
    public init(
        id: String,
        to: String,
        from: String? = nil,
        content: Content,
        encoding: TextEncoding = .auto,
        dlr: Bool? = nil,
        validity: Int? = nil,
        scheduleAt: Date? = nil,
        expiresAt: Date? = nil,
        priority: UInt8 = 0,
        concat: ConcatenationMethod? = nil,
        serviceType: String? = nil,
        protocolID: UInt8? = nil,
        tlvs: [TLV] = [],
        metadata: [UInt8]? = nil
    ) {
        self.id = id
        self.to = to
        self.from = from
        self.content = content
        self.encoding = encoding
        self.dlr = dlr
        self.validity = validity
        self.scheduleAt = scheduleAt
        self.expiresAt = expiresAt
        self.priority = priority
        self.concat = concat
        self.serviceType = serviceType
        self.protocolID = protocolID
        self.tlvs = tlvs
        self.metadata = metadata
    }
}

/// What decoding a request body came to.
public enum RequestDecoding: Sendable, Hashable {
    /// A request to submit.
    case valid(SendRequest)
    /// A usable id, but a wrong field: publish a `rejected` result naming it.
    case rejected(RequestRejection)
    /// No usable id (not JSON and no usable `message_id`, no id, id not a string of 1–64…): the message goes to
    /// `smpp.dead` with `reason`.
    case unidentifiable(reason: String)
}

/// Why a request with a usable id is refused, with what the `rejected` result echoes.
public struct RequestRejection: Sendable, Hashable {
    /// The request id the result carries.
    public var requestID: String
    /// The field at fault, e.g. `to`, `priority`, `tlvs.1403`, `metadata`; `body` when the body is not a JSON
    /// object at all (the id then came from `message_id`).
    public var field: String
    /// One line saying what is wrong; echoes at most a short prefix of the offending value.
    public var reason: String
    /// The request's `to` when it was a string (at most 64 characters echoed).
    public var to: String?
    /// The request's `from` when it was a string (at most 64 characters echoed).
    public var from: String?
    /// The request's `metadata` bytes, verbatim, when it was an object of at most 4096 bytes.
    public var metadata: [UInt8]?

    /// Creates a rejection.
    public init(
        requestID: String,
        field: String,
        reason: String,
        to: String? = nil,
        from: String? = nil,
        metadata: [UInt8]? = nil
    ) {
        self.requestID = requestID
        self.field = field
        self.reason = reason
        self.to = to
        self.from = from
        self.metadata = metadata
    }
}
