import BridgeCore
import Foundation
import SMPP
import Testing

/// The long-MO timeout sweep: it publishes each due group as the store holds it when the sweep has the group's turn,
/// so a part answered ESME_ROK always reaches the broker and a group is published once.
@Suite struct InboundMOSweepTests {
    /// Parts 1 and 2 of 4 are due; the sweep has read them when part 3 arrives and is answered ESME_ROK: part 3 is in
    /// the message the sweep publishes, and nothing of the group is left behind.
    @Test func aPartStoredWhileTheSweepWaitsIsPublishedWithItsGroup() async throws {
        let (store, publisher, time) = (MOFaultStore(pausingClaims: true), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 4, "uno ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 4, "dos ")) == .ok)
        time.advance(by: 61)
        let sweep = Task { await processor.sweepIncompleteMO() }
        await store.sweepClaimed()
        #expect(await processor.process(LongMO.part(3, of: 4, "tres")) == .ok, "stored and acknowledged")
        store.resumeSweep()
        await sweep.value
        try #require(publisher.all.count == 1)
        let json = try LongMO.json(publisher.all[0])
        #expect(json["text"] as? String == "uno dos tres" && json["complete"] as? Bool == false)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
    }

    /// The part that completes the group arrives while the sweep waits: the message is published once, complete.
    @Test func aGroupCompletedWhileTheSweepWaitsIsPublishedOnce() async throws {
        let (store, publisher, time) = (MOFaultStore(pausingClaims: true), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 3, "uno ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 3, "dos ")) == .ok)
        time.advance(by: 61)
        let sweep = Task { await processor.sweepIncompleteMO() }
        await store.sweepClaimed()
        #expect(await processor.process(LongMO.part(3, of: 3, "tres")) == .ok)
        store.resumeSweep()
        await sweep.value
        try #require(publisher.all.count == 1, "no stale copy of parts 1 and 2")
        let json = try LongMO.json(publisher.all[0])
        #expect(json["text"] as? String == "uno dos tres" && json["complete"] as? Bool == true)
    }
}
