import Foundation
import RabbitMQ
import Synchronization
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(2))) struct RoundTrip {
        @Test func tenThousandMessagesWithConfirmsAndAcksExactlyOnce() async throws {
            let queue = TestBroker.uniqueName("roundtrip")
            let count = 10_000
            let publisher = try await TestBroker.publisher()
            try await publisher.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
            let consumer = try await TestBroker.consumer(queue: queue, prefetch: 500)
            #expect(publisher.isConnected && consumer.isConnected)

            let consumed = Task {
                var seen = [Int](repeating: 0, count: count)
                var received = 0
                for await delivery in consumer.deliveries {
                    let text = String(decoding: delivery.body, as: UTF8.self)
                    let parts = text.split(separator: "|", omittingEmptySubsequences: false)
                    guard parts.count == 2, let index = Int(parts[0]), (0..<count).contains(index) else {
                        Issue.record("unexpected body \(text.prefix(40))")
                        break
                    }
                    #expect(String(parts[1]) == String(repeating: "x", count: index % 97))
                    #expect(delivery.properties.deliveryMode == .persistent)
                    seen[index] += 1
                    received += 1
                    // Mix single acks with batched ones (multiple=1 covers everything before).
                    if index % 10 == 9 || received == count {
                        try consumer.ack(delivery, multiple: true)
                    } else if index % 3 == 0 {
                        try consumer.ack(delivery)
                    }
                    if received == count { break }
                }
                return seen
            }
            try await publishAll(publisher, count: count, window: 1_000, routingKey: queue) { index in
                Array("\(index)|\(String(repeating: "x", count: index % 97))".utf8)
            }
            let seen = try await withDeadline(.seconds(60), "consuming \(count) messages") { try await consumed.value }
            #expect(seen.allSatisfy { $0 == 1 }, "every message exactly once")

            await consumer.close()
            #expect(!consumer.isConnected)
            // Everything was acknowledged: nothing is left in the queue.
            let info = try await publisher.declareQueue(AMQPQueue(name: queue), passive: true)
            #expect(info.messageCount == 0)
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        @Test func oneMebibyteMessage() async throws {
            let queue = TestBroker.uniqueName("large")
            let publisher = try await TestBroker.publisher()
            let consumer = try await TestBroker.consumer(queue: queue)
            var generator = SystemRandomNumberGenerator()
            let body = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try await publisher.publish(body, routingKey: queue)
            let delivery = try await withDeadline(.seconds(20), "1 MiB delivery") {
                var iterator = consumer.deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(delivery?.body.count == 1 << 20)
            #expect(delivery?.body == body)
            if let delivery { try consumer.ack(delivery) }
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        @Test func everyPropertyAndHeaderTypeRoundTrips() async throws {
            let queue = TestBroker.uniqueName("headers")
            let publisher = try await TestBroker.publisher()
            let consumer = try await TestBroker.consumer(queue: queue)
            let headers: AMQPTable = [
                "bool": .boolean(true), "i8": .int8(-8), "u8": .uint8(200), "i16": .int16(-1600),
                "u16": .uint16(60_000), "i32": .int32(-320_000), "u32": .uint32(4_000_000_000),
                "i64": .int64(-64_000_000_000), "f32": .float(1.5), "f64": .double(-2.25),
                "decimal": .decimal(scale: 2, value: 12_345), "string": .string("héllo wörld"),
                "bytes": .bytes([0, 1, 2, 255]), "timestamp": .timestamp(Date(timeIntervalSince1970: 1_700_000_000)),
                "array": .array([.int32(1), .string("two"), .boolean(false)]),
                "table": .table(["nested": .string("yes"), "deeper": .table(["n": .int64(7)])]), "void": .void,
            ]
            let properties = AMQPProperties(
                contentType: "application/json", contentEncoding: "identity", headers: headers,
                deliveryMode: .persistent, priority: 3, correlationID: "order-42", replyTo: "replies",
                expiration: "600000", messageID: "evt-1", timestamp: Date(timeIntervalSince1970: 1_700_000_123),
                type: "submit_result", userID: "guest", appID: "smpp-bridge-tests")
            try await publisher.publish(Array("{}".utf8), routingKey: queue, properties: properties)
            let delivery = try await withDeadline(.seconds(10), "delivery with headers") {
                var iterator = consumer.deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            let received = try #require(delivery)
            #expect(received.properties == properties)
            for (key, value) in headers { #expect(received.properties.headers[key] == value, "header \(key)") }
            #expect(received.routingKey == queue)
            #expect(received.exchange == "")
            #expect(!received.redelivered)
            try consumer.ack(received)
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        @Test func nackRequeuesAndRejectDeadLetters() async throws {
            let queue = TestBroker.uniqueName("nack")
            let deadExchange = TestBroker.uniqueName("dead")
            let deadQueue = TestBroker.uniqueName("deadq")
            let publisher = try await TestBroker.publisher()
            try await publisher.declare(
                AMQPTopology(
                    exchanges: [AMQPExchange(name: deadExchange, type: .fanout)],
                    queues: [AMQPQueue(name: deadQueue)],
                    bindings: [AMQPBinding(queue: deadQueue, exchange: deadExchange)]))
            let topology = AMQPTopology(queues: [AMQPQueue(name: queue, deadLetterExchange: deadExchange)])
            let consumer = try await TestBroker.consumer(queue: queue, topology: topology)
            try await publisher.publish(Array("again".utf8), routingKey: queue)
            try await publisher.publish(Array("dead".utf8), routingKey: queue)

            let outcome = try await withDeadline(.seconds(10), "requeue and dead-letter") {
                var iterator = consumer.deliveries.makeAsyncIterator()
                var log: [String] = []
                while let delivery = await iterator.next() {
                    let body = String(decoding: delivery.body, as: UTF8.self)
                    log.append("\(body):\(delivery.redelivered)")
                    switch (body, delivery.redelivered) {
                    case ("again", false): try consumer.nack(delivery, requeue: true)
                    case ("again", true): try consumer.ack(delivery)
                    default: try consumer.reject(delivery, requeue: false)
                    }
                    if log.contains("again:true") && log.contains("dead:false") { break }
                }
                return log
            }
            #expect(outcome.contains("again:false") && outcome.contains("again:true") && outcome.contains("dead:false"))
            // The rejected one went to the dead-letter queue, with the broker's x-death header.
            let deadConsumer = try await TestBroker.consumer(queue: deadQueue)
            let dead = try await withDeadline(.seconds(10), "dead-lettered message") {
                var iterator = deadConsumer.deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(dead.map { String(decoding: $0.body, as: UTF8.self) } == "dead")
            #expect(dead?.properties.headers["x-death"] != nil)
            if let dead { try deadConsumer.ack(dead) }
            await deadConsumer.close()
            await consumer.close()
            for name in [queue, deadQueue] { try await publisher.deleteQueue(name) }
            try await publisher.deleteExchange(deadExchange)
            await publisher.close()
        }
    }
}
