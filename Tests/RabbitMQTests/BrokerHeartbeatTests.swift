import Glibc
import Testing

@testable import RabbitMQ

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct Heartbeats {
        /// The connection thread is kept away from reading for 3 s (three heartbeat intervals) while still sending,
        /// as during a long publish burst or a slow broker call, and a publish arrives meanwhile. The broker's
        /// heartbeats wait in the socket; that is not silence, and the connection must survive.
        @Test func aLongStretchWithoutReadingIsNotAHeartbeatTimeout() async throws {
            var configuration = try TestBroker.configuration()
            configuration.heartbeat = .seconds(1)
            let publisher = try await TestBroker.publisher(configuration)
            let queue = TestBroker.uniqueName("heartbeat")
            try await publisher.declareQueue(AMQPQueue(name: queue, durable: false, autoDelete: false))
            let stalling = Locked(false)
            let stall = Task {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    publisher.loop.post(
                        .topology(
                            { link, _ throws(AMQPError) in
                                stalling.withLock { $0 = true }
                                for _ in 0..<12 {
                                    usleep(250_000)
                                    try link.sendHeartbeat()
                                }
                            }, continuation))
                }
            }
            for _ in 0..<500 where !stalling.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(stalling.withLock { $0 })
            // Queued while the thread is busy: it finds a command waiting when it is done.
            try await publisher.publish(Array("after the stall".utf8), routingKey: queue)
            try await stall.value
            #expect(publisher.isConnected)
            #expect(try await publisher.purgeQueue(queue) == 1)
            try await publisher.deleteQueue(queue)
            await publisher.close()
            var disconnections = 0
            for await event in publisher.events where event.isDisconnected { disconnections += 1 }
            #expect(disconnections == 0, "the connection was dropped for a heartbeat timeout")
        }

        /// Issue 11 item 5. A broker call that takes longer than two heartbeat intervals, reading the broker's
        /// heartbeats along with its reply, leaves nothing in the socket; that was taken for silence (the silence
        /// clock was only stamped before reading) and the connection was dropped. RPC replies count as received.
        @Test func aLongBrokerCallIsNotAHeartbeatTimeout() async throws {
            var configuration = try TestBroker.configuration()
            configuration.heartbeat = .seconds(1)
            let publisher = try await TestBroker.publisher(configuration)
            let queue = TestBroker.uniqueName("slowcall")
            try await publisher.declareQueue(AMQPQueue(name: queue, durable: false, autoDelete: false))
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                publisher.loop.post(
                    .topology(
                        { link, channel throws(AMQPError) in
                            for _ in 0..<12 {
                                usleep(250_000)
                                try link.sendHeartbeat()
                            }
                            // The reply comes after the broker's heartbeats, which this call reads and drops.
                            _ = try link.declare(AMQPQueue(name: queue, durable: false), passive: true, channel: channel)
                        }, continuation))
            }
            try await publisher.publish(Array("after the call".utf8), routingKey: queue)
            #expect(publisher.isConnected)
            #expect(try await publisher.purgeQueue(queue) == 1)
            try await publisher.deleteQueue(queue)
            await publisher.close()
            var disconnections = 0
            for await event in publisher.events where event.isDisconnected { disconnections += 1 }
            #expect(disconnections == 0, "the connection was dropped for a heartbeat timeout")
        }
    }
}
