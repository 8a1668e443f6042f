import Foundation
import RabbitMQ
import Synchronization
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(3))) struct Restart {
        @Test(.enabled(if: TestBroker.restartCommand != nil))
        func brokerRestartedMidRunLosesNothingConfirmed() async throws {
            let restart = try #require(TestBroker.restartCommand)
            let queue = TestBroker.uniqueName("restart")
            let count = 4_000
            let publisher = try await TestBroker.publisher()
            try await publisher.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
            let consumer = try await TestBroker.consumer(queue: queue, prefetch: 200)
            let confirmed = Locked(Set<Int>())
            let consumed = Locked(Set<Int>())
            let retries = Locked(0)
            let consumerEvents = consumer.events

            let consuming = Task {
                for await delivery in consumer.deliveries {
                    guard let index = Int(String(decoding: delivery.body, as: UTF8.self)) else { continue }
                    consumed.withLock { _ = $0.insert(index) }
                    // Stale deliveries (from before the restart) cannot be acked; the broker redelivers them.
                    try? consumer.ack(delivery)
                }
            }
            let publishing = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<count {
                        if index >= 100 { try await group.next() }
                        group.addTask {
                            // The caller decides to retry a publish that was in flight at the loss.
                            for attempt in 1...30 {
                                do {
                                    try await publisher.publish(Array(String(index).utf8), routingKey: queue)
                                    confirmed.withLock { _ = $0.insert(index) }
                                    return
                                } catch let error as AMQPError
                                    where [.connectionLost, .notConnected, .publishTimedOut, .channelClosed].contains(error.code)
                                {
                                    retries.withLock { $0 += 1 }
                                    if attempt == 30 { throw error }
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Restart once a good part is through, while both sides are busy.
            try await withDeadline(.seconds(60), "first 1000 confirms") {
                while confirmed.withLock({ $0.count }) < 1_000 { try await Task.sleep(for: .milliseconds(20)) }
            }
            try await TestBroker.shell(restart)
            try await withDeadline(.seconds(90), "publishing after the restart") { try await publishing.value }
            #expect(confirmed.withLock { $0.count } == count)
            try await withDeadline(.seconds(60), "consuming every confirmed message") {
                while !confirmed.withLock({ $0 }).isSubset(of: consumed.withLock({ $0 })) {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            var sawDisconnect = false
            for await event in consumerEvents {
                if event.isDisconnected { sawDisconnect = true }
                if sawDisconnect, event.isConnected { break }
            }
            #expect(sawDisconnect, "the consumer saw the restart and reconnected")
            consuming.cancel()
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }
    }
}
