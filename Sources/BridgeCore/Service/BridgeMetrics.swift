public import CoreMetrics
import Metrics
import NIOConcurrencyHelpers
import SMPP
import SMPPNIO

/// The bridge's own metrics (SMPP session and AMQP metrics come from their layers). Names follow Prometheus
/// conventions; every name is always used with the same dimension keys (the registry traps otherwise).
public final class BridgeMetrics: Sendable {
    let factory: any MetricsFactory
    private let requestCounters: [String: Counter]
    /// ESME_ROK, the status nearly every segment gets: made up front, so counting it takes no lock.
    private let segmentsAccepted: Counter
    /// Segments whose send ended without a knowable outcome.
    let segmentUnknown: Counter
    private let segmentCounters = NIOLockedValueBox(StatusCounterTable())
    private let receiptCounters = NIOLockedValueBox<[String: Counter]>([:])
    private let storeTimers: [StoreOperation: Timer]
    /// Received → result confirmed by the broker.
    let resultLatency: Timer
    /// Request submission: first send → last segment settled.
    let submitLatency: Timer
    /// Requests being worked on.
    let requestsInFlight: Gauge
    let moComplete: Counter
    let moIncomplete: Counter
    let lateOutcomes: Counter
    let inboundRefused: Counter
    /// Store transactions and reads that failed (``StoreHealth``).
    let storeFailures: Counter

    /// Outcomes counted in `smpp_bridge_requests_total`.
    static let requestOutcomes = [
        "accepted", "failed", "rejected", "expired", "unknown", "duplicate", "dead", "requeued",
    ]

    /// Creates the metrics through `factory`.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        var counters: [String: Counter] = [:]
        for outcome in Self.requestOutcomes {
            counters[outcome] = Counter(label: "smpp_bridge_requests_total", dimensions: [("outcome", outcome)], factory: factory)
        }
        requestCounters = counters
        segmentsAccepted = Counter(
            label: "smpp_bridge_segments_total", dimensions: [("command_status", CommandStatus.ok.name)], factory: factory)
        segmentUnknown = Counter(
            label: "smpp_bridge_segments_total", dimensions: [("command_status", "unknown")], factory: factory)
        var timers: [StoreOperation: Timer] = [:]
        for operation in StoreOperation.allCases {
            timers[operation] = Timer(
                label: "smpp_bridge_store_latency_seconds", dimensions: [("operation", operation.rawValue)],
                factory: factory)
        }
        storeTimers = timers
        resultLatency = Timer(label: "smpp_bridge_result_latency_seconds", dimensions: [], factory: factory)
        submitLatency = Timer(label: "smpp_bridge_submit_latency_seconds", dimensions: [], factory: factory)
        requestsInFlight = Gauge(label: "smpp_bridge_requests_in_flight", dimensions: [], factory: factory)
        moComplete = Counter(label: "smpp_bridge_mo_total", dimensions: [("complete", "true")], factory: factory)
        moIncomplete = Counter(label: "smpp_bridge_mo_total", dimensions: [("complete", "false")], factory: factory)
        lateOutcomes = Counter(label: "smpp_bridge_late_submit_responses_total", dimensions: [], factory: factory)
        inboundRefused = Counter(
            label: "smpp_bridge_inbound_deferred_total", dimensions: [], factory: factory)
        storeFailures = Counter(label: "smpp_bridge_store_failures_total", dimensions: [], factory: factory)
    }

    /// Counts one request outcome (one of ``requestOutcomes``).
    func request(_ outcome: String) {
        requestCounters[outcome]?.increment()
    }

    /// Counts one segment answer by command_status name.
    func segment(status: CommandStatus) {
        if status == .ok { return segmentsAccepted.increment() }
        segmentCounters.withLockedValue { counters in
            counters.counter(for: status) { label in
                Counter(label: "smpp_bridge_segments_total", dimensions: [("command_status", label)], factory: factory)
            }
        }.increment()
    }

    /// Counts one receipt by state and whether it matched a submit.
    func receipt(state: String, matched: Bool) {
        let key = "\(state)|\(matched)"
        counter(in: receiptCounters, key: key) {
            Counter(label: "smpp_bridge_receipts_total",
                    dimensions: [("state", state), ("matched", matched ? "true" : "false")], factory: factory)
        }.increment()
    }

    /// Records how long one store operation took.
    func store(_ operation: StoreOperation, took duration: Duration) {
        storeTimers[operation]?.record(duration: duration)
    }

    private func counter<Key: Hashable>(in box: NIOLockedValueBox<[Key: Counter]>, key: Key, make: () -> Counter) -> Counter {
        box.withLockedValue { counters in
            if let counter = counters[key] { return counter }
            let counter = make()
            counters[key] = counter
            return counter
        }
    }
}

/// The store calls the pipelines time (`smpp_bridge_store_latency_seconds{operation}`).
enum StoreOperation: String, CaseIterable, Sendable {
    /// Dedup and in-flight mark of a request about to be submitted.
    case begin
    /// Dedup of a rejected request.
    case lookup
    /// The outcome with its correlations.
    case complete
    /// Forgetting the in-flight mark of a request handed back before anything was sent.
    case release
}
