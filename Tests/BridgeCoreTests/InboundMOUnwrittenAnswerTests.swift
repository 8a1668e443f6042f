import NIOCore
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
}
