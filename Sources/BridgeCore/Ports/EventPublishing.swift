public import RabbitMQ

/// One message for the broker: where it goes, its body and properties.
public struct OutgoingMessage: Sendable, Hashable {
    /// Target exchange.
    public var exchange: String
    /// Routing key.
    public var routingKey: String
    /// Body bytes.
    public var body: [UInt8]
    /// Properties (persistent, JSON, ids, type, timestamp).
    public var properties: AMQPProperties
    /// False: fail at once when the broker cannot take it now (no connection, publishing blocked) instead of
    /// waiting — for events whose SMSC retries the deliver_sm, where a late publish would duplicate the retry.
    public var waitsForConnection: Bool

    /// Creates a message.
    public init(
        exchange: String, routingKey: String, body: [UInt8], properties: AMQPProperties, waitsForConnection: Bool = true
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.waitsForConnection = waitsForConnection
    }
}

/// Publishes with confirms: returns once the broker confirmed the message, throws otherwise (DESIGN §2 `Ports/`).
/// ``AMQPPublisher`` is the real one; tests use fakes.
public protocol EventPublishing: Sendable {
    /// Publishes `message` and waits for the broker's confirm.
    func publish(_ message: OutgoingMessage) async throws
}

extension AMQPPublisher: EventPublishing {
    /// Publishes `message` (not mandatory: an event nobody subscribed to is the subscribers' choice).
    public func publish(_ message: OutgoingMessage) async throws {
        try await publish(message.body, exchange: message.exchange, routingKey: message.routingKey,
                          properties: message.properties, waitForConnection: message.waitsForConnection)
    }
}
