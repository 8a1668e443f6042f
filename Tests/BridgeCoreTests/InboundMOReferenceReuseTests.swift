import BridgeCore
import Foundation
import RabbitMQ
import SMPP
import Testing

/// A sender reuses a concatenation reference (8-bit references wrap, some senders always send 0) while an earlier
/// message under it is still incomplete: the parts already answered ESME_ROK are published, never overwritten.
@Suite struct InboundMOReferenceReuseTests {
    /// Part 1 of "uno…" is stored; part 1 of another message under the same reference arrives: the earlier message
    /// goes out at once, `complete: false`, and the new one completes on its own.
    @Test func anEarlierIncompleteMessageIsPublishedNotOverwritten() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "uno ")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "one ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "two")) == .ok)
        let events = try publisher.all.map(LongMO.json)
        try #require(events.count == 2)
        #expect(events[0]["text"] as? String == "uno " && events[0]["complete"] as? Bool == false)
        #expect(events[1]["text"] as? String == "one two" && events[1]["complete"] as? Bool == true)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
    }

    /// The SMSC delivering a stored part again is not a reused reference: nothing is published early.
    @Test func aPartDeliveredAgainIsNotAnotherMessage() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "uno ")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "uno ")) == .ok)
        #expect(publisher.all.isEmpty)
        #expect(await processor.process(LongMO.part(2, of: 2, "dos")) == .ok)
        let events = try publisher.all.map(LongMO.json)
        try #require(events.count == 1)
        #expect(events[0]["text"] as? String == "uno dos" && events[0]["complete"] as? Bool == true)
    }

    /// The earlier message's publish is lost in flight: the new part is refused (ESME_RX_T_APPN), the earlier parts
    /// stay stored, and the new part's redelivery publishes them again under the same event id (a consumer drops one).
    @Test func aFailedEarlyPublishRefusesTheNewPartAndKeepsTheEventID() async throws {
        let (store, time) = (InMemoryBridgeStore(), ManualTime())
        let publisher = LosingPublisher(losses: 1)
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "uno ")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "one ")) == .receiverTemporaryAppError)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).first?.first?.payload == Array("uno ".utf8))
        #expect(await processor.process(LongMO.part(1, of: 2, "one ")) == .ok, "the SMSC's redelivery")
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 2)
        #expect(attempts[0].properties.messageID != nil)
        #expect(attempts[1].properties.messageID == attempts[0].properties.messageID)
        #expect(attempts[1].body == attempts[0].body)
        let stored = try await store.moGroups(firstReceivedBefore: .distantFuture)
        #expect(stored.count == 1 && stored.first?.map(\.payload) == [Array("one ".utf8)])
    }
}
