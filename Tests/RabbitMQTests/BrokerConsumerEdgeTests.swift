import Foundation
import Testing

@testable import RabbitMQ

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct ConsumerEdges {
        /// Issue 11 item 4. After a reconnect the application can tell an in-flight delivery from its redelivery.
        @Test func deliveriesOfALostConnectionAreNotCurrent() async throws {
            let proxy = try TestBroker.proxy()
            defer { proxy.stop() }
            let (queue, publisher, consumer) = try await TestBroker.queueConsumed(through: proxy, prefix: "generation")
            let events = consumer.events
            try await publisher.publish(Array("one".utf8), routingKey: queue)
            var iterator = consumer.deliveries.makeAsyncIterator()
            let first = try #require(await iterator.next())
            #expect(consumer.isCurrent(first))
            proxy.dropAll()
            try await waitForEvent(events, within: .seconds(10), "disconnected") { $0.isDisconnected }
            #expect(!consumer.isCurrent(first))
            let again = try #require(await iterator.next())
            #expect(again.redelivered && again.body == first.body)
            #expect(again.connectionGeneration > first.connectionGeneration)
            #expect(consumer.isCurrent(again))
            #expect(throws: AMQPError.self) { try consumer.ack(first) }
            try consumer.ack(again)
            await consumer.close()
            #expect(!consumer.isCurrent(again))
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        /// Issue 11 item 6. A delivery over `maxMessageSize` is rejected to the dead-letter path (not requeued),
        /// reported as an event, and the deliveries after it flow.
        @Test func anOversizedDeliveryIsDeadLetteredAndReported() async throws {
            let queue = TestBroker.uniqueName("oversized")
            let deadLetters = "\(queue).dlx"
            let topology = AMQPTopology(
                exchanges: [AMQPExchange(name: deadLetters, type: .fanout, durable: false, autoDelete: false)],
                queues: [
                    AMQPQueue(name: deadLetters, durable: false),
                    AMQPQueue(name: queue, durable: false, deadLetterExchange: deadLetters),
                ],
                bindings: [AMQPBinding(queue: deadLetters, exchange: deadLetters)])
            let publisher = try await TestBroker.publisher()
            try await publisher.declare(topology)
            try await publisher.publish([UInt8](repeating: 7, count: 300_000), routingKey: queue)
            try await publisher.publish(Array("small".utf8), routingKey: queue)
            var configuration = try TestBroker.configuration()
            configuration.maxMessageSize = 64 * 1024
            let consumer = try await TestBroker.consumer(queue: queue, topology: topology, configuration: configuration)
            let events = consumer.events
            var iterator = consumer.deliveries.makeAsyncIterator()
            let delivery = try #require(await iterator.next())
            #expect(delivery.body == Array("small".utf8))
            try consumer.ack(delivery)
            try await withDeadline(.seconds(10), "deliveryTooLarge") {
                for await event in events {
                    if let tooLarge = event.tooLarge {
                        #expect(tooLarge.size == 300_000 && tooLarge.limit == 64 * 1024)
                        return true
                    }
                }
                throw DeadlineExceeded(what: "events ended")
            }
            try await TestBroker.eventually(.seconds(10), "the large message dead-lettered") {
                try await TestBroker.queueInfo(deadLetters, publisher).messageCount == 1
            }
            await consumer.close()
            try await publisher.deleteQueue(queue)
            try await publisher.deleteQueue(deadLetters)
            try await publisher.deleteExchange(deadLetters)
            await publisher.close()
        }

        /// Issue 11 item 7. cancel() stops the broker's deliveries; what was received can still be acked.
        @Test func cancelStopsDeliveriesAndKeepsAcksWorking() async throws {
            let (queue, publisher, consumer) = try await TestBroker.filledQueue("cancel", count: 10, prefetch: 4)
            var iterator = consumer.deliveries.makeAsyncIterator()
            var received: [AMQPDelivery] = []
            while received.count < 4, let delivery = await iterator.next() { received.append(delivery) }
            try await consumer.cancel()
            for delivery in received { try consumer.ack(delivery) }
            try await TestBroker.eventually(.seconds(10), "4 acked, 6 left, no consumer") {
                let info = try await TestBroker.queueInfo(queue, publisher)
                return info.messageCount == 6 && info.consumerCount == 0
            }
            #expect(consumer.deliveries.buffer.count == 0)
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        /// Issue 9 (a standby instance). resume() consumes again after cancel(); setPrefetch(_:) changes how many
        /// unacknowledged deliveries the broker hands out, at most the prefetch given at creation.
        @Test func resumeAfterCancelAndPrefetchChanges() async throws {
            let (queue, publisher, consumer) = try await TestBroker.filledQueue("resume", count: 20, prefetch: 8)
            var iterator = consumer.deliveries.makeAsyncIterator()
            var received: [AMQPDelivery] = []
            while received.count < 8, let delivery = await iterator.next() { received.append(delivery) }
            try await consumer.cancel()
            try await consumer.setPrefetch(2)  // applied with the next basic.consume
            for delivery in received { try consumer.ack(delivery) }
            try await TestBroker.eventually(.seconds(10), "8 acked, 12 ready, no consumer") {
                let info = try await TestBroker.queueInfo(queue, publisher)
                return info.messageCount == 12 && info.consumerCount == 0
            }
            try await consumer.resume()
            try await consumer.resume()  // consuming already: nothing happens
            try await TestBroker.eventually(.seconds(10), "one consumer holding 2") {
                let info = try await TestBroker.queueInfo(queue, publisher)
                return info.messageCount == 10 && info.consumerCount == 1 && consumer.deliveries.buffer.count == 2
            }
            // Clamped to 8, for a new subscription: 8 more beside the 2 of the old one, 2 left ready.
            try await consumer.setPrefetch(1_000)
            try await TestBroker.eventually(.seconds(10), "8 more delivered, 2 ready") {
                try await TestBroker.queueInfo(queue, publisher).messageCount == 2
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await TestBroker.queueInfo(queue, publisher).messageCount == 2, "no more than 8")
            await consumer.close()
            let error = await #expect(throws: AMQPError.self) { try await consumer.resume() }
            #expect(error?.code == .closed)
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        /// Issue 11 item 7. After close() nothing more is handed out (buffered deliveries are dropped; the broker
        /// redelivers them) and acks fail with `closed` instead of being dropped silently.
        @Test func closeStopsHandingOutAndLateAcksFail() async throws {
            let (queue, publisher, consumer) = try await TestBroker.filledQueue("closed", count: 5, prefetch: 5)
            var iterator = consumer.deliveries.makeAsyncIterator()
            let first = try #require(await iterator.next())
            try await TestBroker.eventually(.seconds(10), "4 buffered") { consumer.deliveries.buffer.count == 4 }
            await consumer.close()
            #expect(await iterator.next() == nil)
            let error = #expect(throws: AMQPError.self) { try consumer.ack(first) }
            #expect(error?.code == .closed)
            try await TestBroker.eventually(.seconds(10), "all 5 back in the queue") {
                try await TestBroker.queueInfo(queue, publisher).messageCount == 5
            }
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        /// Issue 11 item 8. Single acks are coalesced into `multiple` acks inside the layer; the broker must see
        /// exactly the acks given (no channel error, every message gone, none requeued).
        @Test func coalescedAcksSettleExactlyWhatWasAcked() async throws {
            let (queue, publisher, consumer) = try await TestBroker.filledQueue(
                "coalesce", count: 1_000, window: 200, prefetch: 100)
            var iterator = consumer.deliveries.makeAsyncIterator()
            var held: [AMQPDelivery] = []
            var seen = 0
            // Ack most at once, hold every 50th back for a while and reject every 97th: runs with gaps.
            while seen < 1_000, let delivery = await iterator.next() {
                seen += 1
                if seen % 97 == 0 {
                    try consumer.reject(delivery, requeue: false)
                } else if seen % 50 == 0 {
                    held.append(delivery)
                    if held.count == 5 {
                        for delivery in held { try consumer.ack(delivery) }
                        held.removeAll()
                    }
                } else {
                    try consumer.ack(delivery)
                }
            }
            for delivery in held { try consumer.ack(delivery) }
            try await TestBroker.eventually(.seconds(10), "the queue empty") {
                try await TestBroker.queueInfo(queue, publisher).messageCount == 0
            }
            let events = consumer.events
            await consumer.close()
            var disconnections = 0
            for await event in events where event.isDisconnected { disconnections += 1 }
            #expect(disconnections == 0)
            #expect(try await TestBroker.queueInfo(queue, publisher).messageCount == 0)
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        /// Issue 11 item 9. A channel.close arriving between a delivery's frames is reported with its reply code
        /// and text (and answered with close-ok); the consumer reconnects and gets the message again.
        @Test func aChannelCloseInsideADeliveryKeepsItsReply() async throws {
            let proxy = try TestBroker.proxy()
            defer { proxy.stop() }
            let (queue, publisher, consumer) = try await TestBroker.queueConsumed(through: proxy, prefix: "interrupted")
            let events = consumer.events
            proxy.setMode(.closeChannelInsideDelivery)
            try await publisher.publish(Array("cut".utf8), routingKey: queue)
            let error = try await withDeadline(.seconds(10), "disconnected") { () -> AMQPError? in
                for await event in events { if let error = event.disconnectError { return error } }
                return nil
            }
            #expect(error?.replyCode == 406 && error?.replyText == "injected", "\(String(describing: error))")
            var iterator = consumer.deliveries.makeAsyncIterator()
            let delivery = try #require(await iterator.next())
            #expect(delivery.body == Array("cut".utf8))
            try consumer.ack(delivery)
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }
    }
}
