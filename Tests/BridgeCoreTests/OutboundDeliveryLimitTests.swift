import BridgeCore
import Foundation
import RabbitMQ
import Testing

/// A request a quorum queue has given back `amqp.delivery_limit` times (`x-delivery-count`) is a poison request:
/// dead-lettered with the reason instead of tried again — unless it was completed, then republished as usual.
@Suite struct OutboundDeliveryLimitTests {
    static func redelivered(_ fixture: PipelineFixture, _ json: String, count: Int32) -> IncomingRequest {
        var request = fixture.request(json)
        request.properties.headers["x-delivery-count"] = .int32(count)
        request.redelivered = true
        return request
    }

    @Test func aRequestAtTheLimitIsDeadLetteredWithTheReasonAndItsIDAndNeverSubmitted() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter, settings: .init(sourceAddress: "ACME", deliveryLimit: 3))
        let body = #"{"id":"poison-1","to":"+1555","text":"x"}"#
        #expect(await fixture.processor.process(Self.redelivered(fixture, body, count: 3)) == .ack)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.exchange == "smpp.dead" && message.body == Array(body.utf8))
        #expect(message.properties.headers["x-smpp-bridge-request-id"] == .string("poison-1"))
        guard case .string(let reason)? = message.properties.headers["x-smpp-bridge-reason"] else {
            Issue.record("no reason header"); return
        }
        #expect(reason.contains("redelivered 3 times") && reason.contains("amqp.delivery_limit 3"), "\(reason)")
        #expect(message.properties.headers["x-delivery-count"] == .int32(3), "the original headers are kept")
        #expect(submitter.sent.withLockedValue { $0.isEmpty })
        #expect(fixture.publisher.all.count == 1, "no submit result")
    }

    @Test func belowTheLimitOrWithoutACountTheRequestIsProcessed() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter, settings: .init(sourceAddress: "ACME", deliveryLimit: 3))
        #expect(await fixture.processor.process(
            Self.redelivered(fixture, #"{"id":"r-2","to":"+1555","text":"x"}"#, count: 2)) == .ack)
        #expect(await fixture.processor.process(fixture.request(#"{"id":"r-0","to":"+1555","text":"x"}"#)) == .ack)
        #expect(fixture.publisher.all.map(\.exchange) == ["smpp.results", "smpp.results"])
        #expect(submitter.sent.withLockedValue { $0.count } == 2)
        // Without a limit (a classic queue) the count does not matter.
        let unlimited = PipelineFixture(submitter: AcceptingSubmitter())
        #expect(await unlimited.processor.process(
            Self.redelivered(unlimited, #"{"id":"r-9","to":"+1555","text":"x"}"#, count: 50)) == .ack)
        #expect(unlimited.publisher.all.first?.exchange == "smpp.results")
    }

    @Test func aCompletedRequestOverTheLimitIsRepublishedNotDeadLettered() async throws {
        let fixture = PipelineFixture(settings: .init(sourceAddress: "ACME", deliveryLimit: 2))
        let body = #"{"id":"done-1","to":"+1555","text":"x"}"#
        #expect(await fixture.processor.process(fixture.request(body)) == .ack)
        #expect(await fixture.processor.process(Self.redelivered(fixture, body, count: 5)) == .ack)
        let messages = fixture.publisher.all
        #expect(messages.count == 2 && messages.allSatisfy { $0.exchange == "smpp.results" })
        #expect(messages[0].body == messages[1].body && messages[0].properties.messageID == messages[1].properties.messageID)
    }

    @Test func aBodyWithoutAnIDOverTheLimitIsDeadLetteredToo() async throws {
        let fixture = PipelineFixture(settings: .init(sourceAddress: "ACME", deliveryLimit: 1))
        #expect(await fixture.processor.process(Self.redelivered(fixture, "{{{", count: 1)) == .ack)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.exchange == "smpp.dead" && message.properties.headers["x-smpp-bridge-request-id"] == nil)
    }
}
