import NIOCore
import NIOPosix
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

    /// setHandingBack(true): submits waiting for a session (none can bind here) fail at once with `.handedBack`,
    /// and so does every new one; off again, a submit waits as before. Nothing reaches the SMSC.
    @Test func handingBackFailsWaitingAndNewSubmitsUntilTurnedOff() async throws {
        let loopback = try await Loopback.start(client: { $0.password = "wrong"; $0.sessions = 1 })
        let client = loopback.client
        let waiting = (0..<3).map { index in Task { await submitResult(client, Loopback.message(index)) } }
        _ = await loopback.waitForEvent { if case .ended = $0 { true } else { false } }
        while client.pool.waitingCount < 3 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(client.setHandingBack(true) == 3)
        for task in waiting { #expect(await task.value.errorCode == .handedBack) }
        #expect(await submitResult(client, Loopback.message(3)).errorCode == .handedBack)
        #expect(client.setHandingBack(false) == 0)
        let later = Task { await submitResult(client, Loopback.message(4)) }
        while client.pool.waitingCount < 1 { try await Task.sleep(for: .milliseconds(5)) }
        later.cancel()
        #expect(await later.value.errorCode == .cancelled, "waited again, until cancelled")
        try await loopback.stop()
        #expect(loopback.simulator.records().isEmpty)
    }

    /// The submit without a task: its completion gets the SMSC's answer (on the session's event loop, where the
    /// response was read); withdrawn while held for a bind, it completes as cancelled and never reaches the SMSC.
    @Test func aSubmitWithoutATaskCompletesWithTheAnswerOrIsWithdrawn() async throws {
        let loopback = try await Loopback.start(client: { $0.sessions = 1 })
        await loopback.waitForBound(1)
        let answered = await withCheckedContinuation { continuation in
            _ = loopback.client.submit(Loopback.message(0)) { result in
                continuation.resume(returning: (result, MultiThreadedEventLoopGroup.currentEventLoop != nil))
            }
        }
        #expect((try? answered.0.get().commandStatus) == .ok && answered.1)
        #expect(loopback.simulator.records().count == 1)
        try await loopback.stop()

        let refused = try await Loopback.start(client: { $0.password = "wrong"; $0.sessions = 1 })
        _ = await refused.waitForEvent { if case .ended = $0 { true } else { false } }
        let withdrawn = await withCheckedContinuation { continuation in
            let withdrawal = refused.client.submit(Loopback.message(1)) { continuation.resume(returning: $0) }
            withdrawal.withdraw()
        }
        #expect(withdrawn.errorCode == .cancelled)
        try await refused.stop()
        #expect(refused.simulator.records().isEmpty)
    }
}
