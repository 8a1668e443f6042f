public import CoreMetrics
import Metrics
import NIOConcurrencyHelpers
public import RabbitMQ

/// The broker side of the bridge, as metrics (the RabbitMQ layer has none of its own):
/// `amqp_connected{connection,node}` (1 while the consumer's or publisher's connection is up on that broker node,
/// `host:port`; 0 for the nodes it used before; before the first connection the series has `node=""`),
/// `amqp_connection_losses_total{connection,node}` (the node the lost connection was on), `amqp_blocked` (1 while the broker blocks publishing: a resource
/// alarm), `amqp_deliveries_total` (requests taken from the queue), `amqp_oversized_deliveries_total`,
/// `amqp_publishes_total{type,outcome}` (`confirmed` or `failed`), `amqp_publish_confirm_seconds{type}` (publish
/// call → broker confirm) and `amqp_settlements_total{settlement}` (`ack` or `requeue`).
public final class AMQPMetrics: Sendable {
    /// The event types the bridge publishes; anything else (dead letters) is counted as `other`.
    static let publishTypes = ["submit_result", "delivery_receipt", "mo", "other"]

    private let factory: any MetricsFactory
    /// Per connection: its gauges by node, its losses by node, and the node it is (or was last) connected to.
    private let connections: NIOLockedValueBox<[String: ConnectionSeries]>
    private let blocked: Gauge
    let deliveries: Counter
    let oversizedDeliveries: Counter
    private let confirmed: [String: Counter]
    private let failed: [String: Counter]
    private let confirmLatency: [String: Timer]
    let acks: Counter
    let requeues: Counter

    /// Creates every series up front (a publish or an event then takes no lock).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        var series: [String: ConnectionSeries] = [:]
        for connection in ["consumer", "publisher"] {
            let gauge = Gauge(label: "amqp_connected", dimensions: [("connection", connection), ("node", "")], factory: factory)
            gauge.record(0)
            series[connection] = ConnectionSeries(gauges: ["": gauge], losses: [:], node: "")
        }
        connections = NIOLockedValueBox(series)
        blocked = Gauge(label: "amqp_blocked", dimensions: [], factory: factory)
        deliveries = Counter(label: "amqp_deliveries_total", dimensions: [], factory: factory)
        oversizedDeliveries = Counter(label: "amqp_oversized_deliveries_total", dimensions: [], factory: factory)
        func perType<M>(_ make: (String) -> M) -> [String: M] {
            Dictionary(uniqueKeysWithValues: Self.publishTypes.map { ($0, make($0)) })
        }
        confirmed = perType {
            Counter(label: "amqp_publishes_total", dimensions: [("type", $0), ("outcome", "confirmed")], factory: factory)
        }
        failed = perType {
            Counter(label: "amqp_publishes_total", dimensions: [("type", $0), ("outcome", "failed")], factory: factory)
        }
        confirmLatency = perType {
            Timer(label: "amqp_publish_confirm_seconds", dimensions: [("type", $0)], factory: factory)
        }
        acks = Counter(label: "amqp_settlements_total", dimensions: [("settlement", "ack")], factory: factory)
        requeues = Counter(label: "amqp_settlements_total", dimensions: [("settlement", "requeue")], factory: factory)
        blocked.record(0)
    }

    /// Records what a connection reported; `connection` is `consumer` or `publisher`.
    public func record(_ event: AMQPConnectionEvent, connection: String) {
        switch event {
        case .connected(let node):
            connectionChanged(connection, upOn: "\(node)")
        case .disconnected:
            connectionChanged(connection, upOn: nil)
            if connection == "publisher" { blocked.record(0) }
        case .blocked:
            blocked.record(1)
        case .unblocked:
            blocked.record(0)
        case .deliveryTooLarge:
            oversizedDeliveries.increment()
        case .consumerCancelled:
            break
        }
    }

    /// Up on `upOn`: that node's gauge 1 and every other 0. Down (nil): the current node's gauge 0 and one more
    /// loss counted on it.
    private func connectionChanged(_ connection: String, upOn: String?) {
        let up = upOn != nil
        connections.withLockedValue { all in
            var series = all[connection] ?? ConnectionSeries(gauges: [:], losses: [:], node: "")
            let node = upOn ?? series.node
            if up {
                for (other, gauge) in series.gauges where other != node { gauge.record(0) }
            } else {
                let losses = series.losses[node] ?? Counter(
                    label: "amqp_connection_losses_total", dimensions: [("connection", connection), ("node", node)],
                    factory: factory)
                series.losses[node] = losses
                losses.increment()
            }
            let gauge = series.gauges[node] ?? Gauge(
                label: "amqp_connected", dimensions: [("connection", connection), ("node", node)], factory: factory)
            series.gauges[node] = gauge
            gauge.record(up ? 1 : 0)
            series.node = node
            all[connection] = series
        }
    }

    /// Records one publish: its type (the AMQP `type` property), whether the broker confirmed it, and how long that
    /// took.
    func published(type: String?, confirmed wasConfirmed: Bool, after duration: Duration) {
        let key = type.flatMap { confirmed[$0] == nil ? nil : $0 } ?? "other"
        if wasConfirmed {
            confirmed[key]?.increment()
            confirmLatency[key]?.record(duration: duration)
        } else {
            failed[key]?.increment()
        }
    }
}

/// One connection's series.
private struct ConnectionSeries {
    var gauges: [String: Gauge]
    var losses: [String: Counter]
    var node: String
}

/// An ``EventPublishing`` that counts and times every publish of the one it wraps.
struct MeteredPublisher: EventPublishing {
    let publisher: any EventPublishing
    let metrics: AMQPMetrics

    var isConnected: Bool { publisher.isConnected }

    func publish(_ message: OutgoingMessage) async throws {
        let start = ContinuousClock.now
        do {
            try await publisher.publish(message)
        } catch {
            metrics.published(type: message.properties.type, confirmed: false, after: ContinuousClock.now - start)
            throw error
        }
        metrics.published(type: message.properties.type, confirmed: true, after: ContinuousClock.now - start)
    }

    func publish(_ message: OutgoingMessage, completion: @escaping @Sendable ((any Error)?) -> Void) {
        let start = ContinuousClock.now
        let (metrics, type) = (self.metrics, message.properties.type)
        publisher.publish(message) { error in
            metrics.published(type: type, confirmed: error == nil, after: ContinuousClock.now - start)
            completion(error)
        }
    }
}
