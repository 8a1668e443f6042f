import NIOConcurrencyHelpers
import NIOCore
import RabbitMQ
import SMPP
import Testing

@testable import BridgeCore
@testable import SMPPNIO

/// The broker confirmed an MO and its ESME_ROK won the race against the client's deadline, but the session ended
/// before that answer was written: the SMSC delivers the MO again, and that copy must keep the first one's event id
/// (winning the race is not reaching the SMSC).
@Suite struct InboundMOUnwrittenAnswerTests {
    static let hola = DeliverSM(
        source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(ton: 3, address: "12345"),
        shortMessage: Array("Hola".utf8))

    /// `deliver` as the SMPP client hands it over, from a session whose event loop writes the answer it is given
    /// (`written`), or that ended before the answer reached it (nothing writes it).
    static func delivered(_ deliver: DeliverSM, written: Bool) -> SMPPInboundMessage {
        let responder = InboundResponder { responder, _ in
            guard written else { return false }
            responder.settle()?.report?(true)
            return true
        }
        return SMPPInboundMessage(
            body: .deliverSM(deliver), sequenceNumber: 7, sessionIndex: 0, deadline: .distantFuture,
            responder: responder)
    }

    @Test func anMOWhoseAnswerWasNotWrittenKeepsItsIDOnRedelivery() async throws {
        let publisher = LosingPublisher(losses: 0)
        let processor = InboundMORedeliveryTests.processor(publisher)
        let unwritten = Self.delivered(Self.hola, written: false)
        await processor.handle(unwritten)
        #expect(!unwritten.respond(status: .ok), "the MO was not answered")
        await processor.handle(Self.delivered(Self.hola, written: true))
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        try #require(ids.count == 2)
        #expect(ids[0] != nil && ids[1] == ids[0], "the redelivery did not carry the first copy's id")
    }

    @Test func anMOWhoseAnswerWasWrittenLeavesNoIDBehind() async throws {
        let publisher = LosingPublisher(losses: 0)
        let processor = InboundMORedeliveryTests.processor(publisher)
        await processor.handle(Self.delivered(Self.hola, written: true))
        await processor.handle(Self.delivered(Self.hola, written: true))
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        try #require(ids.count == 2)
        #expect(ids[1] != ids[0], "an identical MO after an acknowledged one is another message")
    }

    /// The SMSC delivers an MO again while the first copy's publish is still waiting for its confirm (the client had
    /// answered ESME_RX_T_APPN at the deadline): the copy waits for the first one's outcome and goes out under the id
    /// it left behind, instead of at once under a fresh id (two events for one MO).
    @Test func aRedeliveryWhileTheFirstCopyIsPublishingKeepsItsID() async throws {
        let publisher = HoldingPublisher()
        let processor = InboundMORedeliveryTests.processor(publisher)
        let first = Task { await processor.handle(Self.delivered(Self.hola, written: false)) }
        try await publisher.waitForAttempts(1)
        let redelivery = Task { await processor.handle(Self.delivered(Self.hola, written: true)) }
        for _ in 0..<500 where processor.groups.waiterCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(processor.groups.waiterCount == 1, "the redelivery did not wait for the first copy")
        publisher.release()
        await first.value
        await redelivery.value
        let ids = publisher.attempts.withLockedValue { $0.map(\.properties.messageID) }
        try #require(ids.count == 2)
        #expect(ids[0] != nil && ids[1] == ids[0], "the redelivery went out under another id")
    }
}

/// Holds the first publish until ``release()``; every later one is confirmed at once.
final class HoldingPublisher: EventPublishing {
    let attempts = NIOLockedValueBox<[OutgoingMessage]>([])
    private let held = NIOLockedValueBox<(released: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func publish(_ message: OutgoingMessage) async throws {
        let count = attempts.withLockedValue { attempts in
            attempts.append(message)
            return attempts.count
        }
        guard count == 1 else { return }
        await withCheckedContinuation { continuation in
            let released = held.withLockedValue { held in
                if !held.released { held.waiter = continuation }
                return held.released
            }
            if released { continuation.resume() }
        }
    }

    func release() {
        let waiter = held.withLockedValue { held in
            held.released = true
            defer { held.waiter = nil }
            return held.waiter
        }
        waiter?.resume()
    }

    /// Waits (bounded, 5 s) until `count` publishes were attempted.
    func waitForAttempts(_ count: Int) async throws {
        for _ in 0..<500 where attempts.withLockedValue({ $0.count }) < count {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(attempts.withLockedValue { $0.count } >= count)
    }
}
