import Metrics
import MetricsTestKit
import RabbitMQ
import Testing

@testable import BridgeCore

@Suite struct AMQPMetricsTests {
    struct FailingOnce: EventPublishing {
        struct Refused: Error {}
        func publish(_ message: OutgoingMessage) async throws {
            if message.routingKey == "refuse" { throw Refused() }
        }
    }

    func message(type: String?, routingKey: String = "k") -> OutgoingMessage {
        var properties = AMQPProperties()
        properties.type = type
        return OutgoingMessage(exchange: "x", routingKey: routingKey, body: [], properties: properties)
    }

    @Test func publishesAreCountedByTypeAndOutcomeAndTimed() async throws {
        let test = TestMetrics()
        let metrics = AMQPMetrics(factory: test)
        let publisher = MeteredPublisher(publisher: FailingOnce(), metrics: metrics)
        try await publisher.publish(message(type: "submit_result"))
        try await publisher.publish(message(type: "submit_result"))
        try await publisher.publish(message(type: "delivery_receipt"))
        try await publisher.publish(message(type: "undecodable_pdu"))
        await #expect(throws: FailingOnce.Refused.self) {
            try await publisher.publish(message(type: "mo", routingKey: "refuse"))
        }
        func publishes(_ type: String, _ outcome: String) -> Int64 {
            test.counterTotal(label: "amqp_publishes_total", dimensions: [("type", type), ("outcome", outcome)])
        }
        #expect(publishes("submit_result", "confirmed") == 2)
        #expect(publishes("delivery_receipt", "confirmed") == 1)
        #expect(publishes("other", "confirmed") == 1)
        #expect(publishes("mo", "failed") == 1)
        #expect(publishes("mo", "confirmed") == 0)
        let timer = try test.expectTimer("amqp_publish_confirm_seconds", [("type", "submit_result")])
        #expect(timer.values.count == 2)
    }

    @Test func connectionEventsDriveTheGauges() throws {
        let test = TestMetrics()
        let metrics = AMQPMetrics(factory: test)
        func connected(_ connection: String, _ node: String = "node1:5672") throws -> Double? {
            try test.expectGauge("amqp_connected", [("connection", connection), ("node", node)]).lastValue
        }
        let node1 = AMQPAddress(host: "node1", port: 5672)
        let node2 = AMQPAddress(host: "node2", port: 5672)
        #expect(try connected("publisher", "") == 0)
        metrics.record(.connected(node: node1), connection: "publisher")
        metrics.record(.connected(node: node1), connection: "consumer")
        #expect(try connected("publisher") == 1)
        metrics.record(.blocked(reason: "memory"), connection: "publisher")
        #expect(try test.expectGauge("amqp_blocked").lastValue == 1)
        metrics.record(.disconnected(AMQPError(code: .connectionLost, message: "gone")), connection: "publisher")
        #expect(try connected("publisher") == 0)
        #expect(try connected("consumer") == 1)
        #expect(try test.expectGauge("amqp_blocked").lastValue == 0, "a lost connection is no longer blocked")
        #expect(test.counterTotal(
            label: "amqp_connection_losses_total", dimensions: [("connection", "publisher"), ("node", "node1:5672")]) == 1)
        // Reconnected to another node of the cluster: that node's series is 1, the old one stays 0.
        metrics.record(.connected(node: node2), connection: "publisher")
        #expect(try connected("publisher", "node2:5672") == 1)
        #expect(try connected("publisher") == 0)
        metrics.record(.connected(node: node2), connection: "consumer")
        #expect(try connected("consumer", "node2:5672") == 1)
        #expect(try connected("consumer") == 0, "the consumer moved without a loss event: its old node reads 0")
        metrics.record(.deliveryTooLarge(size: 2_000_000, limit: 1_048_576), connection: "consumer")
        #expect(test.counterTotal(label: "amqp_oversized_deliveries_total") == 1)
    }
}
