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
            let publisher = try await TestBroker.publisher()
            try await publisher.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
            let consumer = try await TestBroker.consumer(queue: queue, prefetch: 200)
            let confirmed = Locked(Set<Int>())
            let consumed = Locked(Set<Int>())
            let failures = Locked([AMQPError.Code: Int]())
            let published = Locked(0)
            let stopAt = Locked(Int.max)
            let consumerEvents = consumer.events
            let publisherEvents = publisher.events

            let consuming = Task {
                for await delivery in consumer.deliveries {
                    guard let index = Int(String(decoding: delivery.body, as: UTF8.self)) else { continue }
                    consumed.withLock { _ = $0.insert(index) }
                    // A delivery from before the restart cannot be acked (staleDelivery); the broker redelivers it.
                    try? consumer.ack(delivery)
                }
            }
            // Publishes keep flowing (50 awaiting confirms) before, during and after the restart, until 2 000 more
            // have been started after the broker is back.
            let publishing = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var index = 0
                    while index < stopAt.withLock({ $0 }), index < 500_000 {
                        if index >= 50 { try await group.next() }
                        let current = index
                        group.addTask {
                            // The caller decides to retry a publish that failed at the loss; it may duplicate.
                            for attempt in 1...50 {
                                do {
                                    try await publisher.publish(Array(String(current).utf8), routingKey: queue)
                                    confirmed.withLock { _ = $0.insert(current) }
                                    return
                                } catch let error as AMQPError
                                    where [.connectionLost, .notConnected, .publishTimedOut, .channelClosed].contains(error.code)
                                {
                                    failures.withLock { $0[error.code, default: 0] += 1 }
                                    if attempt == 50 { throw error }
                                }
                            }
                        }
                        index += 1
                        published.withLock { $0 = index }
                    }
                    try await group.waitForAll()
                }
            }
            try await withDeadline(.seconds(60), "first 1 000 confirms") {
                while confirmed.withLock({ $0.count }) < 1_000 { try await Task.sleep(for: .milliseconds(10)) }
            }
            let confirmedBeforeRestart = confirmed.withLock { $0.count }
            try await TestBroker.shell(restart)
            stopAt.withLock { $0 = published.withLock { $0 } + 2_000 }
            try await withDeadline(.seconds(90), "publishing after the restart") { try await publishing.value }
            let total = published.withLock { $0 }
            TestBroker.logger.info(
                "publishing done",
                metadata: ["published": "\(total)", "before_restart": "\(confirmedBeforeRestart)",
                    "failures": "\(failures.withLock { $0 })"])
            #expect(confirmed.withLock { $0.count } == total, "every publish confirmed in the end")
            try await withDeadline(.seconds(60), "consuming every confirmed message") {
                while !confirmed.withLock({ $0 }).isSubset(of: consumed.withLock({ $0 })) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            // Both sides lost their connection and came back by themselves.
            for events in [consumerEvents, publisherEvents] {
                try await waitForEvent(events, within: .seconds(5), "disconnected") { $0.isDisconnected }
                try await waitForEvent(events, within: .seconds(5), "reconnected") { $0.isConnected }
            }
            consuming.cancel()
            await consumer.close()
            try await publisher.deleteQueue(queue)
            await publisher.close()
        }
    }
}
