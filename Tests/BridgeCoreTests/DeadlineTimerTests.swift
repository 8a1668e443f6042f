@testable import BridgeCore
import Synchronization
import Testing

/// One task for many deadlines: each action runs once, not before its deadline, a cancelled one never; the task stops
/// once nothing is scheduled and starts again for the next.
@Suite(.timeLimit(.minutes(1))) struct DeadlineTimerTests {
    @Test func actionsRunAtTheirDeadlinesAndCancelledOnesNever() async throws {
        let timer = DeadlineTimer(tick: .milliseconds(10))
        let ran = Mutex<[(name: String, at: ContinuousClock.Instant)]>([])
        let start = ContinuousClock.now
        for (name, delay) in [("late", 60), ("early", 20), ("cancelled", 40), ("now", 0)] {
            let deadline = start + .milliseconds(delay)
            let token = timer.schedule(at: deadline) { ran.withLock { $0.append((name, .now)) } }
            if name == "cancelled" { timer.cancel(token) }
        }
        while timer.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        let order = ran.withLock { $0 }
        #expect(order.map(\.name) == ["now", "early", "late"])
        for (name, at) in order {
            let delay = ["now": 0, "early": 20, "late": 60][name] ?? 0
            #expect(at >= start + .milliseconds(delay), "\(name) ran before its deadline")
        }
        // Stopped; the next deadline starts it again.
        let again = Mutex(false)
        timer.schedule(at: .now) { again.withLock { $0 = true } }
        while timer.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        #expect(again.withLock { $0 })
    }
}
