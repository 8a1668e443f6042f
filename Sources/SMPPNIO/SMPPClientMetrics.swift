import Metrics
import NIOConcurrencyHelpers
import SMPP

/// The metrics an ``SMPPClient`` reports (swift-metrics; the backend is whatever the process bootstrapped).
/// Names, in one place: `smpp_sessions_bound`, `smpp_window_occupancy`, `smpp_submits_total{status}`,
/// `smpp_response_latency_seconds`, `smpp_reconnects_total`, `smpp_throttle_events_total`,
/// `smpp_enquire_link_misses_total`, `smpp_unexpected_responses_total`, `smpp_inbound_total{command}`.
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

    let sessionsBound = Gauge(label: sessionsBoundName)
    let responseLatency = Metrics.Timer(label: latencyName)
    let reconnects = Counter(label: reconnectsName)
    let throttleEvents = Counter(label: throttleName)
    let enquireLinkMisses = Counter(label: enquireLinkMissesName)
    let unexpectedResponses = Counter(label: unexpectedName)
    let inboundDeliverSM = Counter(label: inboundName, dimensions: [("command", "deliver_sm")])
    let inboundDataSM = Counter(label: inboundName, dimensions: [("command", "data_sm")])
    private let submitCounters = NIOLockedValueBox<[UInt32: Counter]>([:])
    private let bound = NIOLockedValueBox<Int>(0)

    /// The submits counter for one status (created once per status, then reused).
    func submits(status: CommandStatus) -> Counter {
        submitCounters.withLockedValue { counters in
            if let counter = counters[status.rawValue] { return counter }
            let counter = Counter(label: Self.submitsName, dimensions: [("status", status.name)])
            counters[status.rawValue] = counter
            return counter
        }
    }

    /// A submit that failed without a status (timeout, session lost, generic_nack).
    /// Requests outstanding on one session.
    func windowOccupancy(session: Int) -> Gauge {
        Gauge(label: Self.windowOccupancyName, dimensions: [("session", String(session))])
    }

    func submitFailed(_ code: SMPPClientError.Code) {
        Counter(label: Self.submitsName, dimensions: [("status", code.description)]).increment()
    }

    func sessionBoundChanged(by delta: Int) {
        let value = bound.withLockedValue { bound in
            bound += delta
            return bound
        }
        sessionsBound.record(value)
    }
}
