@testable import BridgeCore
import Foundation
import Testing

/// The database's host vanishes without a reset while a lease round waits on its connection (a half-open socket):
/// the round gives up at its own deadline, a little over the server's statement bound, and closes that connection,
/// so the next round runs on a fresh one — instead of waiting 30 s per statement, or for the kernel to give up on
/// the socket many minutes later, with every held slot given up meanwhile.
@Suite(.timeLimit(.minutes(2)))
struct ClusterSlotGateFrozenConnectionTests {
    @Test func aRoundOnAFrozenConnectionFailsAndTheNextRunsOnAFreshOne() async throws {
        let schema = PostgresTestDatabase.uniqueSchema("fz")
        var url = try PostgresTestDatabase.url()
        let proxy = try await FreezingTCPProxy(upstreamPort: url.port)
        url.host = "127.0.0.1"
        url.port = proxy.port
        var settings = ClusterSlotGate.Settings(account: "127.0.0.1:1/acct", total: 2, instanceID: "a")
        settings.takeoverAfter = .seconds(4)
        settings.schema = schema
        let gate = try ClusterSlotGate(settings: settings, url: url, logger: ClusterSlotGateTests.logger)
        #expect(gate.roundStatementTimeout == .seconds(2), "T/4 + the poll interval")
        let running = ClusterSlotGateTests.RunningGate(gate)
        let claims = ClusterSlotGateTests.claimAll(gate, total: 2)
        #expect(await ClusterSlotGateTests.eventually(within: .seconds(10)) { gate.status.heldSlots.count == 2 })
        #expect(proxy.freezeAll() >= 1)
        let failed = await ClusterSlotGateTests.eventually(within: .seconds(10)) {
            gate.status.lastError?.contains("no answer from the database") == true
        }
        #expect(failed, "a round on the frozen connection fails at its deadline")
        let recovered = await ClusterSlotGateTests.eventually(within: .seconds(15)) {
            gate.status.lastError == nil && gate.status.heldSlots.count == 2
        }
        #expect(recovered, "later rounds run on fresh connections and hold the slots again")
        claims.cancel()
        await running.stop()
        await PostgresTestDatabase.dropSchema(schema)
        await proxy.stop()
    }
}
