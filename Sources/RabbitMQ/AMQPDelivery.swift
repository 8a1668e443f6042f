/// A message delivered to an ``AMQPConsumer``. Acknowledge it with ``AMQPConsumer/ack(_:multiple:)``,
/// ``AMQPConsumer/nack(_:multiple:requeue:)`` or ``AMQPConsumer/reject(_:requeue:)``; the layer never does.
public struct AMQPDelivery: Sendable {
    /// The message body.
    public var body: [UInt8]
    /// The message's properties and headers.
    public var properties: AMQPProperties
    /// The broker's delivery tag (per channel, from 1).
    public var deliveryTag: UInt64
    /// True when the broker delivered this message before (to this or another consumer) without an ack.
    public var redelivered: Bool
    /// The exchange the message was published to (empty for the default exchange).
    public var exchange: String
    /// The routing key it was published with.
    public var routingKey: String
    /// The consumer tag it was delivered to.
    public var consumerTag: String
    /// Which connection (1, 2, …) the delivery came on; acks are only valid on the same one.
    let generation: UInt64

    /// Which of the consumer's connections (1, 2, … counting reconnects; 0 for one made by hand) the delivery came
    /// on. After a reconnect the broker redelivers what was unacknowledged, with a higher generation; see
    /// ``AMQPConsumer/isCurrent(_:)``.
    public var connectionGeneration: UInt64 { generation }

    /// Creates a delivery (the consumer makes them; public for tests of code that handles deliveries).
    public init(
        body: [UInt8],
        properties: AMQPProperties = AMQPProperties(deliveryMode: nil),
        deliveryTag: UInt64,
        redelivered: Bool = false,
        exchange: String = "",
        routingKey: String = "",
        consumerTag: String = ""
    ) {
        self.init(
            body: body, properties: properties, deliveryTag: deliveryTag, redelivered: redelivered,
            exchange: exchange, routingKey: routingKey, consumerTag: consumerTag, generation: 0)
    }

    init(
        body: [UInt8], properties: AMQPProperties, deliveryTag: UInt64, redelivered: Bool, exchange: String,
        routingKey: String, consumerTag: String, generation: UInt64
    ) {
        self.body = body
        self.properties = properties
        self.deliveryTag = deliveryTag
        self.redelivered = redelivered
        self.exchange = exchange
        self.routingKey = routingKey
        self.consumerTag = consumerTag
        self.generation = generation
    }
}

/// Something that happened to a publisher's or consumer's connection, for logs, metrics and readiness.
public enum AMQPConnectionEvent: Sendable {
    /// Connected (first time or after a reconnect) to `node` and ready: topology declared, consuming or confirming.
    case connected(node: AMQPAddress)
    /// The connection was lost; a reconnect follows with backoff.
    case disconnected(AMQPError)
    /// The broker cancelled the consumer (queue deleted); it re-subscribes on the reconnect that follows.
    case consumerCancelled(AMQPError)
    /// The broker blocked publishing (resource alarm); publishes wait, none are dropped.
    case blocked(reason: String)
    /// The broker lifted the block.
    case unblocked
    /// The consumer rejected a delivery larger than ``AMQPConfiguration/maxMessageSize`` without requeueing it
    /// (dead-lettered if the queue has a dead-letter exchange); `size` and `limit` in bytes.
    case deliveryTooLarge(size: Int, limit: Int)
}
