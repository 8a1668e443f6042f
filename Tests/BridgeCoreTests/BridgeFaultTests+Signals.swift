import Foundation
import SMSCSimulator
import Testing

extension BridgeFaultTests {
    /// The real `smpp-bridge run` process gets SIGTERM and, while its graceful shutdown still waits for answers the
    /// simulator holds back for 10 s, a second SIGTERM: it exits at once with 128 + 15 (the cancelled shutdown
    /// returned before the 5 s backstop, which would exit with 1; the graceful path could not have ended before
    /// the answers came). Started again on the same store, every request ends with exactly one result, a message
    /// reaches the simulator twice only where its result says possible_duplicate, and every receipt is published.
    @Test(.enabled(if: BridgeExecutable.available, "the smpp-bridge executable is not built next to the tests"))
    func aSecondSignalStopsTheBridgeAtOnceAndLosesNothing() async throws {
        // The simulator delays every answer, bind_resp included, so the bind timeout is longer than the delay; its
        // receipts come after the answers (else they would outlast the bridge's receipt hold and go unmatched).
        let harness = try await ProcessBridgeHarness(
            simulator: { simulator in
                simulator.faults.latency = .fixed(milliseconds: 10_000)
                simulator.dlrDelayMilliseconds = 12_000
            },
            environment: ["SMPP_BIND_TIMEOUT": "30"])
        do {
            // 30 requests fit the harness's windows (2 sessions × 20): all are written and wait for their answers.
            try await interruptAndCheck(harness, count: 30, resultsFirst: 0) { harness in
                let submitted = await harness.simulator.waitForCounters(timeout: .seconds(30)) { $0.submitsReceived >= 30 }
                #expect(submitted, "the simulator did not receive the 30 submits: \(harness.simulator.counters)")
                let status = try await harness.terminateTwiceAndRestart()
                #expect(status == 128 + SIGTERM, "exit status after two SIGTERMs")
                let log = harness.logTail(200)
                #expect(log.contains("second signal"), "no line about the second signal in the log:\n\(log)")
                return "two SIGTERMs (exit status \(status))"
            }
        } catch {
            Issue.record("\(error)\nbridge log:\n\(harness.logTail())")
        }
        let status = await harness.stop()
        #expect(status == 0, "the restarted bridge's exit status after one SIGTERM")
    }
}
