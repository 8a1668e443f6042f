import ArgumentParser
import BridgeCore
import Foundation
import RabbitMQ
import Testing

@testable import smpp_bridge

@Suite struct TailCommandTests {
    @Test func theArgumentsAreValidated() throws {
        #expect(try TailCommand.parse(["dlr", "--count", "3"]).stream == .dlr)
        #expect(throws: (any Error).self) { try TailCommand.parse(["receipts"]) }
        #expect(throws: (any Error).self) { try TailCommand.parse(["mo", "--count", "0"]) }
    }

    @Test func aBodyIsPrintedOnOneLineAfterItsRoutingKey() {
        let compact = AMQPDelivery(body: Array(#"{"a":1}"#.utf8), deliveryTag: 1, routingKey: "mo.12345")
        #expect(EventTail.line(compact) == #"mo.12345 {"a":1}"#)
        let pretty = AMQPDelivery(body: Array("{\n  \"a\" : \"x/y\"\n}".utf8), deliveryTag: 2, routingKey: "k")
        #expect(EventTail.line(pretty) == #"k {"a":"x/y"}"#)
        let text = AMQPDelivery(body: Array("two\nlines".utf8), deliveryTag: 3, routingKey: "k")
        #expect(EventTail.line(text) == #"k two\nlines"#)
    }

    @Test(.enabled(if: ToolBroker.available, ToolBroker.skipReason), .timeLimit(.minutes(1)))
    func printsEveryEventOfTheExchangeUntilTheCount() async throws {
        let (target, publisher) = try await ToolBroker.target()
        let tail = try await EventTail.open(
            amqp: target.amqp, bindings: [(target.broker.moExchange, "#")], purpose: "tail-test")
        let events = (1...5).map { #"{"type":"mo","from":"+57300\#($0)","text":"hola \#($0)"}"# }
        for (index, body) in events.enumerated() {
            try await publisher.publish(
                Array(body.utf8), exchange: target.broker.moExchange, routingKey: "mo.1234\(index)")
        }
        let output = Output()
        let counted = await tail.run(count: 3) { delivery in
            output.append(EventTail.line(delivery))
            return true
        }
        // Exclusive to the tail's connection: another connection cannot use it (RESOURCE_LOCKED, 405), while an
        // auto-delete queue that is not exclusive would be declared passively there.
        let other = AMQPPublisher(configuration: try ToolBroker.configuration())
        try await other.connect()
        await #expect(throws: AMQPError.self) {
            _ = try await other.declareQueue(AMQPQueue(name: tail.queue, durable: false), passive: true)
        }
        await other.close()
        await tail.close()
        #expect(counted == 3)
        #expect(output.all == (0..<3).map { "mo.1234\($0) \(events[$0])" })

        await ToolBroker.cleanUp(target, publisher)
    }
}
