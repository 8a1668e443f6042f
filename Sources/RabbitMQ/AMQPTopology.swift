/// The queue implementation RabbitMQ uses.
public enum AMQPQueueType: String, Sendable, Hashable {
    /// Classic queue.
    case classic
    /// Quorum queue (replicated; always durable, never exclusive).
    case quorum
}

/// A queue to declare (or check, when the topology is passive).
public struct AMQPQueue: Sendable, Hashable {
    /// Queue name.
    public var name: String
    /// Classic or quorum. Default classic.
    public var type: AMQPQueueType
    /// Survives a broker restart. Default true.
    public var durable: Bool
    /// Deleted when its last consumer goes away. Default false.
    public var autoDelete: Bool
    /// Used only by the connection that declared it, and deleted when that connection closes. Default false.
    public var exclusive: Bool
    /// Where rejected or expired messages go (`x-dead-letter-exchange`). Default none.
    public var deadLetterExchange: String?
    /// Routing key for dead-lettered messages (`x-dead-letter-routing-key`). Default: the original key.
    public var deadLetterRoutingKey: String?
    /// Further `x-` arguments.
    public var arguments: AMQPTable

    /// Creates a queue description; durable classic by default.
    public init(
        name: String,
        type: AMQPQueueType = .classic,
        durable: Bool = true,
        autoDelete: Bool = false,
        exclusive: Bool = false,
        deadLetterExchange: String? = nil,
        deadLetterRoutingKey: String? = nil,
        arguments: AMQPTable = [:]
    ) {
        self.name = name
        self.type = type
        self.durable = durable
        self.autoDelete = autoDelete
        self.exclusive = exclusive
        self.deadLetterExchange = deadLetterExchange
        self.deadLetterRoutingKey = deadLetterRoutingKey
        self.arguments = arguments
    }

    /// The declare arguments: `arguments` plus the queue type and dead-letter settings.
    var declareArguments: AMQPTable {
        var table = arguments
        if type == .quorum { table["x-queue-type"] = .string("quorum") }
        if let deadLetterExchange { table["x-dead-letter-exchange"] = .string(deadLetterExchange) }
        if let deadLetterRoutingKey { table["x-dead-letter-routing-key"] = .string(deadLetterRoutingKey) }
        return table
    }
}

/// The kind of an exchange.
public enum AMQPExchangeType: String, Sendable, Hashable {
    /// Routes on exact routing key.
    case direct
    /// Routes on routing-key patterns (`*`, `#`).
    case topic
    /// Routes to every bound queue.
    case fanout
    /// Routes on header values.
    case headers
}

/// An exchange to declare (or check).
public struct AMQPExchange: Sendable, Hashable {
    /// Exchange name.
    public var name: String
    /// Kind. Default topic.
    public var type: AMQPExchangeType
    /// Survives a broker restart. Default true.
    public var durable: Bool
    /// Deleted when its last binding goes away. Default false.
    public var autoDelete: Bool
    /// Further arguments.
    public var arguments: AMQPTable

    /// Creates an exchange description; durable topic by default.
    public init(
        name: String, type: AMQPExchangeType = .topic, durable: Bool = true, autoDelete: Bool = false,
        arguments: AMQPTable = [:]
    ) {
        self.name = name
        self.type = type
        self.durable = durable
        self.autoDelete = autoDelete
        self.arguments = arguments
    }
}

/// A binding of a queue to an exchange.
public struct AMQPBinding: Sendable, Hashable {
    /// Queue name.
    public var queue: String
    /// Exchange name.
    public var exchange: String
    /// Binding key (pattern for topic exchanges; ignored by fanout).
    public var routingKey: String
    /// Binding arguments (for headers exchanges).
    public var arguments: AMQPTable

    /// Creates a binding.
    public init(queue: String, exchange: String, routingKey: String = "", arguments: AMQPTable = [:]) {
        self.queue = queue
        self.exchange = exchange
        self.routingKey = routingKey
        self.arguments = arguments
    }
}

/// Exchanges, queues and bindings to set up on every (re)connect, in that order.
public struct AMQPTopology: Sendable, Hashable {
    /// Exchanges, declared first.
    public var exchanges: [AMQPExchange]
    /// Queues, declared second.
    public var queues: [AMQPQueue]
    /// Bindings, declared last (skipped when passive: AMQP 0-9-1 cannot check a binding).
    public var bindings: [AMQPBinding]
    /// Only check that exchanges and queues exist (a missing one is a 404 `channelClosed` error). Default false.
    public var passive: Bool

    /// Creates a topology; empty by default.
    public init(
        exchanges: [AMQPExchange] = [], queues: [AMQPQueue] = [], bindings: [AMQPBinding] = [], passive: Bool = false
    ) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
        self.passive = passive
    }
}

/// What the broker reported about a queue on declare.
public struct AMQPQueueInfo: Sendable, Hashable {
    /// Queue name (the server-chosen one for an empty name).
    public var name: String
    /// Messages ready for delivery.
    public var messageCount: UInt32
    /// Active consumers.
    public var consumerCount: UInt32

    /// Creates a queue report.
    public init(name: String, messageCount: UInt32, consumerCount: UInt32) {
        self.name = name
        self.messageCount = messageCount
        self.consumerCount = consumerCount
    }
}
