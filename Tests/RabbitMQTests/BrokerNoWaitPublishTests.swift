import Foundation
import RabbitMQ
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(2))) struct NoWaitPublishes {
        /// `waitForConnection: false`: without a connection the publish fails at once (`notConnected`), while an
        /// ordinary publish made at the same time waits for the reconnect and is confirmed then.
        @Test func aPublishThatMayNotWaitFailsAtOnceWithoutAConnection() async throws {
            let proxy = try TestBroker.proxy()
            defer { proxy.stop() }
            let queue = TestBroker.uniqueName("nowait")
            let admin = try await TestBroker.publisher()
            try await admin.declareQueue(AMQPQueue(name: queue, durable: false))
            let publisher = try await TestBroker.publisher(try TestBroker.configuration(through: proxy))
            let events = publisher.events
            proxy.setMode(.refuse)
            proxy.dropAll()
            try await waitForEvent(events, within: .seconds(10), "disconnected") { $0.isDisconnected }

            let waiting = Task { try await publisher.publish(Array("waits".utf8), routingKey: queue) }
            do {
                try await withDeadline(.seconds(5), "a publish that may not wait") {
                    try await publisher.publish(Array("fails".utf8), routingKey: queue, waitForConnection: false)
                }
                Issue.record("published without a connection")
            } catch let error as AMQPError {
                #expect(error.code == .notConnected, "\(error)")
            }
            proxy.setMode(.pass)
            try await withDeadline(.seconds(20), "the waiting publish after the reconnect") { try await waiting.value }
            #expect(try await admin.declareQueue(AMQPQueue(name: queue, durable: false), passive: true).messageCount == 1)
            await publisher.close()
            _ = try await admin.deleteQueue(queue)
            await admin.close()
        }
    }
}
