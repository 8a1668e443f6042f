import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import RabbitMQ
import SMPP
import Testing

/// Loses the connection under the first `losses` publishes (sent, never confirmed), then confirms.
final class LosingPublisher: EventPublishing {
    let attempts = NIOLockedValueBox<[OutgoingMessage]>([])
    let losses: Int
    let code: AMQPError.Code

    init(losses: Int, code: AMQPError.Code = .connectionLost) {
        self.losses = losses
        self.code = code
    }

    func publish(_ message: OutgoingMessage) async throws {
        let attempt = attempts.withLockedValue { attempts in
            attempts.append(message)
            return attempts.count
        }
        if attempt <= losses { throw AMQPError(code: code, message: "test: node stopped with the publish in flight") }
    }
}

@Suite struct InboundRepublishTests {
    static func processor(_ publisher: LosingPublisher, window: Double = 5) -> InboundProcessor {
        InboundProcessor(
            settings: InboundPipelineSettings(republishWindow: window), store: InMemoryBridgeStore(), publisher: publisher,
            correlator: ReceiptCorrelator(hold: .milliseconds(10)), metrics: BridgeMetrics(),
            logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// The node went with the receipt in flight: it is published again on the next connection with the same event id
    /// (a consumer that got both drops the copy), and the SMSC is answered ESME_ROK.
    @Test func anEventLostInFlightIsRepublishedWithTheSameEventID() async throws {
        let publisher = LosingPublisher(losses: 1)
        let status = await Self.processor(publisher).process(InboundFixture.receipt("5F3A9C01"))
        #expect(status == .ok)
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 2)
        #expect(attempts[0].properties.messageID != nil && attempts[0].properties.messageID == attempts[1].properties.messageID)
        #expect(attempts[0].body == attempts[1].body)
        #expect(attempts[0].connectionWait == .never, "the first try never waits for a connection")
        guard case .atMost(let wait) = attempts[1].connectionWait else {
            Issue.record("the republish may wait for the next connection: \(attempts[1].connectionWait)"); return
        }
        #expect(wait > .zero && wait <= .seconds(5))
    }

    @Test func republishingIsBoundedThenTheSMSCIsAskedToDeliverAgain() async throws {
        let always = LosingPublisher(losses: 100)
        #expect(await Self.processor(always).process(InboundFixture.mo(Array("Hola".utf8))) == .receiverTemporaryAppError)
        #expect(always.attempts.withLockedValue { $0.count } == InboundProcessor.maximumPublishAttempts)
        let noWindow = LosingPublisher(losses: 1)
        #expect(await Self.processor(noWindow, window: 0).process(InboundFixture.mo(Array("Hola".utf8))) == .receiverTemporaryAppError)
        #expect(noWindow.attempts.withLockedValue { $0.count } == 1, "window 0: never republished")
    }

    @Test func aPublishNeverSentIsNotRepublished() async throws {
        let unsent = LosingPublisher(losses: 1, code: .notConnected)
        #expect(await Self.processor(unsent).process(InboundFixture.receipt("5F3A9C01")) == .receiverTemporaryAppError)
        #expect(unsent.attempts.withLockedValue { $0.count } == 1)
    }
}
