import BridgeCore
import Foundation
import SMPP
import Testing

/// The broker confirmed an MO, but its ESME_ROK came too late: the client had already answered ESME_RX_T_APPN (the
/// inbound deadline passed, or the session ended), so the SMSC delivers the MO again. That copy keeps the first one's
/// event id, and a consumer drops it.
@Suite struct InboundMOLateAnswerTests {
    /// An answer that no longer reaches the SMSC (``SMPPInboundMessage/respond(status:)`` returned false).
    static func tooLate(_ status: CommandStatus) -> Bool { false }

    /// A two-part MO whose last part was published and confirmed, but answered too late.
    static func lastPartAnsweredTooLate() async -> (InMemoryBridgeStore, LosingPublisher, ManualTime, InboundProcessor) {
        let (store, publisher, time) = (InMemoryBridgeStore(), LosingPublisher(losses: 0), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world"), answer: tooLate) == .ok)
        return (store, publisher, time, processor)
    }

    @Test func anMOAnsweredTooLateKeepsItsIDOnRedelivery() async throws {
        let publisher = LosingPublisher(losses: 0)
        let processor = InboundMORedeliveryTests.processor(publisher)
        #expect(await processor.process(InboundMORedeliveryTests.hola, answer: Self.tooLate) == .ok, "confirmed")
        #expect(await processor.process(InboundMORedeliveryTests.hola) == .ok, "the SMSC's redelivery")
        #expect(await processor.process(InboundMORedeliveryTests.hola) == .ok, "a later identical MO: a new message")
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        try #require(ids.count == 3)
        #expect(ids[0] != nil && ids[1] == ids[0], "the redelivery carries the first copy's id")
        #expect(ids[2] != ids[0], "used once")
    }

    /// The last part's answer came too late: its redelivery finds the group still stored and publishes the same
    /// complete event under the same id (not a stray one-part message).
    @Test func aLongMOWhoseLastAnswerCameTooLateIsTheSameEventOnRedelivery() async throws {
        let (store, publisher, time, processor) = await Self.lastPartAnsweredTooLate()
        time.advance(by: 5)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok, "the SMSC's redelivery")
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 2)
        #expect(attempts[1].properties.messageID == attempts[0].properties.messageID)
        let json = try LongMO.json(attempts[1])
        #expect(json["text"] as? String == "Hello, world" && json["complete"] as? Bool == true)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
        time.advance(by: 120)
        await processor.sweepIncompleteMO()
        #expect(publisher.attempts.withLockedValue { $0.count } == 2, "nothing left for the sweep")
    }

    /// The SMSC does not deliver the last part again before the timeout: the sweep publishes the group, the same
    /// event under the same id.
    @Test func aLongMOWhoseLastAnswerCameTooLateIsSweptAsTheSameEvent() async throws {
        let (store, publisher, time, processor) = await Self.lastPartAnsweredTooLate()
        try await LongMO.expectSweptAsTheFirstEvent(processor, store: store, publisher: publisher, time: time)
    }
}
