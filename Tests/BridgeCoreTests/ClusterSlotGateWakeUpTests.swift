import Logging
import NIOCore
import Testing

@testable import BridgeCore

/// The slot gate's run loop reads its next deadline, starts a round, then sleeps. A round that ends (and pokes the
/// loop) before the loop sleeps must still wake it: with no slot held yet that deadline is the distant future, and a
/// lost poke left the loop asleep for good — no renewals, the leases expired and were taken while this instance
/// kept its sessions bound.
@Suite struct ClusterSlotGateWakeUpTests {
    @Test func aPokeBeforeTheSleepIsNotLost() async throws {
        let settings = ClusterSlotGate.Settings(account: "127.0.0.1:1/acct", total: 1, instanceID: "wake-up")
        let url = try PostgresStoreURL(parsing: "postgres://bridge:secret@127.0.0.1:1/bridge")
        let gate = try ClusterSlotGate(
            settings: settings, url: url, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        gate.poke()  // the round finished while the loop was still awake
        let started = ContinuousClock.now
        await gate.sleep(until: .now() + .seconds(60))
        #expect(ContinuousClock.now - started < .seconds(30), "slept through a poke that came first")
        // Consumed: the next sleep waits for its deadline (or a new poke).
        let second = ContinuousClock.now
        await gate.sleep(until: .now() + .milliseconds(200))
        #expect(ContinuousClock.now - second >= .milliseconds(150))
    }
}
