import CoreMetrics
import NIOConcurrencyHelpers
public import Prometheus

/// The process's metrics: one Prometheus registry (what `/metrics` shows) and the swift-metrics factory that
/// fills it. Use `factory` directly (tests, several bridges in one process) or `bootstrapGlobal()` once at start.
///
/// Buckets: a swift-metrics `Timer` becomes a histogram in seconds with `durationBuckets` (1 ms … 30 s); a
/// `Recorder(aggregate: true)` becomes a histogram with `valueBuckets` (1 … 100 000, for counts and sizes);
/// a non-aggregating `Recorder` and a `Meter` become gauges.
public struct BridgeMetricsSetup: Sendable {
    /// What `/metrics` exposes.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory writing into `registry`, with the buckets above.
    public let factory: PrometheusMetricsFactory

    /// Histogram buckets for durations: 1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30 s.
    public static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// Histogram buckets for counts and sizes (segments per message, bytes, batch sizes): 1-2-5 steps from 1 to
    /// 100 000.
    public static let valueBuckets: [Double] = [
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
    ]

    /// Creates a fresh registry and a factory over it.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        factory.defaultValueHistogramBuckets = Self.valueBuckets
        self.registry = registry
        self.factory = factory
    }

    /// Makes `factory` the process-wide `MetricsSystem` factory. swift-metrics allows that once per process:
    /// the first call (from any `BridgeMetricsSetup`) bootstraps, every later call does nothing.
    public func bootstrapGlobal() {
        let factory = self.factory
        Self.globalBootstrap.runOnce { MetricsSystem.bootstrap(factory) }
    }

    static let globalBootstrap = RunOnce()

    /// Runs a closure the first time only, whatever the thread.
    final class RunOnce: Sendable {
        private let done = NIOLockedValueBox(false)

        /// Runs `body` if no earlier call ran one; returns whether it ran.
        @discardableResult
        func runOnce(_ body: () -> Void) -> Bool {
            done.withLockedValue { done in
                guard !done else { return false }
                done = true
                body()
                return true
            }
        }
    }
}
