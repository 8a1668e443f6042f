import Metrics
import NIOConcurrencyHelpers
import SMPP

/// The metrics an ``SMPPClient`` reports (swift-metrics; the backend is whatever the process bootstrapped).
/// Names, in one place: `smpp_sessions_bound`, `smpp_window_occupancy`, `smpp_submits_total{status}`,
/// `smpp_response_latency_seconds`, `smpp_reconnects_total`, `smpp_throttle_events_total`,
/// `smpp_enquire_link_misses_total`, `smpp_unexpected_responses_total`, `smpp_inbound_total{command}`,
/// `smpp_inbound_refused_total` (deliver_sm/data_sm answered ESME_RX_T_APPN on arrival because the application
/// already held its maximum or the session was closing), `smpp_inbound_expired_total` (answered ESME_RX_T_APPN
/// because the application did not answer within the inbound timeout).
final class SMPPClientMetrics: Sendable {
    static let sessionsBoundName = "smpp_sessions_bound"
    static let windowOccupancyName = "smpp_window_occupancy"
    static let submitsName = "smpp_submits_total"
    static let latencyName = "smpp_response_latency_seconds"
    static let reconnectsName = "smpp_reconnects_total"
    static let throttleName = "smpp_throttle_events_total"
    static let enquireLinkMissesName = "smpp_enquire_link_misses_total"
    static let unexpectedName = "smpp_unexpected_responses_total"
    static let inboundName = "smpp_inbound_total"
    static let inboundRefusedName = "smpp_inbound_refused_total"
    static let inboundExpiredName = "smpp_inbound_expired_total"

    let factory: any MetricsFactory
    let sessionsBound: Gauge
    let responseLatency: Metrics.Timer
    let reconnects: Counter
    let throttleEvents: Counter
    let enquireLinkMisses: Counter
    let unexpectedResponses: Counter
    let inboundDeliverSM: Counter
    let inboundDataSM: Counter
    let inboundRefused: Counter
    let inboundExpired: Counter
    private let submitCounters = NIOLockedValueBox(StatusCounterTable())
    private let bound = NIOLockedValueBox<Int>(0)

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        sessionsBound = Gauge(label: Self.sessionsBoundName, factory: factory)
        responseLatency = Metrics.Timer(label: Self.latencyName, factory: factory)
        reconnects = Counter(label: Self.reconnectsName, factory: factory)
        throttleEvents = Counter(label: Self.throttleName, factory: factory)
        enquireLinkMisses = Counter(label: Self.enquireLinkMissesName, factory: factory)
        unexpectedResponses = Counter(label: Self.unexpectedName, factory: factory)
        inboundDeliverSM = Counter(label: Self.inboundName, dimensions: [("command", "deliver_sm")], factory: factory)
        inboundDataSM = Counter(label: Self.inboundName, dimensions: [("command", "data_sm")], factory: factory)
        inboundRefused = Counter(label: Self.inboundRefusedName, factory: factory)
        inboundExpired = Counter(label: Self.inboundExpiredName, factory: factory)
    }

    /// The submits counter for one status (created once per status, then reused; unnamed statuses beyond a few
    /// share one, see ``StatusCounterTable``).
    func submits(status: CommandStatus) -> Counter {
        submitCounters.withLockedValue { counters in
            counters.counter(for: status) { label in
                Counter(label: Self.submitsName, dimensions: [("status", label)], factory: factory)
            }
        }
    }

    /// A submit that failed without a status (timeout, session lost, generic_nack).
    /// Requests outstanding on one session.
    func windowOccupancy(session: Int) -> Gauge {
        Gauge(label: Self.windowOccupancyName, dimensions: [("session", String(session))], factory: factory)
    }

    func submitFailed(_ code: SMPPClientError.Code) {
        Counter(label: Self.submitsName, dimensions: [("status", code.description)], factory: factory).increment()
    }

    func sessionBoundChanged(by delta: Int) {
        let value = bound.withLockedValue { bound in
            bound += delta
            return bound
        }
        sessionsBound.record(value)
    }
}
