/// An error from the RabbitMQ layer: an opaque ``Code`` plus what the library or the broker said.
///
/// `libraryStatus` is librabbitmq's (negative) status when the library reported the failure; `replyCode` and
/// `replyText` are the AMQP reply (e.g. 403 ACCESS_REFUSED, 404 NOT_FOUND, 312 NO_ROUTE) when the broker did.
/// Never carries credentials.
public struct AMQPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. Compare with the static members; new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case invalidConfiguration, connectionFailed, authenticationFailed, tlsFailed, connectionLost
            case heartbeatTimeout, channelClosed, connectionClosedByBroker, publishNacked, unroutable
            case publishTimedOut, notConnected, consumerCancelled, staleDelivery, closed, operationFailed
            case invalidMessage, alreadySettled
        }
        let base: Base

        /// A configuration value (URL, TLS file, limit) is unusable; the message names it.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// The TCP connection or AMQP handshake failed (closed port, unresolvable host, handshake timeout).
        public static let connectionFailed = Code(base: .connectionFailed)
        /// The broker refused the user name or password (reply 403).
        public static let authenticationFailed = Code(base: .authenticationFailed)
        /// TLS failed: handshake, peer certificate or hostname verification, or unreadable CA/cert/key files.
        public static let tlsFailed = Code(base: .tlsFailed)
        /// The connection broke. For a publish: it was in flight, so the broker may or may not have it.
        public static let connectionLost = Code(base: .connectionLost)
        /// Nothing arrived from the broker for two heartbeat intervals.
        public static let heartbeatTimeout = Code(base: .heartbeatTimeout)
        /// The broker closed the channel (e.g. 404 on a passive declare or a publish to a missing exchange).
        public static let channelClosed = Code(base: .channelClosed)
        /// The broker closed the connection (e.g. 320 CONNECTION_FORCED at shutdown).
        public static let connectionClosedByBroker = Code(base: .connectionClosedByBroker)
        /// The broker answered a publish with basic.nack: it did not take responsibility for the message.
        public static let publishNacked = Code(base: .publishNacked)
        /// A mandatory publish could not be routed to any queue (basic.return, reply 312 NO_ROUTE).
        public static let unroutable = Code(base: .unroutable)
        /// A publish was sent but not confirmed within the confirm timeout; the broker may or may not have it.
        public static let publishTimedOut = Code(base: .publishTimedOut)
        /// The operation needs a connection and there was none (for a publish: it was never sent).
        public static let notConnected = Code(base: .notConnected)
        /// The broker cancelled the consumer (its queue was deleted); the consumer re-subscribes on reconnect.
        public static let consumerCancelled = Code(base: .consumerCancelled)
        /// The delivery came on an earlier connection; it cannot be acknowledged (the broker redelivers it).
        public static let staleDelivery = Code(base: .staleDelivery)
        /// The delivery was already acknowledged, nacked or rejected (also by an earlier `multiple`), or its tag was
        /// never delivered on this connection. Nothing was sent: the broker would have closed the channel (406
        /// PRECONDITION_FAILED, unknown delivery tag), costing a reconnect and the redelivery of every
        /// unacknowledged message. A bug in the caller; the consumer is unaffected.
        public static let alreadySettled = Code(base: .alreadySettled)
        /// The publisher or consumer was closed.
        public static let closed = Code(base: .closed)
        /// The publish cannot be encoded (exchange, routing key or a property over 255 octets, properties and
        /// headers larger than a frame); nothing was sent and the connection is unaffected. Retrying cannot help.
        public static let invalidMessage = Code(base: .invalidMessage)
        /// Any other library failure (the status says which).
        public static let operationFailed = Code(base: .operationFailed)

        /// The code's name, e.g. `connectionLost`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// librabbitmq's status (an `amqp_status_enum` value, negative), when the library reported the failure.
    public var libraryStatus: Int32?
    /// The AMQP reply code from the broker (connection.close, channel.close or basic.return), if any.
    public var replyCode: UInt16?
    /// The AMQP reply text from the broker, if any.
    public var replyText: String?
    /// A short explanation of what was being done.
    public var message: String

    /// One line per problem of an `.invalidConfiguration` error (each names its key), else the message.
    public var problemLines: [String] { message.split(separator: "\n").map(String.init) }

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        libraryStatus: Int32? = nil,
        replyCode: UInt16? = nil,
        replyText: String? = nil
    ) {
        self.code = code
        self.message = message
        self.libraryStatus = libraryStatus
        self.replyCode = replyCode
        self.replyText = replyText
    }

    /// One line: code, message, then the library status or AMQP reply when present.
    public var description: String {
        var text = "AMQPError.\(code): \(message)"
        if let libraryStatus { text += " (librabbitmq status \(libraryStatus))" }
        if let replyCode { text += " (AMQP \(replyCode) \(replyText ?? ""))" }
        return text
    }

    /// Whether the error leaves the connection unusable (as opposed to one channel or one operation).
    var breaksConnection: Bool {
        switch code.base {
        case .channelClosed, .publishNacked, .unroutable, .publishTimedOut, .notConnected, .staleDelivery,
            .invalidConfiguration, .invalidMessage, .alreadySettled:
            return false
        default:
            return true
        }
    }
}
