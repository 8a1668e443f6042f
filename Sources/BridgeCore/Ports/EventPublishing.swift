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
    /// How long it may wait for a connection (or an unblock) before it is written. `.never` fails at once when
    /// the broker cannot take it now — for events whose SMSC retries the deliver_sm, where a late publish would
    /// duplicate the retry; `.atMost(…)` for the republish of such an event after a lost connection, bounded by the
    /// time left before the SMSC is answered.
    public var connectionWait: AMQPPublishWait
    /// False when the message may not wait at all for a connection (``connectionWait`` `.never`).
    public var waitsForConnection: Bool { connectionWait != .never }

    /// Creates a message.
    public init(
        exchange: String, routingKey: String, body: [UInt8], properties: AMQPProperties, waitsForConnection: Bool = true
    ) {
        self.init(
            exchange: exchange, routingKey: routingKey, body: body, properties: properties,
            connectionWait: waitsForConnection ? .untilConfirmTimeout : .never)
    }

    /// Creates a message with a bounded wait for a connection.
    public init(
        exchange: String, routingKey: String, body: [UInt8], properties: AMQPProperties, connectionWait: AMQPPublishWait
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.connectionWait = connectionWait
    }
}

/// Publishes with confirms: returns once the broker confirmed the message, throws otherwise (DESIGN §2 `Ports/`).
/// ``AMQPPublisher`` is the real one; tests use fakes.
public protocol EventPublishing: Sendable {
    /// Publishes `message` and waits for the broker's confirm.
    func publish(_ message: OutgoingMessage) async throws

    /// Publishes `message` without waiting: `completion` gets nil once the broker confirmed it, else the error
    /// ``publish(_:)`` would throw. It may run on any thread, also before this returns, and must be quick.
    func publish(_ message: OutgoingMessage, completion: @escaping @Sendable ((any Error)?) -> Void)

    /// Whether the broker connection is up now (a message that may not wait would be refused while it is not).
    /// Default true.
    var isConnected: Bool { get }
}

extension EventPublishing {
    /// Connected, unless the publisher knows better.
    public var isConnected: Bool { true }

    /// Runs ``publish(_:)`` in a task of its own.
    public func publish(_ message: OutgoingMessage, completion: @escaping @Sendable ((any Error)?) -> Void) {
        publishInTask(message, completion: completion)
    }

    /// ``publish(_:)`` in a task of its own, then `completion`.
    func publishInTask(_ message: OutgoingMessage, completion: @escaping @Sendable ((any Error)?) -> Void) {
        Task {
            do {
                try await publish(message)
                completion(nil)
            } catch {
                completion(error)
            }
        }
    }
}

extension AMQPPublisher: EventPublishing {
    /// Publishes `message` (not mandatory: an event nobody subscribed to is the subscribers' choice).
    public func publish(_ message: OutgoingMessage) async throws {
        try await publish(message.body, exchange: message.exchange, routingKey: message.routingKey,
                          properties: message.properties, connectionWait: message.connectionWait)
    }

    /// Publishes `message` with `completion` run on the publisher's thread (no task); in a task only when the
    /// publisher holds its maximum of publishes and this one must wait for room.
    public func publish(_ message: OutgoingMessage, completion: @escaping @Sendable ((any Error)?) -> Void) {
        let handedOver = publish(
            message.body, exchange: message.exchange, routingKey: message.routingKey, properties: message.properties,
            connectionWait: message.connectionWait, completion: { completion($0) })
        if !handedOver { publishInTask(message, completion: completion) }
    }
}
