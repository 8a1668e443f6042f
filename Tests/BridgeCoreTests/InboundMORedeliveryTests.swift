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

    /// A processor without republishing, over `store` (shared by several to play several instances).
    static func processor(_ publisher: some EventPublishing, store: any BridgeStore = InMemoryBridgeStore()) -> InboundProcessor {
        InboundProcessor(
            settings: InboundPipelineSettings(republishWindow: 0), store: store, publisher: publisher,
            correlator: ReceiptCorrelator(hold: .milliseconds(10)), metrics: BridgeMetrics(),
            logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// The id remembered for the MO "Hola" from the fixture's addresses, taken (so it is gone afterwards).
    static func rememberedHola(in store: any BridgeStore) async throws -> String? {
        let part = StoredMOPart(groupKey: "", index: 1, total: 1, payload: Array("Hola".utf8), dataCoding: 0,
                                from: "573001234567", to: "12345", receivedAt: Date())
        let key = InboundProcessor.moContentKey([part], total: 1, complete: true, account: "")
        return try await store.takeUnconfirmedMO(key: key, notBefore: .distantPast)
    }

    @Test func anMOSentButNotConfirmedKeepsItsIDOnRedelivery() async throws {
        let publisher = LosingPublisher(losses: 1)
        let store = InMemoryBridgeStore()
        let processor = Self.processor(publisher, store: store)
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError)
        #expect(await processor.process(Self.hola) == .ok, "the SMSC's redelivery")
        #expect(await processor.process(Self.hola) == .ok, "a later identical MO: a new message")
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids.count == 3)
        #expect(ids[0] != nil && ids[0] == ids[1], "the redelivery carries the unconfirmed copy's id")
        #expect(ids[2] != ids[1], "the id is used once: the next identical MO is another message")
        #expect(try await Self.rememberedHola(in: store) == nil)
    }

    @Test func anMONeverSentGetsAFreshIDOnRedelivery() async throws {
        let publisher = LosingPublisher(losses: 1, code: .notConnected)
        let store = InMemoryBridgeStore()
        let processor = Self.processor(publisher, store: store)
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError)
        #expect(try await Self.rememberedHola(in: store) == nil, "nothing reached the broker: nothing to remember")
        #expect(await processor.process(Self.hola) == .ok)
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids.count == 2 && ids[0] != ids[1])
    }

    /// Unconfirmed, then delivered again while the broker is down (never sent), then again: the id survives.
    @Test func theIDSurvivesARedeliveryRefusedWhileTheBrokerIsDown() async throws {
        let publisher = ScriptedFailurePublisher([.connectionLost, .notConnected])
        let processor = Self.processor(publisher)
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError, "sent, not confirmed")
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError, "broker down: not sent")
        #expect(await processor.process(Self.hola) == .ok)
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids.count == 3 && ids[0] != nil)
        #expect(Set(ids).count == 1, "the id of the copy that may be on the broker, every time")
    }

    /// Two instances sharing a store: the copy instance A could not confirm is delivered again to instance B, which
    /// publishes it under A's id.
    @Test func theRedeliveryKeepsTheIDOnAnotherInstance() async throws {
        let store = InMemoryBridgeStore()
        let lost = LosingPublisher(losses: 1)
        let confirming = LosingPublisher(losses: 0)
        #expect(await Self.processor(lost, store: store).process(Self.hola) == .receiverTemporaryAppError)
        #expect(await Self.processor(confirming, store: store).process(Self.hola) == .ok)
        let first = lost.attempts.withLockedValue { $0.first?.properties.messageID }
        #expect(first != nil && confirming.attempts.withLockedValue { $0.first?.properties.messageID } == first)
    }

    @Test func anotherMOIsNotGivenTheUnconfirmedID() async throws {
        let publisher = LosingPublisher(losses: 1)
        let store = InMemoryBridgeStore()
        let processor = Self.processor(publisher, store: store)
        #expect(await processor.process(Self.hola) == .receiverTemporaryAppError)
        #expect(await processor.process(InboundFixture.mo(Array("Hola!".utf8))) == .ok)
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        #expect(ids[0] != ids[1])
        #expect(try await Self.rememberedHola(in: store) == ids[0], "still waiting for its own redelivery")
    }

    @Test func aLongMOWhoseLastPartIsRedeliveredKeepsItsID() async throws {
        let publisher = LosingPublisher(losses: 1)
        let processor = Self.processor(publisher)
        let first: [UInt8] = [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01] + Array("Hello, ".utf8)
        let second: [UInt8] = [0x05, 0x00, 0x03, 0x2A, 0x02, 0x02] + Array("world".utf8)
        #expect(await processor.process(InboundFixture.mo(first, esm: .udhIndicator)) == .ok, "stored")
        #expect(await processor.process(InboundFixture.mo(second, esm: .udhIndicator)) == .receiverTemporaryAppError)
        #expect(await processor.process(InboundFixture.mo(second, esm: .udhIndicator)) == .ok)
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 2)
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
