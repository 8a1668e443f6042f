import Foundation
import NIOConcurrencyHelpers
import SMPP
import Testing

@testable import BridgeCore
@testable import SMPPNIO

/// Two instances share a store. The client answered an MO ESME_RX_T_APPN at its deadline while the first instance's
/// publish of it still waited for the broker's confirm, and the SMSC delivered it again to the other instance in that
/// window: both copies must carry one event id (consumers drop the second), and nothing may stay behind for the next
/// genuinely new identical MO.
@Suite struct InboundMOAcrossInstancesTests {
    typealias Unwritten = InboundMOUnwrittenAnswerTests

    /// `deliver` as the client hands it over, with its responder, whose `settle()` the test calls as the deadline.
    static func delivered(_ deliver: DeliverSM) -> (SMPPInboundMessage, InboundResponder) {
        let responder = InboundResponder { responder, _ in
            responder.settle()?.report?(true)
            return true
        }
        let message = SMPPInboundMessage(
            body: .deliverSM(deliver), sequenceNumber: 9, sessionIndex: 0, deadline: .distantFuture,
            responder: responder)
        return (message, responder)
    }

    @Test func aRedeliveryOnAnotherInstanceWhileTheFirstCopyIsPublishingKeepsItsID() async throws {
        let store = InMemoryBridgeStore()
        let holding = HoldingPublisher()
        let other = LosingPublisher(losses: 0)
        let first = InboundMORedeliveryTests.processor(holding, store: store)
        let second = InboundMORedeliveryTests.processor(other, store: store)

        let (message, responder) = Self.delivered(Unwritten.hola)
        let firstCopy = Task { await first.handle(message) }
        try await holding.waitForAttempts(1)
        #expect(responder.settle() == nil, "the client answers at the deadline: ESME_RX_T_APPN")
        for _ in 0..<500 where store.unconfirmedMOCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(store.unconfirmedMOCount == 1, "the id was not stored when the client answered")

        await second.handle(Unwritten.delivered(Unwritten.hola, written: true))
        holding.release()
        await firstCopy.value
        let firstID = try #require(holding.attempts.withLockedValue { $0.first?.properties.messageID })
        let secondIDs = other.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(secondIDs == [firstID], "the redelivery went out under another id")
        #expect(store.unconfirmedMOCount == 0, "the id was stored again after the redelivery took it")

        await second.handle(Unwritten.delivered(Unwritten.hola, written: true))
        let later = other.attempts.withLockedValue { $0.last?.properties.messageID }
        #expect(later != firstID, "a new identical MO took the first copy's id: consumers would drop it")
    }

    /// Without a redelivery in the window, the id stored early is what the SMSC's later redelivery takes, and nothing
    /// is left behind for a later identical MO. (That it is not stored again at the outcome is what the test above
    /// checks: an upsert of the same id under the same key cannot be told apart here.)
    @Test func theIDStoredEarlyIsTakenByTheLaterRedelivery() async throws {
        let store = InMemoryBridgeStore()
        let holding = HoldingPublisher()
        let processor = InboundMORedeliveryTests.processor(holding, store: store)
        let (message, responder) = Self.delivered(Unwritten.hola)
        let firstCopy = Task { await processor.handle(message) }
        try await holding.waitForAttempts(1)
        _ = responder.settle()
        holding.release()
        await firstCopy.value
        #expect(store.unconfirmedMOCount == 1)
        await processor.handle(Unwritten.delivered(Unwritten.hola, written: true))
        let ids = holding.attempts.withLockedValue { $0.map(\.properties.messageID) }
        try #require(ids.count == 2)
        #expect(ids[1] == ids[0])
        #expect(store.unconfirmedMOCount == 0)
    }

    /// The same for a long MO: the last part's copy on the other instance completes the group from the shared store
    /// and goes out under the first copy's id.
    @Test func aLongMOsLastPartRedeliveredOnAnotherInstanceKeepsTheID() async throws {
        let (store, time) = (InMemoryBridgeStore(), ManualTime())
        let holding = HoldingPublisher()
        let other = LosingPublisher(losses: 0)
        let first = LongMO.processor(store: store, publisher: holding, time: time)
        let second = LongMO.processor(store: store, publisher: other, time: time)
        #expect(await first.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        let preemption = NIOLockedValueBox<(@Sendable () -> Void)?>(nil)
        let lastPart = Task {
            await first.process(
                LongMO.part(2, of: 2, "world"), whenPreempted: { handler in preemption.withLockedValue { $0 = handler } },
                answer: { _ in false })
        }
        try await holding.waitForAttempts(1)
        let handler = try #require(preemption.withLockedValue { $0 })
        handler()
        for _ in 0..<500 where store.unconfirmedMOCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(store.unconfirmedMOCount == 1)

        #expect(await second.process(LongMO.part(2, of: 2, "world")) == .ok, "the SMSC's redelivery")
        holding.release()
        _ = await lastPart.value
        let firstAttempt = try #require(holding.attempts.withLockedValue { $0.first })
        let secondAttempt = try #require(other.attempts.withLockedValue { $0.first })
        #expect(secondAttempt.properties.messageID == firstAttempt.properties.messageID)
        #expect(try LongMO.json(secondAttempt)["text"] as? String == "Hello, world")
        #expect(store.unconfirmedMOCount == 0)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
    }

    /// Answered ESME_RX_T_APPN by the client before its turn (it waited behind another copy, or for the store): the
    /// MO is not published — the SMSC delivers it again — and an id remembered for it stays for that copy.
    @Test func anMOPreemptedBeforeItsTurnIsNotPublished() async throws {
        let store = InMemoryBridgeStore()
        let publisher = LosingPublisher(losses: 0)
        let processor = InboundMORedeliveryTests.processor(publisher, store: store)
        let part = StoredMOPart(groupKey: "", index: 1, total: 1, payload: Array("Hola".utf8), dataCoding: 0,
                                from: "573001234567", to: "12345", receivedAt: Date())
        let key = InboundProcessor.moContentKey([part], total: 1, complete: true, account: "")
        try await store.rememberUnconfirmedMO(key: key, eventID: "earlier-copy", at: Date())

        let (message, responder) = Self.delivered(Unwritten.hola)
        _ = responder.settle()
        await processor.handle(message)
        #expect(publisher.attempts.withLockedValue { $0.isEmpty }, "published after the SMSC was told to retry")
        #expect(store.unconfirmedMOCount == 1, "the remembered id was used up")

        await processor.handle(Unwritten.delivered(Unwritten.hola, written: true))
        #expect(publisher.attempts.withLockedValue { $0.map(\.properties.messageID) } == ["earlier-copy"])
    }

    /// The same for the last part of a long MO: the group stays stored for the redelivery (or the sweep).
    @Test func aLongMOsLastPartPreemptedBeforeItsTurnLeavesTheGroupStored() async throws {
        let (store, time) = (InMemoryBridgeStore(), ManualTime())
        let publisher = LosingPublisher(losses: 0)
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        let status = await processor.process(
            LongMO.part(2, of: 2, "world"), whenPreempted: { handler in handler() }, answer: { _ in false })
        #expect(status == .receiverTemporaryAppError)
        #expect(publisher.attempts.withLockedValue { $0.isEmpty })
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).first?.count == 2)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok, "the SMSC's redelivery")
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 1)
        #expect(try LongMO.json(attempts[0])["text"] as? String == "Hello, world")
    }
}
