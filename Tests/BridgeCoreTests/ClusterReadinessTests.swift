import SMPPNIO
import Testing

@testable import BridgeCore

/// `/readyz`'s `cluster_slots` check (issue 9 item 4): ready while this instance holds a slot able to submit;
/// otherwise the detail says why.
struct ClusterReadinessTests {
    let trx = SMPPClientConfiguration(host: "smsc", systemID: "acct", password: "pw")

    @Test func aHeldSlotMakesItReadyAndIsListed() {
        let check = BridgeStatus.clusterCheck(
            .init(heldSlots: [1, 3], total: 4, liveInstances: 2, lastError: nil), configuration: trx)
        #expect(check.name == "cluster_slots" && check.ok)
        #expect(check.detail == "holds 2 of 4 session slots (1, 3)")
    }

    @Test func noSlotSaysWhy() {
        let standby = BridgeStatus.clusterCheck(
            .init(heldSlots: [], total: 2, liveInstances: 3, lastError: nil), configuration: trx)
        #expect(!standby.ok)
        #expect(standby.detail == "holds 0 of 2 session slots: every slot able to submit is held by the other instances (3 live)")
        let down = BridgeStatus.clusterCheck(
            .init(heldSlots: [], total: 2, liveInstances: 1, lastError: "lease round failed at db:5432: refused"),
            configuration: trx)
        #expect(!down.ok && down.detail.hasSuffix("lease round failed at db:5432: refused"))
        let fresh = BridgeStatus.clusterCheck(
            .init(heldSlots: [], total: 2, liveInstances: nil, lastError: nil), configuration: trx)
        #expect(!fresh.ok && fresh.detail.hasSuffix("no lease round has completed yet"))
    }

    /// tx+rx: odd slots are receivers; holding only those cannot submit.
    @Test func onlyReceiverSlotsAreNotReadyForTxRx() {
        var pairs = trx
        pairs.bindType = .transmitterAndReceiver
        let receiversOnly = BridgeStatus.clusterCheck(
            .init(heldSlots: [1], total: 4, liveInstances: 2, lastError: nil), configuration: pairs)
        #expect(!receiversOnly.ok)
        let transmitter = BridgeStatus.clusterCheck(
            .init(heldSlots: [0, 1], total: 4, liveInstances: 2, lastError: nil), configuration: pairs)
        #expect(transmitter.ok)
    }

    /// `smpp_sessions`: a bound receiver alone takes no request — not ready, except with `rx` binds.
    @Test func sessionsAreReadyOnlyWithASessionThatCanSubmit() {
        let receiverOnly = BridgeStatus.sessionsCheck(bindType: .transmitterAndReceiver, bound: 1, submitting: 0)
        #expect(!receiverOnly.ok && receiverOnly.detail == "1 bound (0 transmitters, 1 receivers)")
        #expect(BridgeStatus.sessionsCheck(bindType: .transmitterAndReceiver, bound: 2, submitting: 1).ok)
        #expect(BridgeStatus.sessionsCheck(bindType: .transceiver, bound: 2, submitting: 2).detail == "2 bound")
        #expect(!BridgeStatus.sessionsCheck(bindType: .transceiver, bound: 0, submitting: 0).ok)
        #expect(BridgeStatus.sessionsCheck(bindType: .receiver, bound: 1, submitting: 0).ok)
        #expect(!BridgeStatus.sessionsCheck(bindType: .receiver, bound: 0, submitting: 0).ok)
    }
}
