public import RabbitMQ
public import SMPPNIO

/// Everything `smpp-bridge run` needs (DESIGN §1.4): the SMPP sessions, the broker connection, and the bridge's own
/// settings. Build it with ``init(configReader:)`` or ``load(environment:configFile:secretsDirectory:)``; print it
/// with ``effectiveLines()``, which masks secrets.
public struct BridgeConfiguration: Sendable {
    /// The SMPP sessions (`smpp.host`, `smpp.system_id`, `smpp.password`, `smpp.tls.*`, `smpp.window`, …).
    public var smpp: SMPPClientConfiguration
    /// The broker connection (`amqp.url`, `amqp.heartbeat`, `amqp.tls.*`, …).
    public var amqp: AMQPConfiguration
    /// How requests become submits, and retries (`smpp.source.*`, `smpp.concat`, `smpp.max_attempts`, …).
    public var outbound: OutboundSettings
    /// Queue and exchange names, prefetch, declare (`amqp.queue`, `amqp.exchanges.*`, …).
    public var broker: BrokerSettings
    /// The store (`store.*`).
    public var store: StoreSettings
    /// Instances sharing the session slots (`cluster.*`).
    public var cluster: ClusterSettings
    /// Metrics and health (`http.*`).
    public var http: HTTPSettings
    /// Logging (`log.*`).
    public var log: LogSettings

    /// A configuration from its parts; every part not given takes its defaults.
    public init(
        smpp: SMPPClientConfiguration,
        amqp: AMQPConfiguration,
        outbound: OutboundSettings = OutboundSettings(),
        broker: BrokerSettings = BrokerSettings(),
        store: StoreSettings = StoreSettings(),
        cluster: ClusterSettings = ClusterSettings(),
        http: HTTPSettings = HTTPSettings(),
        log: LogSettings = LogSettings()
    ) {
        self.smpp = smpp
        self.amqp = amqp
        self.outbound = outbound
        self.broker = broker
        self.store = store
        self.cluster = cluster
        self.http = http
        self.log = log
    }
}

/// A configuration the bridge cannot run with: every problem found, one line each, the full key first
/// (`smpp.window: "ten" is not an integer`). Never contains a secret's value.
public struct BridgeConfigurationError: Error, Sendable, CustomStringConvertible {
    /// One line per problem, key first, in the order the keys were read.
    public var problems: [String]

    /// An error with these problems.
    public init(problems: [String]) {
        self.problems = problems
    }

    /// The problems, one per line.
    public var description: String {
        problems.joined(separator: "\n")
    }
}
