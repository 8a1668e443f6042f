import NIOCore
import SMPP
import SMSCSimulator
import Testing

@testable import SMPPNIO

@Suite(.serialized, .timeLimit(.minutes(1)))
struct CancellationTests {
    @Test func cancellingASubmitHeldForABindCompletesItAsCancelled() async throws {
        let loopback = try await Loopback.start(client: { $0.password = "wrong"; $0.sessions = 1 })
        let client = loopback.client
        let task = Task { await submitResult(client, Loopback.message(0)) }
        _ = await loopback.waitForEvent { if case .ended = $0 { true } else { false } }
        task.cancel()
        #expect(await task.value.errorCode == .cancelled)
        try await loopback.stop()
        #expect(loopback.simulator.records().isEmpty)
    }

    @Test func cancellingQueuedSubmitsNeverSendsThemAndOthersComplete() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.faults.latency = .fixed(milliseconds: 200) },
            client: { $0.sessions = 1; $0.window = 2 })
        await loopback.waitForBound(1)
        let client = loopback.client
        // Two fill the window (200 ms each); the rest queue behind them in the session.
        var tasks: [Task<Result<SubmitOutcome, SMPPClientError>, Never>] = []
        for index in 0..<6 {
            tasks.append(Task { await submitResult(client, Loopback.message(index)) })
        }
        _ = await loopback.simulator.waitForCounters { $0.submitsReceived >= 2 }
        for task in tasks[3...] { task.cancel() }
        var results: [Result<SubmitOutcome, SMPPClientError>] = []
        for task in tasks { results.append(await task.value) }
        let cancelled = results.filter { $0.errorCode == .cancelled }.count
        let accepted = results.filter { (try? $0.get().commandStatus) == .ok }.count
        #expect(cancelled + accepted == 6)
        #expect(cancelled >= 1)
        #expect(loopback.simulator.records().count == accepted)
        try await loopback.stop()
    }
}
