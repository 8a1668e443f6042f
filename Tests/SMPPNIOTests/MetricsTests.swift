import Metrics
import NIOCore
import MetricsTestKit
import SMPP
import SMSCSimulator
import Testing

@testable import SMPPNIO

/// The client's metrics, read back from a test metrics backend after a loopback run with faults.
@Suite(.timeLimit(.minutes(1)))
struct MetricsTests {
    @Test func submitsLatencyThrottleBoundAndReconnectsAreCounted() async throws {
        let metrics = TestMetrics()
        let loopback = try await Loopback.start(
            metrics: metrics,
            simulator: { $0.faults.throttleRate = 0.2; $0.faults.dropAfterPDUs = 60 },
            client: { $0.throttlePause = .milliseconds(5) })
        await loopback.waitForBound(2)
        #expect(try metrics.expectGauge(SMPPClientMetrics.sessionsBoundName).lastValue == 2)
        let outcomes = await loopback.submitAll(300)
        try await loopback.stopClient()
        let counters = loopback.simulator.counters
        await loopback.simulator.stop()

        let ok = outcomes.values.filter { (try? $0.get().commandStatus) == .ok }.count
        let throttled = outcomes.values.filter { (try? $0.get().commandStatus) == .throttled }.count
        let lost = outcomes.values.filter { $0.errorCode == .sessionLostOutcomeUnknown }.count
        #expect(ok + throttled + lost == 300)
        #expect(metrics.counterTotal(label: SMPPClientMetrics.submitsName,
                                     dimensions: [("status", "ESME_ROK")]) == Int64(ok))
        #expect(metrics.counterTotal(label: SMPPClientMetrics.submitsName,
                                     dimensions: [("status", "ESME_RTHROTTLED")]) == Int64(throttled))
        #expect(metrics.counterTotal(label: SMPPClientMetrics.submitsName,
                                     dimensions: [("status", "session_lost_outcome_unknown")]) == Int64(lost))
        #expect(metrics.counterTotal(label: SMPPClientMetrics.throttleName) == Int64(throttled))
        #expect(try metrics.expectTimer(SMPPClientMetrics.latencyName).values.count == ok + throttled)
        #expect(metrics.counterTotal(label: SMPPClientMetrics.reconnectsName) >= 1)
        #expect(counters.connectionsDropped > 0)
        #expect(try metrics.expectGauge(SMPPClientMetrics.sessionsBoundName).lastValue == 0)
    }
}

@Suite struct WindowOccupancyGaugeTests {
    /// The gauge was only recorded after events that reach `afterEvent`; a connection that dropped with requests
    /// outstanding left it at its last value, and the next session of the slot records only on a change.
    @Test func aDroppedConnectionSetsTheWindowOccupancyToZero() throws {
        let metrics = TestMetrics()
        let harness = try HandlerHarness(window: 2, metrics: SMPPClientMetrics(factory: metrics))
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        try harness.submit("b", results: results)
        let gauge = try metrics.expectGauge(SMPPClientMetrics.windowOccupancyName, [("session", "0")])
        #expect(gauge.lastValue == 2)
        harness.channel.pipeline.fireChannelInactive()
        #expect(results.all.count == 2)
        #expect(gauge.lastValue == 0)
    }
}
