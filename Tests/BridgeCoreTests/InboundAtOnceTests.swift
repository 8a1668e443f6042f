import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import RabbitMQ
import SMPP
import Testing

/// Completes every callback publish before returning (as the real publisher may, on its own thread); the async
/// publish is not to be used.
final class ImmediatePublisher: EventPublishing {
    let messages = NIOLockedValueBox<[OutgoingMessage]>([])

    func publish(_ message: OutgoingMessage) async throws {
        Issue.record("a task waited for the publish")
        messages.withLockedValue { $0.append(message) }
    }

    func publish(_ message: OutgoingMessage, completion: @escaping @Sendable ((any Error)?) -> Void) {
        messages.withLockedValue { $0.append(message) }
        completion(nil)
    }
}

/// A receipt whose segment this instance knows is published without a task, and the confirm answers the SMSC;
/// everything else is left to the task path. Either way the broker gets the same message and the SMSC the same answer.
@Suite(.timeLimit(.minutes(1))) struct InboundAtOnceTests {
    static let clock = Date(timeIntervalSince1970: 1_800_000_000)

    /// The republish window is long: the fakes complete in a task, and a busy test run can delay one for seconds.
    static func processor(_ publisher: any EventPublishing, _ correlator: ReceiptCorrelator) -> InboundProcessor {
        InboundProcessor(
            settings: InboundPipelineSettings(republishWindow: 600), store: InMemoryBridgeStore(), publisher: publisher,
            correlator: correlator, metrics: BridgeMetrics(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: { clock })
    }

    /// The one answer given through `processAtOnce`, once it comes.
    static func answer(_ processor: InboundProcessor, _ message: InboundShortMessage) async -> (handled: Bool, CommandStatus?) {
        let (answers, continuation) = AsyncStream<CommandStatus>.makeStream()
        let handled = processor.processAtOnce(message) { status in
            continuation.yield(status)
            continuation.finish()
        }
        guard handled else { return (false, nil) }
        for await status in answers { return (true, status) }
        return (true, nil)
    }

    @Test func aKnownReceiptIsPublishedAtOnceExactlyAsTheTaskPathPublishesIt() async throws {
        let fixture = InboundFixture()
        let correlation = fixture.correlation("5F3A9C01")
        let viaTask = RecordingPublisher(), atOnce = ImmediatePublisher()
        let correlatorA = ReceiptCorrelator(hold: .seconds(60)), correlatorB = ReceiptCorrelator(hold: .seconds(60))
        correlatorA.segmentAccepted(correlation)
        correlatorB.segmentAccepted(correlation)
        let receipt = InboundFixture.receipt("5F3A9C01")
        #expect(await Self.processor(viaTask, correlatorA).process(receipt) == .ok)
        let (handled, status) = await Self.answer(Self.processor(atOnce, correlatorB), receipt)
        #expect(handled && status == .ok)
        let published = atOnce.messages.withLockedValue { $0 }
        #expect(published == viaTask.all, "same exchange, routing key, body, properties and event id")
        #expect(published.first?.properties.correlationID == "order-42")
    }

    @Test func aReceiptWithoutAMessageIDIsPublishedUnmatchedAtOnce() async throws {
        let publisher = ImmediatePublisher()
        let receipt = InboundShortMessage(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(ton: 5, address: "ACME"),
            esmClass: .deliveryReceipt, dataCoding: 0, shortMessage: Array("stat:DELIVRD err:000".utf8), tlvs: [])
        let (handled, status) = await Self.answer(Self.processor(publisher, ReceiptCorrelator(hold: .seconds(60))), receipt)
        #expect(handled && status == .ok)
        #expect(publisher.messages.withLockedValue { $0.count } == 1)
    }

    /// A receipt this instance does not know needs the store or a hold: nothing is done here.
    @Test func aReceiptOfAnUnknownSegmentAndAnMOAreLeftToTheTaskPath() async throws {
        let publisher = ImmediatePublisher()
        let processor = Self.processor(publisher, ReceiptCorrelator(hold: .seconds(60)))
        let receipt = processor.processAtOnce(InboundFixture.receipt("0BADC0DE")) { _ in Issue.record("answered") }
        let mo = processor.processAtOnce(InboundFixture.mo(Array("Hola".utf8))) { _ in Issue.record("answered") }
        #expect(!receipt && !mo)
        #expect(publisher.messages.withLockedValue { $0.isEmpty })
    }

    /// Lost in flight: published again with the same event id (waiting for the next connection), then answered ESME_ROK.
    @Test func aReceiptLostInFlightIsRepublishedWithItsIDThenAnswered() async throws {
        let publisher = LosingPublisher(losses: 1)
        let correlator = ReceiptCorrelator(hold: .seconds(60))
        correlator.segmentAccepted(InboundFixture().correlation("5F3A9C01"))
        let (handled, status) = await Self.answer(Self.processor(publisher, correlator), InboundFixture.receipt("5F3A9C01"))
        #expect(handled && status == .ok)
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 2)
        #expect(attempts[0].properties.messageID == attempts[1].properties.messageID && attempts[0].body == attempts[1].body)
        #expect(attempts[0].connectionWait == .never)
        guard case .atMost = attempts[1].connectionWait else { Issue.record("\(attempts[1].connectionWait)"); return }
    }

    @Test func aReceiptTheBrokerCannotTakeIsDeferredAndNotRepublished() async throws {
        let publisher = LosingPublisher(losses: 1, code: .notConnected)
        let correlator = ReceiptCorrelator(hold: .seconds(60))
        correlator.segmentAccepted(InboundFixture().correlation("5F3A9C01"))
        let (handled, status) = await Self.answer(Self.processor(publisher, correlator), InboundFixture.receipt("5F3A9C01"))
        #expect(handled && status == .receiverTemporaryAppError)
        #expect(publisher.attempts.withLockedValue { $0.count } == 1)
    }
}
