import SMPP
import Testing

@testable import BridgeCore
@testable import SMPPNIO

/// The registry/factory pair and its buckets.
@Suite struct HTTPMetricsSetupTests {
    @Test func timersBecomeSecondsHistogramsFromOneMillisecondToThirtySeconds() {
        let setup = BridgeMetricsSetup()
        let timer = setup.factory.makeTimer(label: "bridge_e2e_seconds", dimensions: [])
        timer.recordNanoseconds(500_000)  // 0.5 ms: in the first bucket
        timer.recordNanoseconds(20_000_000_000)  // 20 s: only in the 30 s bucket
        timer.recordNanoseconds(60_000_000_000)  // 60 s: only in +Inf
        let text = setup.registry.emitToString()
        #expect(text.contains("# TYPE bridge_e2e_seconds histogram\n"))
        #expect(text.contains(#"bridge_e2e_seconds_bucket{le="0.001"} 1"#))
        #expect(text.contains(#"bridge_e2e_seconds_bucket{le="10.0"} 1"#))
        #expect(text.contains(#"bridge_e2e_seconds_bucket{le="30.0"} 2"#))
        #expect(text.contains(#"bridge_e2e_seconds_bucket{le="+Inf"} 3"#))
        #expect(BridgeMetricsSetup.durationBuckets.first == .milliseconds(1))
        #expect(BridgeMetricsSetup.durationBuckets.last == .seconds(30))
        #expect(BridgeMetricsSetup.durationBuckets == BridgeMetricsSetup.durationBuckets.sorted())
    }

    @Test func aggregatingRecordersBecomeCountHistogramsAndOthersGauges() {
        let setup = BridgeMetricsSetup()
        setup.factory.makeRecorder(label: "bridge_segments", dimensions: [("mode", "udh8")], aggregate: true)
            .record(Int64(3))
        setup.factory.makeRecorder(label: "bridge_inflight", dimensions: [], aggregate: false).record(Int64(12))
        let text = setup.registry.emitToString()
        #expect(text.contains("# TYPE bridge_segments histogram\n"))
        #expect(text.contains(#"bridge_segments_bucket{mode="udh8",le="2.0"} 0"#))
        #expect(text.contains(#"bridge_segments_bucket{mode="udh8",le="5.0"} 1"#))
        #expect(text.contains(#"bridge_segments_bucket{mode="udh8",le="100000.0"} 1"#))
        #expect(text.contains("# TYPE bridge_inflight gauge\nbridge_inflight 12.0\n"))
        #expect(BridgeMetricsSetup.valueBuckets == BridgeMetricsSetup.valueBuckets.sorted())
    }

    @Test func dottedSwiftMetricsLabelsBecomeValidPrometheusNames() {
        let setup = BridgeMetricsSetup()
        setup.factory.makeCounter(label: "smpp.throttle.events", dimensions: [("smpp.session", "1")]).increment(by: 2)
        #expect(setup.registry.emitToString().contains(#"smpp_throttle_events{smpp_session="1"} 2"#))
    }

    @Test func eachSetupHasItsOwnRegistry() {
        let first = BridgeMetricsSetup()
        let second = BridgeMetricsSetup()
        first.factory.makeCounter(label: "only_in_first", dimensions: []).increment(by: 1)
        #expect(first.registry.emitToString().contains("only_in_first"))
        #expect(!second.registry.emitToString().contains("only_in_first"))
    }

    @Test func runOnceRunsTheFirstTimeOnly() async {
        let once = BridgeMetricsSetup.RunOnce()
        let ran = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { once.runOnce {} } }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(ran == 1)
    }

    /// The session metrics SMPPNIO reports land in the bridge's registry as the right Prometheus types.
    @Test func smppClientMetricsRenderThroughTheBridgeFactory() {
        let setup = BridgeMetricsSetup()
        let metrics = SMPPClientMetrics(factory: setup.factory)
        metrics.sessionBoundChanged(by: 2)
        metrics.submits(status: .ok).increment()
        metrics.submitFailed(.responseTimeout)
        metrics.windowOccupancy(session: 1).record(4)
        metrics.responseLatency.recordNanoseconds(40_000_000)
        metrics.inboundDeliverSM.increment()
        let text = setup.registry.emitToString()
        #expect(text.contains("# TYPE smpp_sessions_bound gauge\nsmpp_sessions_bound 2.0\n"))
        #expect(text.contains("smpp_submits_total{status=\"\(CommandStatus.ok.name)\"} 1\n"))
        #expect(text.contains("smpp_submits_total{status=\"\(SMPPClientError.Code.responseTimeout)\"} 1\n"))
        #expect(text.contains(#"smpp_window_occupancy{session="1"} 4.0"#))
        #expect(text.contains(#"smpp_response_latency_seconds_bucket{le="0.025"} 0"#))
        #expect(text.contains(#"smpp_response_latency_seconds_bucket{le="0.05"} 1"#))
        #expect(text.contains(#"smpp_inbound_total{command="deliver_sm"} 1"#))
    }
}
