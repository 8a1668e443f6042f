@testable import BridgeCore
import Foundation
import SMPP
import Testing

/// A part of a long MO whose ESME_ROK was not written is delivered again by the SMSC — sometimes only after another
/// part completed and published the message. That copy is recognised, answered ESME_ROK and not stored: it would
/// otherwise begin a group of its own and come out later as a one-part `complete: false` message.
@Suite struct InboundMOPartRedeliveryTests {
    @Test func aPartDeliveredAgainAfterItsMessageWasPublishedIsNotPublishedAgain() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok, "the SMSC's redelivery")
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty, "not stored")
        time.advance(by: 61)
        await processor.sweepIncompleteMO()
        let events = try publisher.all.map(LongMO.json)
        try #require(events.count == 1)
        #expect(events[0]["text"] as? String == "Hello, world" && events[0]["complete"] as? Bool == true)
        #expect(store.unconfirmedMOCount == 0, "the mark went with the redelivery")
    }

    /// The copy arrives while the group is still open: nothing is written (the group holds that part) and it takes
    /// the mark, so a later identical message is not mistaken for a redelivery.
    @Test func aPartDeliveredAgainBeforeCompletionTakesItsMark() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        #expect(store.unconfirmedMOCount == 1)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(store.unconfirmedMOCount == 0)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok, "a new identical message")
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(publisher.all.count == 2, "two messages, both published")
    }

    /// Only a part whose answer was not written is remembered: an identical part answered as usual, arriving after
    /// its message was published, is a new message.
    @Test func aPartAnsweredAsUsualIsNotRemembered() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).count == 1, "stored: a new message")
    }
}

extension InboundMOPartRedeliveryTests {
    /// The last part's publish failed, the sweep published the whole message after the timeout, and only then does
    /// the SMSC deliver the last part again: answered, not published again.
    @Test func aLastPartDeliveredAgainAfterTheSweepIsNotPublishedAgain() async throws {
        let (store, time) = (InMemoryBridgeStore(), ManualTime())
        let publisher = LosingPublisher(losses: 1)
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .receiverTemporaryAppError)
        time.advance(by: 61)
        await processor.sweepIncompleteMO()
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok, "the SMSC's redelivery")
        time.advance(by: 61)
        await processor.sweepIncompleteMO()
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 2, "the failed publish and the sweep's, nothing after")
        #expect(attempts[1].properties.messageID == attempts[0].properties.messageID)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
    }
}

extension InboundMOPartRedeliveryTests {
    /// The copy's ESME_ROK is not written either: the part is marked again (as the group holds it, first arrival
    /// time and all), so the next copy, after the message went out, is still recognised.
    @Test func aPartWhoseCopyIsNotAnsweredEitherStaysMarked() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        time.advance(by: 5)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        #expect(store.unconfirmedMOCount == 1, "marked again")
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok, "the third copy")
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty, "not stored")
        #expect(publisher.all.count == 1)
    }

    /// A new message under the same reference began before the marked copy came: the copy is recognised whatever the
    /// group holds — it neither joins the new message nor flushes it early.
    @Test func aMarkedCopyNeverJoinsANewerMessage() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "there")) == .ok, "a new message begins")
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok, "the marked copy")
        #expect(await processor.process(LongMO.part(1, of: 2, "Hi ")) == .ok)
        let events = try publisher.all.map(LongMO.json)
        #expect(events.map { $0["text"] as? String } == ["Hello, world", "Hi there"])
        #expect(events.allSatisfy { $0["complete"] as? Bool == true })
        #expect(store.unconfirmedMOCount == 0)
    }
}

extension InboundMOPartRedeliveryTests {
    /// The mark cannot be read: the copy is refused (ESME_RX_T_APPN, delivered again), not taken for a new part that
    /// would join the newer message under the same reference.
    @Test func aCopyWhoseMarkCannotBeReadIsDeferred() async throws {
        let (store, publisher, time) = (MOFaultStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "there")) == .ok, "a new message begins")
        store.failingTakes.withLockedValue { $0 = 1 }
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .receiverTemporaryAppError)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok, "delivered again, recognised")
        #expect(await processor.process(LongMO.part(1, of: 2, "Hi ")) == .ok)
        let events = try publisher.all.map(LongMO.json)
        #expect(events.map { $0["text"] as? String } == ["Hello, world", "Hi there"])
    }
}

extension InboundMOPartRedeliveryTests {
    /// A copy the group holds as it is takes its part's mark; when that take fails the copy is refused (delivered
    /// again) rather than answered with the mark left behind, where the same part of the next identical message
    /// under the reference would take it and be dropped.
    @Test func aHeldCopyWhoseMarkCannotBeTakenIsDeferred() async throws {
        let (store, publisher, time) = (MOFaultStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        store.failingTakes.withLockedValue { $0 = 1 }
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .receiverTemporaryAppError)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok, "delivered again: the mark taken")
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok, "a new identical message")
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        let events = try publisher.all.map(LongMO.json)
        #expect(events.map { $0["text"] as? String } == ["Hello, world", "Hello, world"])
        #expect(events.allSatisfy { $0["complete"] as? Bool == true })
    }

    /// The copy recognised as published already is not answered either (its answer came too late): it is marked
    /// again, so the copy after it is recognised too.
    @Test func aRecognisedCopyWhoseAnswerIsNotWrittenIsMarkedAgain() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, "), answer: { _ in false }) == .ok)
        #expect(store.unconfirmedMOCount == 1, "marked again")
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
        #expect(publisher.all.count == 1 && store.unconfirmedMOCount == 0)
    }
}

extension InboundMOPartRedeliveryTests {
    /// The id of a whole long MO cannot be read (one may have been written ahead for a copy the broker holds): the
    /// message is not published now under a fresh id; its last part is refused and goes out on its redelivery.
    @Test func aLongMOWhoseIDCannotBeReadIsDeferred() async throws {
        let (store, publisher, time) = (MOFaultStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        store.passingTakes.withLockedValue { $0 = 1 }  // the part's mark read; then the message's id read fails
        store.failingTakes.withLockedValue { $0 = 1 }
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .receiverTemporaryAppError)
        #expect(publisher.all.isEmpty)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(try publisher.all.map(LongMO.json).map { $0["text"] as? String } == ["Hello, world"])
    }
}
