import Foundation
import RabbitMQ
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct DoubleAck {
        /// Sent to the broker, a second ack would close the channel (406 PRECONDITION_FAILED), so the consumer
        /// would reconnect and the next delivery would come on a new channel with tag 1 again. Refused locally,
        /// the same channel goes on: the next tag follows and nothing was redelivered.
        @Test func aSecondSettlementIsRefusedLocallyAndTheChannelStaysOpen() async throws {
            let queue = TestBroker.uniqueName("doubleack")
            let publisher = try await TestBroker.publisher()
            let consumer = try await TestBroker.consumer(queue: queue)
            let events = consumer.events

            func nextDelivery(_ body: String) async throws -> AMQPDelivery {
                try await publisher.publish(Array(body.utf8), routingKey: queue)
                let delivery = try await withDeadline(.seconds(10), "delivery \(body)") {
                    var iterator = consumer.deliveries.makeAsyncIterator()
                    return await iterator.next()
                }
                let received = try #require(delivery)
                #expect(String(decoding: received.body, as: UTF8.self) == body)
                #expect(!received.redelivered)
                return received
            }

            let first = try await nextDelivery("first")
            try consumer.ack(first)
            for settle in [
                { try consumer.ack(first) }, { try consumer.ack(first, multiple: true) },
                { try consumer.nack(first, requeue: true) }, { try consumer.reject(first, requeue: false) },
            ] as [() throws -> Void] {
                #expect { try settle() } throws: { ($0 as? AMQPError)?.code == .alreadySettled }
            }

            // The frames the broker would refuse were never sent: the same channel delivers the next tag.
            let second = try await nextDelivery("second")
            #expect(second.deliveryTag == first.deliveryTag + 1, "same channel, no reconnect")
            try consumer.nack(second, requeue: false)
            #expect { try consumer.ack(second) } throws: { ($0 as? AMQPError)?.code == .alreadySettled }
            let third = try await nextDelivery("third")
            #expect(third.deliveryTag == second.deliveryTag + 1, "same channel, no reconnect")
            try consumer.ack(third, multiple: true)
            #expect(consumer.isConnected)

            await consumer.close()
            // Every message was settled exactly once by the broker: none is back in the queue.
            let info = try await publisher.declareQueue(AMQPQueue(name: queue), passive: true)
            #expect(info.messageCount == 0)
            // One connection only: no disconnect happened.
            var seen: [String] = []
            for await event in events { seen.append(event.isConnected ? "connected" : "\(event)") }
            #expect(seen == ["connected"])
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }
    }
}
