import Foundation
import RabbitMQ
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct Topology {
        @Test func declareBindRouteAndCheckPassively() async throws {
            let exchange = TestBroker.uniqueName("events")
            let quorum = TestBroker.uniqueName("quorum")
            let publisher = try await TestBroker.publisher()
            let topology = AMQPTopology(
                exchanges: [AMQPExchange(name: exchange, type: .topic)],
                queues: [AMQPQueue(name: quorum, type: .quorum)],
                bindings: [AMQPBinding(queue: quorum, exchange: exchange, routingKey: "dlr.*")])
            try await publisher.declare(topology)
            var passive = topology
            passive.passive = true
            try await publisher.declare(passive)

            try await publisher.publish(Array("routed".utf8), exchange: exchange, routingKey: "dlr.delivrd", mandatory: true)
            // Unroutable mandatory publish: basic.return, surfaced as an error with reply 312.
            do {
                try await publisher.publish(Array("nowhere".utf8), exchange: exchange, routingKey: "mo.1", mandatory: true)
                Issue.record("unroutable publish succeeded")
            } catch let error as AMQPError {
                #expect(error.code == .unroutable)
                #expect(error.replyCode == 312)
            }
            // Not mandatory: silently dropped by the broker but confirmed.
            try await publisher.publish(Array("dropped".utf8), exchange: exchange, routingKey: "mo.1")
            let info = try await publisher.declareQueue(AMQPQueue(name: quorum, type: .quorum), passive: true)
            #expect(info.messageCount == 1)

            // A passive check of something missing is a 404, and the publisher stays usable.
            do {
                try await publisher.declare(
                    AMQPTopology(queues: [AMQPQueue(name: TestBroker.uniqueName("missing"))], passive: true))
                Issue.record("passive declare of a missing queue succeeded")
            } catch let error as AMQPError {
                #expect(error.code == .channelClosed)
                #expect(error.replyCode == 404)
            }
            // Publishing to a missing exchange fails alone, never sent (issue 11 item 2): unroutable with reply 404.
            do {
                try await publisher.publish([1], exchange: TestBroker.uniqueName("nope"), routingKey: "x")
                Issue.record("publish to a missing exchange succeeded")
            } catch let error as AMQPError {
                #expect(error.code == .unroutable)
                #expect(error.replyCode == 404)
            }
            try await publisher.publish(Array("after".utf8), exchange: exchange, routingKey: "dlr.x")
            #expect(try await publisher.purgeQueue(quorum) == 2)

            try await publisher.deleteQueue(quorum)
            try await publisher.deleteExchange(exchange)
            await publisher.close()
        }

        @Test func consumerCancelledByDeletingItsQueueResubscribes() async throws {
            let queue = TestBroker.uniqueName("cancel")
            let publisher = try await TestBroker.publisher()
            let consumer = try await TestBroker.consumer(queue: queue)
            let events = consumer.events
            try await publisher.deleteQueue(queue)
            try await waitForEvent(events, within: .seconds(10), "consumer cancelled") { $0.isConsumerCancelled }
            // It reconnects, declares its queue again and consumes from it.
            try await waitForEvent(events, within: .seconds(10), "re-subscribed") { $0.isConnected }
            try await publisher.publish(Array("after cancel".utf8), routingKey: queue)
            let delivery = try await withDeadline(.seconds(10), "delivery after re-subscribe") {
                var iterator = consumer.deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            #expect(delivery.map { String(decoding: $0.body, as: UTF8.self) } == "after cancel")
            if let delivery { try consumer.ack(delivery) }
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }

        @Test(.enabled(if: TestBroker.ctlCommand != nil)) func blockedPublishWaitsThenCompletes() async throws {
            let ctl = try #require(TestBroker.ctlCommand)
            let queue = TestBroker.uniqueName("blocked")
            let publisher = try await TestBroker.publisher()
            try await publisher.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
            let events = publisher.events
            try await TestBroker.shell("\(ctl) set_vm_memory_high_watermark 0.0000001")
            do {
                // The broker blocks a connection on its first publish during an alarm; that publish waits.
                let first = Task { try await publisher.publish(Array("during alarm".utf8), routingKey: queue) }
                try await waitForEvent(events, within: .seconds(20), "connection.blocked") { $0.isBlocked }
                let second = Task { try await publisher.publish(Array("while blocked".utf8), routingKey: queue) }
                // A publish that may not wait fails at once and is never sent.
                await #expect(throws: AMQPError.self) {
                    try await withDeadline(.seconds(5), "a publish that may not wait") {
                        try await publisher.publish(
                            Array("must not wait".utf8), routingKey: queue, waitForConnection: false)
                    }
                }
                try await TestBroker.shell("\(ctl) set_vm_memory_high_watermark 0.4")
                try await withDeadline(.seconds(20), "publishes after unblock") {
                    try await first.value
                    try await second.value
                }
            } catch {
                try await TestBroker.shell("\(ctl) set_vm_memory_high_watermark 0.4")
                throw error
            }
            #expect(try await publisher.declareQueue(AMQPQueue(name: queue), passive: true).messageCount == 2)
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }
    }
}
