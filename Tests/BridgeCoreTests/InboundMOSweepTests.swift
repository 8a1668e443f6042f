import BridgeCore
import Foundation
import RabbitMQ
import SMPP
import Testing

/// The long-MO timeout sweep: it publishes each due group as the store holds it when the sweep has the group's turn,
/// so a part answered ESME_ROK always reaches the broker and a group is published once; a group whose parts are all
/// there is published complete, as the part that completed it would have.
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
        #expect(json["segments"] as? Int == 4, "the parts it was sent in (announced), with complete: false")
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
    }

    /// A sweep cancelled at shutdown stops between groups (each publish may wait for its confirm up to the timeout,
    /// and the shutdown waits for the sweep before the sessions unbind): the group stays stored for the next sweep.
    @Test func aCancelledSweepStopsBeforeTheNextGroup() async throws {
        let (store, publisher, time) = (MOFaultStore(pausingClaims: true), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "uno ")) == .ok)
        time.advance(by: 61)
        let sweep = Task { await processor.sweepIncompleteMO() }
        await store.sweepClaimed()
        sweep.cancel()
        store.resumeSweep()
        await sweep.value
        #expect(publisher.all.isEmpty)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).count == 1, "left for the next sweep")
    }

    /// The wall clock stepped forward: the sweep's cutoff is held back by the step, so a group is not published
    /// incomplete before its timeout has passed in real time (its last part may still come).
    @Test func aHeldBackSweepLeavesAGroupWithinItsTimeout() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "uno ")) == .ok)
        time.advance(by: 130)  // 10 s passed, the wall clock jumped 120 s
        await processor.sweepIncompleteMO(heldBack: 120)
        #expect(publisher.all.isEmpty)
        #expect(await processor.process(LongMO.part(2, of: 2, "dos")) == .ok)
        let events = try publisher.all.map(LongMO.json)
        #expect(events.map { $0["text"] as? String } == ["uno dos"])
        #expect(events.first?["complete"] as? Bool == true)
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

    /// The last part's publish failed (ESME_RX_T_APPN), so every part is still stored when the timeout passes: the
    /// sweep publishes the message complete, under the id of a copy the broker may hold.
    @Test(arguments: [AMQPError.Code.connectionLost, .notConnected])
    func aCompleteGroupLeftInTheStoreIsSweptComplete(failure: AMQPError.Code) async throws {
        let (store, time) = (InMemoryBridgeStore(), ManualTime())
        let publisher = LosingPublisher(losses: 1, code: failure)
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .receiverTemporaryAppError)
        time.advance(by: 61)
        await processor.sweepIncompleteMO()
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 2, "the failed publish, then the sweep's")
        let json = try LongMO.json(attempts[1])
        #expect(json["text"] as? String == "Hello, world" && json["complete"] as? Bool == true)
        #expect(json["segments"] as? Int == 2)
        if failure == .connectionLost {
            #expect(attempts[1].properties.messageID == attempts[0].properties.messageID, "the unconfirmed copy's id")
        }
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
    }

    /// The message was published and the SMSC answered, but the group could not be removed: the sweep publishes it
    /// again as the same event, complete and under the same id, so a consumer drops the copy.
    @Test func aPublishedGroupTheStoreKeptIsSweptAsTheSameEvent() async throws {
        let (store, publisher, time) = (MOFaultStore(), LosingPublisher(losses: 0), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        store.failingRemovals.withLockedValue { $0 = 1 }
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        try await LongMO.expectSweptAsTheFirstEvent(processor, store: store, publisher: publisher, time: time)
        #expect(try LongMO.json(publisher.attempts.withLockedValue { $0[1] })["complete"] as? Bool == true)
    }
}
