@testable import BridgeCore
import Foundation
import NIOConcurrencyHelpers
import RabbitMQ
import SMPP
import Testing

/// The process ends after the broker confirmed a long MO and before its group left the store (SIGKILL, a crash):
/// whatever publishes that group next — the SMSC's redelivery of its last part, or the timeout sweep — sends the same
/// event under the same id, so a consumer drops the copy. Modelled by a first processor whose answer to the SMSC never
/// returns, and a second one (the restarted process) over the same store.
@Suite struct InboundMOInterruptedTests {
    /// An answer to the SMSC that hangs until ``release()``, then reports it was not written.
    final class HangingAnswer: Sendable {
        private let (released, releaser) = AsyncStream<Void>.makeStream()
        private let startedBox = NIOLockedValueBox(false)

        var started: Bool { startedBox.withLockedValue { $0 } }

        func answer(_ status: CommandStatus) async -> Bool {
            startedBox.withLockedValue { $0 = true }
            for await _ in released { break }
            return false
        }

        func release() { releaser.finish() }
    }

    /// Runs parts 1 and 2 of "Hello, world" through a first processor that stops in its last answer, after the
    /// broker confirmed the message; returns that message and the means to let the first processor go.
    static func interruptedAfterTheConfirm(
        store: InMemoryBridgeStore, time: ManualTime
    ) async throws -> (first: OutgoingMessage, hanging: HangingAnswer, task: Task<CommandStatus, Never>) {
        let publisher = RecordingPublisher()
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        let hanging = HangingAnswer()
        let task = Task { await processor.process(LongMO.part(2, of: 2, "world"), answer: hanging.answer) }
        for _ in 0..<500 where !hanging.started { try await Task.sleep(for: .milliseconds(10)) }
        try #require(hanging.started && publisher.all.count == 1)
        return (publisher.all[0], hanging, task)
    }

    @Test func theRedeliveredLastPartRepublishesUnderTheSameID() async throws {
        let (store, time) = (InMemoryBridgeStore(), ManualTime())
        let (first, hanging, task) = try await Self.interruptedAfterTheConfirm(store: store, time: time)
        let publisher = RecordingPublisher()
        let restarted = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await restarted.process(LongMO.part(2, of: 2, "world")) == .ok)
        try #require(publisher.all.count == 1)
        #expect(publisher.all[0].properties.messageID == first.properties.messageID)
        #expect(publisher.all[0].body == first.body)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
        #expect(store.unconfirmedMOCount == 0, "the id went with the group")
        hanging.release()
        _ = await task.value
    }

    @Test func theSweepRepublishesUnderTheSameID() async throws {
        let (store, time) = (InMemoryBridgeStore(), ManualTime())
        let (first, hanging, task) = try await Self.interruptedAfterTheConfirm(store: store, time: time)
        let publisher = RecordingPublisher()
        let restarted = LongMO.processor(store: store, publisher: publisher, time: time)
        time.advance(by: 61)
        await restarted.sweepIncompleteMO()
        try #require(publisher.all.count == 1)
        #expect(publisher.all[0].properties.messageID == first.properties.messageID)
        #expect(publisher.all[0].body == first.body)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
        #expect(store.unconfirmedMOCount == 0)
        hanging.release()
        _ = await task.value
    }

    /// Published, answered and removed as usual: no id is left behind for a later identical message to take.
    @Test func aGroupPublishedAndRemovedLeavesNoID() async throws {
        let (store, publisher, time) = (InMemoryBridgeStore(), RecordingPublisher(), ManualTime())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        #expect(await processor.process(LongMO.part(1, of: 2, "Hello, ")) == .ok)
        #expect(await processor.process(LongMO.part(2, of: 2, "world")) == .ok)
        let ids = publisher.all.map(\.properties.messageID)
        #expect(ids.count == 2 && ids[0] != ids[1], "two identical messages, two ids")
        #expect(store.unconfirmedMOCount == 0)
    }
}

extension InboundMOInterruptedTests {
    /// Part `index` of 2 under reference `reference`, GSM text.
    static func part(reference: UInt8, _ index: UInt8, _ text: String) -> InboundShortMessage {
        InboundFixture.mo([0x05, 0x00, 0x03, reference, 0x02, index] + Array(text.utf8), esm: .udhIndicator)
    }

    /// The same text sent twice under two references, the second completing while the first's publish is pending:
    /// two messages, two ids — the id written ahead for the first is not the second's to take.
    @Test func theSameTextUnderAnotherReferenceGetsItsOwnID() async throws {
        let (store, time, publisher) = (InMemoryBridgeStore(), ManualTime(), HoldingPublisher())
        let processor = LongMO.processor(store: store, publisher: publisher, time: time)
        #expect(await processor.process(Self.part(reference: 7, 1, "Hello, ")) == .ok)
        #expect(await processor.process(Self.part(reference: 8, 1, "Hello, ")) == .ok)
        let first = Task { await processor.process(Self.part(reference: 7, 2, "world")) }
        try await publisher.waitForAttempts(1)
        #expect(await processor.process(Self.part(reference: 8, 2, "world")) == .ok)
        publisher.release()
        #expect(await first.value == .ok)
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids.count == 2 && ids[0] != nil && ids[0] != ids[1])
        #expect(store.unconfirmedMOCount == 0)
    }
}
