@testable import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import RabbitMQ
import SMPP
import Testing

/// An MO the broker may have without confirming it keeps its event id when the SMSC delivers it again, so a consumer
/// that got the first copy drops the second; every other MO gets a fresh id (two identical texts can be two messages).
@Suite struct InboundMORedeliveryTests {
    static let hola = InboundFixture.mo(Array("Hola".utf8))

    @Test func anMOSentButNotConfirmedKeepsItsIDOnRedelivery() async throws {
        let publisher = LosingPublisher(losses: 1)
        let processor = InboundRepublishTests.processor(publisher, window: 0)
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError)
        #expect(await processor.process(Self.hola) == .ok, "the SMSC's redelivery")
        #expect(await processor.process(Self.hola) == .ok, "a later identical MO: a new message")
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids.count == 3)
        #expect(ids[0] != nil && ids[0] == ids[1], "the redelivery carries the unconfirmed copy's id")
        #expect(ids[2] != ids[1], "the id is used once: the next identical MO is another message")
        #expect(processor.unconfirmedMO.count == 0)
    }

    @Test func anMONeverSentGetsAFreshIDOnRedelivery() async throws {
        let publisher = LosingPublisher(losses: 1, code: .notConnected)
        let processor = InboundRepublishTests.processor(publisher, window: 0)
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError)
        #expect(processor.unconfirmedMO.count == 0, "nothing reached the broker: nothing to remember")
        #expect(await processor.process(Self.hola) == .ok)
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids.count == 2 && ids[0] != ids[1])
    }

    /// Unconfirmed, then delivered again while the broker is down (never sent), then again: the id survives.
    @Test func theIDSurvivesARedeliveryRefusedWhileTheBrokerIsDown() async throws {
        let publisher = ScriptedFailurePublisher([.connectionLost, .notConnected])
        let processor = InboundProcessor(
            settings: InboundPipelineSettings(republishWindow: 0), store: InMemoryBridgeStore(), publisher: publisher,
            correlator: ReceiptCorrelator(hold: .milliseconds(10)), metrics: BridgeMetrics(),
            logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError, "sent, not confirmed")
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError, "broker down: not sent")
        #expect(await processor.process(Self.hola) == .ok)
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids.count == 3 && ids[0] != nil)
        #expect(Set(ids).count == 1, "the id of the copy that may be on the broker, every time")
    }

    @Test func anotherMOIsNotGivenTheUnconfirmedID() async throws {
        let publisher = LosingPublisher(losses: 1)
        let processor = InboundRepublishTests.processor(publisher, window: 0)
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError)
        #expect(await processor.process(InboundFixture.mo(Array("Hola!".utf8))) == .ok)
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids[0] != ids[1])
        #expect(processor.unconfirmedMO.count == 1, "still waiting for its own redelivery")
    }

    @Test func aLongMOWhoseLastPartIsRedeliveredKeepsItsID() async throws {
        let publisher = LosingPublisher(losses: 1)
        let processor = InboundRepublishTests.processor(publisher, window: 0)
        let first: [UInt8] = [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01] + Array("Hello, ".utf8)
        let second: [UInt8] = [0x05, 0x00, 0x03, 0x2A, 0x02, 0x02] + Array("world".utf8)
        #expect(await processor.process(InboundFixture.mo(first, esm: .udhIndicator)) == .ok, "stored")
        #expect(await processor.process(InboundFixture.mo(second, esm: .udhIndicator)) == .receiverTemporaryAppError)
        #expect(await processor.process(InboundFixture.mo(second, esm: .udhIndicator)) == .ok)
        let attempts = publisher.attempts.withLockedValue { $0 }
        #expect(attempts.count == 2)
        #expect(attempts[0].properties.messageID == attempts[1].properties.messageID)
        #expect(String(decoding: attempts[1].body, as: UTF8.self).contains("Hello, world"))
    }

    @Test func theKeyCoversContentNotArrival() {
        func part(_ payload: String, index: Int = 1, at: Date = Date()) -> StoredMOPart {
            StoredMOPart(groupKey: "", index: index, total: 1, payload: Array(payload.utf8), dataCoding: 0,
                         from: "573001234567", to: "12345", receivedAt: at)
        }
        let key = { (parts: [StoredMOPart], complete: Bool, account: String) in
            InboundProcessor.moContentKey(parts, total: parts.count, complete: complete, account: account)
        }
        let base = key([part("Hola")], true, "acme")
        #expect(base == key([part("Hola", at: Date(timeIntervalSinceNow: -60))], true, "acme"))
        #expect(base != key([part("Hola!")], true, "acme"))
        #expect(base != key([part("Hola")], false, "acme"))
        #expect(base != key([part("Hola")], true, "other"))
        #expect(key([part("a", index: 1), part("b", index: 2)], true, "acme")
            == key([part("b", index: 2), part("a", index: 1)], true, "acme"), "parts in any order")
    }
}

@Suite struct UnconfirmedMOBookTests {
    let start = Date(timeIntervalSinceReferenceDate: 800_000_000)

    @Test func anIDIsTakenOnce() {
        let book = UnconfirmedMOBook()
        book.remember("k", eventID: "e1", now: start)
        #expect(book.take("k", now: start) == "e1")
        #expect(book.take("k", now: start) == nil)
    }

    @Test func anIDExpiresAfterTheRetention() {
        let book = UnconfirmedMOBook()
        book.remember("k", eventID: "e1", now: start)
        #expect(book.take("k", now: start.addingTimeInterval(UnconfirmedMOBook.retention + 1)) == nil)
        book.remember("old", eventID: "e2", now: start)
        book.remember("new", eventID: "e3", now: start.addingTimeInterval(UnconfirmedMOBook.retention + 1))
        #expect(book.count == 1, "expired entries go when another is remembered")
    }

    @Test func theOldestGoFirstBeyondTheCapacity() {
        let book = UnconfirmedMOBook(capacity: 3)
        for index in 1...5 { book.remember("k\(index)", eventID: "e\(index)", now: start) }
        #expect(book.count == 3)
        #expect(book.take("k1", now: start) == nil && book.take("k2", now: start) == nil)
        #expect(book.take("k5", now: start) == "e5")
    }

    @Test func aKeyRememberedAgainKeepsItsNewestIDAndTakenKeysDoNotCount() {
        let book = UnconfirmedMOBook(capacity: 2)
        book.remember("a", eventID: "e1", now: start)
        book.remember("a", eventID: "e2", now: start)
        book.remember("b", eventID: "e3", now: start)
        #expect(book.count == 2)
        #expect(book.take("a", now: start) == "e2")
        for index in 1...50 {
            book.remember("t\(index)", eventID: "x", now: start)
            _ = book.take("t\(index)", now: start)
        }
        #expect(book.take("b", now: start) == "e3", "entries taken in between never evicted a live one")
    }
}

/// Fails its first publishes with the given codes, in order, then confirms.
final class ScriptedFailurePublisher: EventPublishing {
    let attempts = NIOLockedValueBox<[OutgoingMessage]>([])
    let failures: [AMQPError.Code]

    init(_ failures: [AMQPError.Code]) { self.failures = failures }

    func publish(_ message: OutgoingMessage) async throws {
        let attempt = attempts.withLockedValue { attempts in
            attempts.append(message)
            return attempts.count
        }
        if attempt <= failures.count { throw AMQPError(code: failures[attempt - 1], message: "test: scripted failure") }
    }
}
