public import struct Foundation.Date

/// Whether the broker writes a message to disk (AMQP `delivery_mode`).
public enum AMQPDeliveryMode: UInt8, Sendable, Hashable {
    /// Delivery mode 1: kept in memory only.
    case transient = 1
    /// Delivery mode 2: survives a broker restart on a durable queue.
    case persistent = 2
}

/// The basic content properties of a message. `nil` means "not set".
public struct AMQPProperties: Sendable, Hashable {
    /// MIME type of the body, e.g. `application/json`.
    public var contentType: String?
    /// Content encoding of the body, e.g. `gzip`.
    public var contentEncoding: String?
    /// Application headers.
    public var headers: AMQPTable
    /// Transient or persistent; default persistent.
    public var deliveryMode: AMQPDeliveryMode?
    /// Priority 0...9 for priority queues.
    public var priority: UInt8?
    /// Correlation id (the bridge puts the request id here).
    public var correlationID: String?
    /// Reply-to queue name.
    public var replyTo: String?
    /// Per-message TTL in milliseconds, as a decimal string.
    public var expiration: String?
    /// Message id.
    public var messageID: String?
    /// Creation time (whole seconds on the wire).
    public var timestamp: Date?
    /// Message type name.
    public var type: String?
    /// Validated user id (the broker checks it against the connection's user).
    public var userID: String?
    /// Creating application's id.
    public var appID: String?

    /// Creates properties; only `deliveryMode` has a value by default (persistent).
    public init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        headers: AMQPTable = [:],
        deliveryMode: AMQPDeliveryMode? = .persistent,
        priority: UInt8? = nil,
        correlationID: String? = nil,
        replyTo: String? = nil,
        expiration: String? = nil,
        messageID: String? = nil,
        timestamp: Date? = nil,
        type: String? = nil,
        userID: String? = nil,
        appID: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
    }
}
