import Foundation
import RabbitMQ
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct Flow {
        @Test func prefetchHoldsBackDeliveriesUntilTheApplicationCatchesUp() async throws {
            let queue = TestBroker.uniqueName("backpressure")
            let publisher = try await TestBroker.publisher()
            let consumer = try await TestBroker.consumer(queue: queue, prefetch: 5)
            try await publishAll(publisher, count: 50, window: 50, routingKey: queue) { Array(String($0).utf8) }
            // Nothing is taken from the sequence: the broker keeps all but `prefetch` messages.
            try await withDeadline(.seconds(10), "45 messages held by the broker") {
                while try await publisher.declareQueue(AMQPQueue(name: queue), passive: true).messageCount != 45 {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            let received = try await withDeadline(.seconds(20), "all 50 after acking") {
                var iterator = consumer.deliveries.makeAsyncIterator()
                var bodies: [String] = []
                while bodies.count < 50, let delivery = await iterator.next() {
                    bodies.append(String(decoding: delivery.body, as: UTF8.self))
                    try consumer.ack(delivery)
                }
                return bodies
            }
            // Published concurrently, so in any order; each exactly once.
            #expect(received.compactMap { Int($0) }.sorted() == Array(0..<50))
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        @Test func idleConnectionsSurviveOnHeartbeats() async throws {
            // Heartbeat 1 s: the broker drops a connection that is silent for about 2 s. Stay idle for 3.5 s.
            var configuration = try TestBroker.configuration()
            configuration.heartbeat = .seconds(1)
            let queue = TestBroker.uniqueName("heartbeat")
            let publisher = try await TestBroker.publisher(configuration)
            let consumer = try await TestBroker.consumer(queue: queue, configuration: configuration)
            let publisherEvents = publisher.events
            let consumerEvents = consumer.events
            try await Task.sleep(for: .milliseconds(3_500))
            try await publisher.publish(Array("still here".utf8), routingKey: queue)
            let delivery = try await withDeadline(.seconds(5), "delivery after idling") {
                var iterator = consumer.deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(delivery.map { String(decoding: $0.body, as: UTF8.self) } == "still here")
            if let delivery { try consumer.ack(delivery) }
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
            // Exactly one connection each: no disconnect happened while idle.
            for events in [publisherEvents, consumerEvents] {
                var seen: [String] = []
                for await event in events { seen.append(event.isConnected ? "connected" : "other") }
                #expect(seen == ["connected"])
            }
        }

        @Test func closeWaitsForOutstandingConfirmsAndStaleAcksAreRefused() async throws {
            let queue = TestBroker.uniqueName("close")
            let publisher = try await TestBroker.publisher()
            try await publisher.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
            let publishes = Task {
                try await publishAll(publisher, count: 500, window: 500, routingKey: queue) { Array(String($0).utf8) }
            }
            // Close while publishes are in flight: those already sent are confirmed, not failed.
            try await withDeadline(.seconds(10), "some publishes sent") {
                while try await publisher.declareQueue(AMQPQueue(name: queue), passive: true).messageCount == 0 {
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            await publisher.close()
            let outcome = await publishes.result
            switch outcome {
            case .success: break
            case .failure(let error as AMQPError): #expect(error.code == .closed, "only never-sent publishes fail")
            case .failure(let error): Issue.record("unexpected \(error)")
            }
            await #expect(throws: AMQPError.self) { try await publisher.publish([1], routingKey: queue) }

            let consumer = try await TestBroker.consumer(queue: queue)
            let first = try await withDeadline(.seconds(10), "a delivery") {
                var iterator = consumer.deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            let delivery = try #require(first)
            await consumer.close()
            #expect(throws: AMQPError.self) { try consumer.ack(delivery) }
            let cleanup = try await TestBroker.publisher()
            try await cleanup.deleteQueue(queue)
            await cleanup.close()
        }
    }
}
