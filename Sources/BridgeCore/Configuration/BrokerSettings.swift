public import RabbitMQ

/// The bridge's names and habits on the broker: the `amqp.*` keys that are not connection settings (those are
/// `AMQPConfiguration`'s). DESIGN §1.1 and §1.4.
public struct BrokerSettings: Sendable {
    /// The queue of send requests (`amqp.queue`); default `smpp.outbound`.
    public var queue: String = "smpp.outbound"
    /// The topic exchange of submit results (`amqp.exchanges.results`); default `smpp.results`.
    public var resultsExchange: String = "smpp.results"
    /// The topic exchange of delivery receipts (`amqp.exchanges.dlr`); default `smpp.dlr`.
    public var dlrExchange: String = "smpp.dlr"
    /// The topic exchange of inbound messages (`amqp.exchanges.mo`); default `smpp.mo`.
    public var moExchange: String = "smpp.mo"
    /// The fanout exchange of requests that could not be handled at all (`amqp.exchanges.dead`); default
    /// `smpp.dead`.
    public var deadExchange: String = "smpp.dead"
    /// The queue bound to ``deadExchange`` (`amqp.dead_queue`); default `smpp.dead`.
    public var deadQueue: String = "smpp.dead"
    /// Unacknowledged requests the broker may hand the bridge at once (`amqp.prefetch`, 1–65535); default nil =
    /// ``effectivePrefetch(sessions:window:)``'s sessions × window × 2.
    public var prefetch: Int?
    /// Declare the topology at start (`amqp.declare`); false only checks that it exists (passive declares, for
    /// brokers where the bridge may not configure). Default true.
    public var declare: Bool = true
    /// The type of ``queue`` and ``deadQueue`` when the bridge declares them (`amqp.queue_type`: classic or
    /// quorum). Default nil: `BridgeConfiguration` sets quorum when `amqp.url` lists several nodes (a cluster: a
    /// quorum queue is replicated and survives the loss of a node; a classic queue lives on one node and is
    /// unavailable while that node is down), else classic (one node: nothing to replicate to). ``topology`` treats
    /// nil as classic.
    public var queueType: String?
    /// How many times a request may be redelivered before it is dead-lettered (`amqp.delivery_limit`, 0–10000;
    /// 0 = no limit); default 20. Quorum queues only: they count redeliveries (`x-delivery-count`) and enforce it
    /// (`x-delivery-limit`), and the bridge dead-letters a request that reaches it with the reason in a header
    /// before trying it once more. Classic queues do not count, so the key does nothing for them.
    public var deliveryLimit: Int = 20

    /// The defaults.
    public init() {}

    /// The largest prefetch ``effectivePrefetch(sessions:window:)`` derives by itself: enough to keep 50 sessions
    /// of window 100 busy, while bounding the request bodies held in memory.
    public static let derivedPrefetchCap = 10_000

    /// ``prefetch`` when set; otherwise sessions × window × 2 — every window full and as many waiting behind it —
    /// at least 1 and at most ``derivedPrefetchCap``.
    public func effectivePrefetch(sessions: Int, window: Int) -> UInt16 {
        if let prefetch { return UInt16(clamping: max(1, prefetch)) }
        let (perSession, overflow1) = max(0, window).multipliedReportingOverflow(by: 2)
        let (total, overflow2) = max(0, sessions).multipliedReportingOverflow(by: perSession)
        let derived = overflow1 || overflow2 ? Self.derivedPrefetchCap : min(total, Self.derivedPrefetchCap)
        return UInt16(max(1, derived))
    }

    /// What the bridge declares at start (DESIGN §1.1) under these names: the results, dlr and mo topic exchanges, the
    /// dead fanout exchange, the request queue (dead-lettering to it) and the dead queue bound to it; passive when
    /// ``declare`` is false.
    public var topology: AMQPTopology {
        let type = queueType.flatMap(AMQPQueueType.init(rawValue:)) ?? .classic
        var requestArguments: AMQPTable = [:]
        if type == .quorum {
            if deliveryLimit > 0 { requestArguments["x-delivery-limit"] = .int64(Int64(deliveryLimit)) }
            // Dead-lettering from a quorum queue is at-most-once unless it is at-least-once, which RabbitMQ allows
            // only with overflow reject-publish (the queue has no length limit, so it never rejects for that).
            requestArguments["x-dead-letter-strategy"] = .string("at-least-once")
            requestArguments["x-overflow"] = .string("reject-publish")
        }
        return AMQPTopology(
            exchanges: [
                AMQPExchange(name: resultsExchange, type: .topic),
                AMQPExchange(name: dlrExchange, type: .topic),
                AMQPExchange(name: moExchange, type: .topic),
                AMQPExchange(name: deadExchange, type: .fanout),
            ],
            queues: [
                AMQPQueue(name: queue, type: type, deadLetterExchange: deadExchange, arguments: requestArguments),
                AMQPQueue(name: deadQueue, type: type),
            ],
            bindings: [AMQPBinding(queue: deadQueue, exchange: deadExchange)],
            passive: !declare)
    }
}
