@testable import BridgeCore
import NIOConcurrencyHelpers
import Testing

/// Shutdown's view of the requests in flight: tasks and callback requests alike are waited for, and what is left
/// after the drain timeout is cancelled and then waited for.
@Suite struct InFlightRequestsTests {
    @Test func theDrainWaitsForCallbackRequestsThatFinishInTime() async throws {
        let requests = InFlightRequests()
        let cancelled = NIOLockedValueBox(false)
        let registered = requests.register { cancelled.withLockedValue { $0 = true } }
        #expect(requests.count == 1)
        let drain = Task { await requests.drain(timeout: .seconds(30)) }
        // Ends while the drain waits for it.
        for _ in 0..<2_000 where requests.drainWaiterCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(requests.drainWaiterCount == 1)
        requests.finished(registered)
        #expect(await drain.value == 0)
        #expect(!cancelled.withLockedValue { $0 } && requests.count == 0)
    }

    /// The count is told after every start and end (the `smpp_bridge_requests_in_flight` gauge): it goes back to 0
    /// once the requests ended (it was recorded only when a request started, so it never went below 1).
    @Test func everyStartAndEndTellsTheCount() async throws {
        let told = NIOLockedValueBox<[Int]>([])
        let requests = InFlightRequests(onCountChange: { count in told.withLockedValue { $0.append(count) } })
        let first = requests.register {}
        let gate = AsyncStream<Void>.makeStream()
        requests.start { for await _ in gate.stream {} }
        requests.finished(first)
        gate.continuation.finish()
        await requests.waitUntilDrained()
        #expect(told.withLockedValue { $0 } == [1, 2, 1, 0])
    }

    /// A drain whose own task is cancelled (a second signal) does not return at once with the requests still
    /// running: it cancels them and waits for their hand-backs.
    @Test func aCancelledDrainCancelsTheRequestsAndWaitsForTheirHandBack() async throws {
        let requests = InFlightRequests()
        let handedBack = NIOLockedValueBox(false)
        requests.start {
            let (never, continuation) = AsyncStream<Never>.makeStream()
            for await _ in never {}
            continuation.finish()
            await Task.yield()  // the hand-back's nack: after the cancellation, asynchronously
            handedBack.withLockedValue { $0 = true }
        }
        let drain = Task { await requests.drain(timeout: .seconds(30)) }
        for _ in 0..<2_000 where requests.drainWaiterCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        drain.cancel()
        #expect(await drain.value == 1)
        #expect(handedBack.withLockedValue { $0 } && requests.count == 0)
    }

    /// A second signal after the drain's own timeout (the requests already cancelled, their hand-backs still
    /// storing correlations) does not cut that wait short: the store would otherwise close under them.
    @Test func aDrainCancelledAfterItsTimeoutStillWaitsForTheHandBacks() async throws {
        let requests = InFlightRequests()
        let cancelled = NIOLockedValueBox(false)
        let id = NIOLockedValueBox<UInt64>(0)
        let registered = requests.register {
            cancelled.withLockedValue { $0 = true }
            Task {
                try? await Task.sleep(for: .milliseconds(300))  // the hand-back's store write and nack
                requests.finished(id.withLockedValue { $0 })
            }
        }
        id.withLockedValue { $0 = registered }
        let drain = Task { await requests.drain(timeout: .milliseconds(50)) }
        for _ in 0..<2_000 where !cancelled.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        for _ in 0..<2_000 where requests.drainWaiterCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(cancelled.withLockedValue { $0 } && requests.drainWaiterCount == 1)
        drain.cancel()
        #expect(await drain.value == 1)
        #expect(requests.count == 0, "the drain returned with a hand-back still running")
    }

    @Test func whatIsLeftAfterTheTimeoutIsCancelledThenWaitedFor() async {
        let requests = InFlightRequests()
        let ids = NIOLockedValueBox<[UInt64]>([])
        for _ in 0..<3 {
            // A callback request that ends only when cancelled (a submit waiting for a session).
            let id = NIOLockedValueBox<UInt64>(0)
            let registered = requests.register {
                Task { requests.finished(id.withLockedValue { $0 }) }
            }
            id.withLockedValue { $0 = registered }
            ids.withLockedValue { $0.append(registered) }
        }
        requests.start {
            // A task that ends only when cancelled.
            let (never, continuation) = AsyncStream<Never>.makeStream()
            for await _ in never {}
            continuation.finish()
        }
        #expect(requests.count == 4)
        #expect(await requests.drain(timeout: .milliseconds(50)) == 4)
        #expect(requests.count == 0 && Set(ids.withLockedValue { $0 }).count == 3)
    }
}
