import ArgumentParser
import BridgeCore
import Foundation
import RabbitMQ
import Synchronization
import Testing

@testable import smpp_bridge

/// The private RabbitMQ of deploy/rabbitmq.sh; without SMPP_BRIDGE_TEST_AMQP_URL the broker tests are skipped.
enum ToolBroker {
    static let url = ProcessInfo.processInfo.environment["SMPP_BRIDGE_TEST_AMQP_URL"]
    static let available = url != nil
    static let skipReason: Comment = "needs the private RabbitMQ: eval \"$(deploy/rabbitmq.sh env)\""

    static func configuration() throws -> AMQPConfiguration {
        try AMQPConfiguration(url: url ?? "amqp://127.0.0.1:1/")
    }

    static func unique(_ prefix: String) -> String { "test.\(prefix).\(UUID().uuidString.prefix(8).lowercased())" }

    /// A request queue and result/receipt/MO exchanges with unique names, declared; and the target pointing at them.
    static func target() async throws -> (BrokerTarget, AMQPPublisher) {
        var broker = BrokerSettings()
        broker.queue = unique("outbound")
        broker.resultsExchange = unique("results")
        broker.dlrExchange = unique("dlr")
        broker.moExchange = unique("mo")
        let publisher = AMQPPublisher(configuration: try configuration())
        try await publisher.connect()
        try await publisher.declare(AMQPTopology(
            exchanges: [broker.resultsExchange, broker.dlrExchange, broker.moExchange].map {
                AMQPExchange(name: $0, type: .topic, durable: false, autoDelete: false)
            },
            queues: [AMQPQueue(name: broker.queue, durable: false)]))
        return (BrokerTarget(amqp: try configuration(), broker: broker, outbound: OutboundSettings()), publisher)
    }

    static func cleanUp(_ target: BrokerTarget, _ publisher: AMQPPublisher) async {
        _ = try? await publisher.deleteQueue(target.broker.queue)
        for exchange in [target.broker.resultsExchange, target.broker.dlrExchange, target.broker.moExchange] {
            try? await publisher.deleteExchange(exchange)
        }
        await publisher.close()
    }
}

/// Lines a command wrote.
final class Output: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

@Suite struct SendCommandTests {
    @Test func theArgumentsAreValidated() {
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1"]) }
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1", "--text", "a", "--binary", "AA=="]) }
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1", "--binary", "%%%"]) }
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1", "--text", "a", "--concat", "udh"]) }
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1", "--text", "a", "--encoding", "utf8"]) }
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1", "--text", "a", "--timeout", "0"]) }
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1", "--text", "a", "--id", ""]) }
        // The bridge's own rule (it would dead-letter the request): control characters, more than 64 scalars.
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1", "--text", "a", "--id", "order-1\r"]) }
        let decomposed = String(repeating: "e\u{301}", count: 40)
        #expect(decomposed.count == 40 && decomposed.unicodeScalars.count == 80)
        #expect(throws: (any Error).self) { try SendCommand.parse(["--to", "1", "--text", "a", "--id", decomposed]) }
        #expect(throws: Never.self) { try SendCommand.parse(["--to", "1", "--binary", "AAEC", "--no-dlr"]) }
    }

    @Test func theRequestCarriesOnlyTheGivenFields() throws {
        let command = try SendCommand.parse([
            "--to", "+573001234567", "--text", "Hola \"mundo\"", "--from", "ACME", "--dlr", "--concat", "udh16",
            "--encoding", "ucs2",
        ])
        let body = String(decoding: command.requestBody(id: "order-42", registeredDelivery: true), as: UTF8.self)
        #expect(body == #"{"id":"order-42","to":"+573001234567","from":"ACME","text":"Hola \"mundo\"","#
            + #""encoding":"ucs2","dlr":true,"concat":"udh16"}"#)
        let binary = try SendCommand.parse(["--to", "1", "--binary", "AAEC", "--no-dlr"])
        #expect(String(decoding: binary.requestBody(id: "b", registeredDelivery: true), as: UTF8.self)
            == #"{"id":"b","to":"1","binary":"AAEC","dlr":false}"#)
    }

    /// With `--wait` and neither `--dlr` nor `--no-dlr`, the request says what the wait expects (this
    /// configuration's smpp.registered_delivery): a bridge whose own default differs used to send no receipt while
    /// the wait expected one, or the other way round. Without `--wait` the bridge's default applies.
    @Test func aWaitingRequestSaysWhetherItWantsAReceipt() throws {
        let waiting = try SendCommand.parse(["--to", "1", "--text", "a", "--wait"])
        #expect(String(decoding: waiting.requestBody(id: "w", registeredDelivery: false), as: UTF8.self)
            == #"{"id":"w","to":"1","text":"a","dlr":false}"#)
        #expect(String(decoding: waiting.requestBody(id: "w", registeredDelivery: true), as: UTF8.self)
            == #"{"id":"w","to":"1","text":"a","dlr":true}"#)
        let plain = try SendCommand.parse(["--to", "1", "--text", "a"])
        #expect(String(decoding: plain.requestBody(id: "p", registeredDelivery: false), as: UTF8.self)
            == #"{"id":"p","to":"1","text":"a"}"#)
    }

    @Test(.enabled(if: ToolBroker.available, ToolBroker.skipReason), .timeLimit(.minutes(1)))
    func publishesAPersistentRequestWithItsIDAsMessageID() async throws {
        let (target, publisher) = try await ToolBroker.target()
        let output = Output()
        let command = try SendCommand.parse(["--to", "+573001234567", "--text", "hola"])
        let outcome = try await command.send(id: "req-1", to: target) { output.append($0) }
        #expect(outcome == .done)
        #expect(output.all == ["req-1"])
        let consumer = AMQPConsumer(
            configuration: try ToolBroker.configuration(), queue: target.broker.queue,
            topology: AMQPTopology(queues: [AMQPQueue(name: target.broker.queue, durable: false)]))
        try await consumer.connect()
        var iterator = consumer.deliveries.makeAsyncIterator()
        let delivery = try #require(await iterator.next())
        try consumer.ack(delivery)
        #expect(delivery.properties.messageID == "req-1")
        #expect(delivery.properties.deliveryMode == .persistent)
        #expect(delivery.properties.contentType == "application/json")
        #expect(delivery.exchange == "" && delivery.routingKey == target.broker.queue)
        #expect(String(decoding: delivery.body, as: UTF8.self) == #"{"id":"req-1","to":"+573001234567","text":"hola"}"#)
        await consumer.close()
        await ToolBroker.cleanUp(target, publisher)
    }

    @Test(.enabled(if: ToolBroker.available, ToolBroker.skipReason), .timeLimit(.minutes(1)))
    func aMissingQueueIsReportedByName() async throws {
        var (target, publisher) = try await ToolBroker.target()
        let declared = target
        target.broker.queue = ToolBroker.unique("absent")
        let command = try SendCommand.parse(["--to", "1", "--text", "x"])
        await #expect(throws: SendFailure.self) { try await command.send(id: "x", to: target) { _ in } }
        do {
            _ = try await command.send(id: "x", to: target) { _ in }
        } catch {
            #expect("\(error)".contains("queue \(target.broker.queue) does not exist"))
        }
        await ToolBroker.cleanUp(declared, publisher)
    }

    @Test(.enabled(if: ToolBroker.available, ToolBroker.skipReason), .timeLimit(.minutes(1)))
    func waitPrintsTheResultAndReceiptsUntilTheFinalOne() async throws {
        let (target, publisher) = try await ToolBroker.target()
        // Stands in for the bridge: takes the request, answers with events for it and for another request.
        let bridge = AMQPConsumer(
            configuration: try ToolBroker.configuration(), queue: target.broker.queue,
            topology: AMQPTopology(queues: [AMQPQueue(name: target.broker.queue, durable: false)]))
        try await bridge.connect()
        let result = #"{"type":"submit_result","request_id":"w-1","status":"accepted","segments":[{"index":1}]}"#
        let other = #"{"type":"submit_result","request_id":"w-2","status":"accepted","segments":[{"index":1}]}"#
        let enroute = #"{"type":"delivery_receipt","request_id":"w-1","segment":1,"segments":1,"final":false}"#
        let delivered = #"{"type":"delivery_receipt","request_id":"w-1","segment":1,"segments":1,"final":true}"#
        let answering = Task {
            var iterator = bridge.deliveries.makeAsyncIterator()
            guard let request = await iterator.next() else { return false }
            try bridge.ack(request)
            for (exchange, key, body) in [
                (target.broker.resultsExchange, "submit.accepted", other),
                (target.broker.resultsExchange, "submit.accepted", result),
                (target.broker.dlrExchange, "dlr.enroute", enroute),
                (target.broker.dlrExchange, "dlr.delivrd", delivered),
            ] {
                try await publisher.publish(
                    Array(body.utf8), exchange: exchange, routingKey: key,
                    properties: AMQPProperties(correlationID: "w-1"))
            }
            return request.properties.messageID == "w-1"
        }
        let output = Output()
        let command = try SendCommand.parse(["--to", "+573001234567", "--text", "hola", "--wait", "--timeout", "30"])
        let outcome = try await command.send(id: "w-1", to: target) { output.append($0) }
        #expect(try await answering.value)
        #expect(outcome == .done)
        #expect(output.all == ["w-1", result, enroute, delivered])
        await bridge.close()
        await ToolBroker.cleanUp(target, publisher)
    }

    @Test(.enabled(if: ToolBroker.available, ToolBroker.skipReason), .timeLimit(.minutes(1)))
    func waitGivesUpAfterItsTimeout() async throws {
        let (target, publisher) = try await ToolBroker.target()
        let output = Output()
        let command = try SendCommand.parse(["--to", "1", "--text", "x", "--wait", "--timeout", "0.3"])
        let outcome = try await command.send(id: "t-1", to: target) { output.append($0) }
        #expect(outcome == .timedOut("the submit result"))
        #expect(output.all == ["t-1"])
        await ToolBroker.cleanUp(target, publisher)
    }

    @Test(.enabled(if: ToolBroker.available, ToolBroker.skipReason), .timeLimit(.minutes(1)))
    func waitNeedsTheEventExchanges() async throws {
        var (target, publisher) = try await ToolBroker.target()
        let declared = target
        target.broker.resultsExchange = ToolBroker.unique("no-results")
        let command = try SendCommand.parse(["--to", "1", "--text", "x", "--wait"])
        do {
            _ = try await command.send(id: "n-1", to: target) { _ in }
            Issue.record("sent without a results exchange")
        } catch {
            #expect("\(error)".hasPrefix("cannot listen on \(target.broker.resultsExchange)"))
        }
        await ToolBroker.cleanUp(declared, publisher)
    }
}
