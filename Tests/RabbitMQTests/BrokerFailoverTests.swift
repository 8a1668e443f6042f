import Foundation
import Testing

@testable import RabbitMQ

extension BrokerTests {
    /// Two "nodes" — two proxies in front of the private broker — as one configuration: the connections move to the
    /// other address when theirs goes, within the reconnect backoff, and report where they are.
    @Suite(.timeLimit(.minutes(2))) struct Failover {
        static func configuration(_ proxies: [TCPProxy], order: AMQPAddressOrder = .inOrder) throws -> AMQPConfiguration {
            var configuration = try TestBroker.configuration()
            configuration.addresses = proxies.map { AMQPAddress(host: "127.0.0.1", port: $0.port) }
            configuration.addressOrder = order
            configuration.reconnectInitialDelay = .milliseconds(100)
            configuration.reconnectMaxDelay = .seconds(1)
            return configuration
        }

        @Test func thePublisherMovesToTheOtherNodeAndPublishesThere() async throws {
            let first = try TestBroker.proxy()
            let second = try TestBroker.proxy()
            defer { first.stop(); second.stop() }
            let queue = TestBroker.uniqueName("failover")
            let admin = try await TestBroker.publisher()
            try await admin.declareQueue(AMQPQueue(name: queue, durable: false))
            let publisher = try await TestBroker.publisher(try Self.configuration([first, second]))
            #expect(publisher.connectedNode == AMQPAddress(host: "127.0.0.1", port: first.port))
            try await publisher.publish(Array("one".utf8), routingKey: queue)

            let events = publisher.events
            first.setMode(.refuse)
            first.dropAll()
            let moved = ContinuousClock.now
            try await waitForEvent(events, within: .seconds(10), "connected to the second node") {
                if case .connected(let node) = $0 { return node.port == second.port }
                return false
            }
            // One backoff step (100 ms, less jitter) and a handshake; far below the 10 s bound.
            #expect(ContinuousClock.now - moved < .seconds(5))
            #expect(publisher.connectedNode == AMQPAddress(host: "127.0.0.1", port: second.port))
            try await publisher.publish(Array("two".utf8), routingKey: queue)
            #expect(try await admin.declareQueue(AMQPQueue(name: queue, durable: false), passive: true).messageCount == 2)
            await publisher.close()
            #expect(publisher.connectedNode == nil)
            _ = try await admin.deleteQueue(queue)
            await admin.close()
        }

        @Test func aFirstNodeThatIsDownAtStartIsSkipped() async throws {
            let down = try TestBroker.proxy()
            let up = try TestBroker.proxy()
            defer { down.stop(); up.stop() }
            down.setMode(.refuse)
            let consumerQueue = TestBroker.uniqueName("failover-start")
            let publisher = try await TestBroker.publisher(try Self.configuration([down, up]))
            #expect(publisher.connectedNode?.port == up.port)
            try await publisher.declareQueue(AMQPQueue(name: consumerQueue, durable: false))
            _ = try await publisher.deleteQueue(consumerQueue)
            await publisher.close()

            down.setMode(.refuse)
            up.setMode(.refuse)
            let nowhere = AMQPPublisher(configuration: try Self.configuration([down, up]))
            do {
                try await nowhere.connect()
                Issue.record("connected with every node down")
            } catch let error as AMQPError {
                #expect(error.code == .connectionFailed || error.code == .connectionLost, "\(error)")
            }
            await nowhere.close()
        }

        @Test func theConsumerMovesAndTheUnackedDeliveryComesAgain() async throws {
            let first = try TestBroker.proxy()
            let second = try TestBroker.proxy()
            defer { first.stop(); second.stop() }
            let queue = TestBroker.uniqueName("failover-consume")
            let admin = try await TestBroker.publisher()
            try await admin.declareQueue(AMQPQueue(name: queue, durable: false))
            let consumer = try await TestBroker.consumer(
                queue: queue, topology: AMQPTopology(queues: [AMQPQueue(name: queue, durable: false)]),
                configuration: try Self.configuration([first, second]))
            try await admin.publish(Array("held".utf8), routingKey: queue)
            var deliveries = consumer.deliveries.makeAsyncIterator()
            let held = try #require(await deliveries.next())
            #expect(held.body == Array("held".utf8) && !held.redelivered)
            first.setMode(.refuse)
            first.dropAll()
            // Not acked before the loss: the broker gives it again, now through the other node.
            let again = try #require(await deliveries.next())
            #expect(again.body == Array("held".utf8) && again.redelivered)
            #expect(consumer.connectedNode?.port == second.port)
            #expect(!consumer.isCurrent(held), "the old delivery tag belongs to the lost connection")
            try consumer.ack(again)
            await consumer.close()
            #expect(try await admin.declareQueue(AMQPQueue(name: queue, durable: false), passive: true).messageCount == 0)
            _ = try await admin.deleteQueue(queue)
            await admin.close()
        }

        /// A publisher through a proxy that now refuses connections, after it saw its connection drop; a queue
        /// declared through a direct publisher (`admin`).
        static func disconnectedPublisher(_ name: String) async throws -> (
            proxy: TCPProxy, queue: String, admin: AMQPPublisher, publisher: AMQPPublisher,
            events: AsyncStream<AMQPConnectionEvent>
        ) {
            let proxy = try TestBroker.proxy()
            let queue = TestBroker.uniqueName(name)
            let admin = try await TestBroker.publisher()
            try await admin.declareQueue(AMQPQueue(name: queue, durable: false))
            var configuration = try configuration([proxy])
            configuration.reconnectMaxDelay = .milliseconds(100)
            let publisher = try await TestBroker.publisher(configuration)
            let events = publisher.events
            proxy.setMode(.refuse)
            proxy.dropAll()
            try await waitForEvent(events, within: .seconds(10), "disconnected") { $0.isDisconnected }
            return (proxy, queue, admin, publisher, events)
        }

        /// The wait for a connection ends during a slow handshake (the broker accepts TCP at once but answers late):
        /// the publish fails, never sent — it is not written on that connection after its deadline.
        @Test func aPublishWhoseWaitEndsDuringTheHandshakeIsNotSent() async throws {
            let (only, queue, admin, publisher, events) = try await Self.disconnectedPublisher("failover-slow")
            defer { only.stop() }
            only.setMode(.slowHandshake(.milliseconds(700)))
            do {
                try await publisher.publish(Array("late".utf8), routingKey: queue, connectionWait: .atMost(.milliseconds(300)))
                Issue.record("written after its wait for a connection had ended")
            } catch let error as AMQPError {
                #expect(error.code == .notConnected, "\(error)")
            }
            only.setMode(.pass)
            try await waitForEvent(events, within: .seconds(15), "connected") { $0.isConnected }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await admin.declareQueue(AMQPQueue(name: queue, durable: false), passive: true).messageCount == 0)
            await publisher.close()
            _ = try await admin.deleteQueue(queue)
            await admin.close()
        }

        /// Under steady traffic some publish is always near the end of its wait, and each connect attempt was cut to
        /// that (at least 1 s): a broker whose handshake takes 1.5 s was never reached again. After three shortened
        /// attempts failed in a row, the next one gets the whole connect timeout.
        @Test func aSlowHandshakeIsReachedWhilePublishesKeepWaiting() async throws {
            let (only, queue, admin, publisher, events) = try await Self.disconnectedPublisher("failover-steady")
            defer { only.stop() }
            only.setMode(.slowHandshake(.milliseconds(1_500)))
            // A publish every 50 ms, each waiting up to 0.9 s for a connection: one always waits, as under traffic.
            let traffic = Task {
                await withTaskGroup(of: Void.self) { group in
                    while !Task.isCancelled {
                        group.addTask {
                            _ = try? await publisher.publish(
                                Array("steady".utf8), routingKey: queue, connectionWait: .atMost(.milliseconds(900)))
                        }
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
            }
            try await waitForEvent(events, within: .seconds(20), "connected through the slow handshake") { $0.isConnected }
            traffic.cancel()
            await traffic.value
            await publisher.close()
            _ = try await admin.deleteQueue(queue)
            await admin.close()
        }

        @Test func aPublishMayWaitABoundedTimeForTheNextConnection() async throws {
            let (only, queue, admin, publisher, _) = try await Self.disconnectedPublisher("failover-wait")
            defer { only.stop() }

            // No connection for longer than it may wait: fails, never sent, after about its bound.
            let started = ContinuousClock.now
            do {
                try await publisher.publish(Array("gives up".utf8), routingKey: queue, connectionWait: .atMost(.milliseconds(600)))
                Issue.record("published without a connection")
            } catch let error as AMQPError {
                #expect(error.code == .notConnected, "\(error)")
            }
            let waited = ContinuousClock.now - started
            #expect(waited >= .milliseconds(550) && waited < .seconds(10), "waited \(waited)")

            // A connection within its bound: written and confirmed then.
            let waiting = Task {
                try await publisher.publish(Array("waits".utf8), routingKey: queue, connectionWait: .atMost(.seconds(20)))
            }
            // A reconnect attempt refused while the publish waits, then the node comes back.
            let refusedBefore = only.refused
            try await withDeadline(.seconds(10), "a refused reconnect while the publish waits") {
                while only.refused == refusedBefore { try await Task.sleep(for: .milliseconds(20)) }
                return true
            }
            only.setMode(.pass)
            try await withDeadline(.seconds(20), "the bounded publish after the reconnect") { try await waiting.value }
            #expect(try await admin.declareQueue(AMQPQueue(name: queue, durable: false), passive: true).messageCount == 1)
            await publisher.close()
            _ = try await admin.deleteQueue(queue)
            await admin.close()
        }
    }
}
