import Foundation
import RabbitMQ
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(2))) struct ConfirmEdges {
        /// Issue 11 item 1. A reconnect whose set-up fails right after `confirm.select-ok` (the proxy resets the
        /// socket while ~1 000 waiting publishes are being flushed) must not leave those publishes tracked: before,
        /// the next channel's acks for tags 1…k settled them as confirmed although they never reached the broker.
        @Test func aReconnectFailingAfterConfirmSelectConfirmsNothingThatWasLost() async throws {
            let proxy = try TestBroker.proxy()
            defer { proxy.stop() }
            var configuration = try TestBroker.configuration(through: proxy)
            configuration.confirmTimeout = .seconds(5)
            let queue = TestBroker.uniqueName("falseconfirm")
            let admin = try await TestBroker.publisher()
            try await admin.declareQueue(AMQPQueue(name: queue, durable: false))
            let publisher = try await TestBroker.publisher(configuration)
            let events = publisher.events

            proxy.setMode(.refuse)
            proxy.dropAll()
            try await waitForEvent(events, within: .seconds(10), "disconnected") { $0.isDisconnected }
            let count = 1_000
            let started = Locked(0)
            let confirmed = Locked<Set<Int>>([])
            let publishing = Task {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<count {
                        group.addTask {
                            started.withLock { $0 += 1 }
                            do {
                                try await publisher.publish(Array(String(index).utf8), routingKey: queue)
                                confirmed.withLock { _ = $0.insert(index) }
                            } catch {}
                        }
                    }
                }
            }
            // Every publish is posted, and the publisher has failed to connect again since: they all wait.
            try await TestBroker.eventually(.seconds(10), "all publishes waiting") { started.withLock { $0 } == count }
            let refusedBefore = proxy.refused
            try await TestBroker.eventually(.seconds(10), "another refused attempt") { proxy.refused >= refusedBefore + 2 }
            proxy.setMode(.resetAfterConfirmSelectOk)  // one-shot: the proxy passes everything after the reset
            try await withDeadline(.seconds(30), "every publish ends") { await publishing.value }
            #expect(proxy.resets == 1)

            let inQueue = Int(try await admin.declareQueue(AMQPQueue(name: queue, durable: false), passive: true).messageCount)
            let bodies = Set(try await TestBroker.drain(queue, count: inQueue).compactMap { Int($0) })
            let confirmedSet = confirmed.withLock { $0 }
            let falselyConfirmed = confirmedSet.subtracting(bodies)
            #expect(falselyConfirmed.isEmpty, "confirmed but not in the queue: \(falselyConfirmed.count)")
            try await admin.deleteQueue(queue)
            await publisher.close()
            await admin.close()
        }

        /// Issue 11 item 2. A publish to a missing exchange fails alone (unroutable, 404, never sent); before, the
        /// broker closed the shared confirm channel and every publish in flight failed with its 404.
        @Test func aPublishToAMissingExchangeFailsAlone() async throws {
            let publisher = try await TestBroker.publisher()
            let queue = TestBroker.uniqueName("missingexchange")
            try await publisher.declareQueue(AMQPQueue(name: queue, durable: false))
            let failures = Locked<[Int: AMQPError]>([:])
            await withTaskGroup(of: Void.self) { group in
                for index in 0...200 {
                    group.addTask {
                        do {
                            if index == 100 {
                                try await publisher.publish([1], exchange: "no.such.exchange.\(queue)", routingKey: "x")
                            } else {
                                try await publisher.publish(Array(String(index).utf8), routingKey: queue)
                            }
                        } catch let error as AMQPError {
                            failures.withLock { $0[index] = error }
                        } catch {}
                    }
                }
            }
            let failed = failures.withLock { $0 }
            #expect(Array(failed.keys) == [100])
            #expect(failed[100]?.code == .unroutable && failed[100]?.replyCode == 404)
            #expect(try await publisher.purgeQueue(queue) == 200)
            try await publisher.deleteQueue(queue)
            await publisher.close()
            var disconnections = 0
            for await event in publisher.events where event.isDisconnected { disconnections += 1 }
            #expect(disconnections == 0)
        }

        /// A publish to an exchange is preceded, once per connection, by a passive declare of the exchange. The
        /// connection lost during that check used to drop the publish (taken off the queue, not yet tracked): its
        /// caller waited for ever. It now stays first in line and goes out on the next connection.
        @Test func aPublishWhoseExchangeCheckLosesTheConnectionGoesOutLater() async throws {
            let proxy = try TestBroker.proxy()
            defer { proxy.stop() }
            var configuration = try TestBroker.configuration(through: proxy)
            configuration.confirmTimeout = .seconds(20)
            let admin = try await TestBroker.publisher()
            let exchange = TestBroker.uniqueName("checked")
            let queue = TestBroker.uniqueName("checkedq")
            try await admin.declare(AMQPTopology(
                exchanges: [AMQPExchange(name: exchange, type: .fanout, durable: false, autoDelete: true)],
                queues: [AMQPQueue(name: queue, durable: false)],
                bindings: [AMQPBinding(queue: queue, exchange: exchange, routingKey: "")]))
            let publisher = try await TestBroker.publisher(configuration)
            proxy.setMode(.resetInsteadOfExchangeDeclareOk)
            let outcome = Locked<Result<Void, any Error>?>(nil)
            Task {
                do {
                    try await publisher.publish(Array("checked".utf8), exchange: exchange, routingKey: "")
                    outcome.withLock { $0 = .success(()) }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                }
            }
            try await TestBroker.eventually(.seconds(30), "the publish ends") { outcome.withLock { $0 } != nil }
            #expect(proxy.resets == 1)
            #expect((try? outcome.withLock { $0 }?.get()) != nil, "the publish failed: \(String(describing: outcome.withLock { $0 }))")
            #expect(try await TestBroker.drain(queue, count: 1) == ["checked"])
            try await admin.deleteQueue(queue)
            await publisher.close()
            await admin.close()
        }

        /// Issue 11 item 2. Properties the broker refuses with 406 (closing the confirm channel for all) are refused
        /// locally: an expiration that is not whole milliseconds, a user_id other than the connection's user.
        @Test func publishesTheBrokerWouldRefuseFailAlone() async throws {
            let publisher = try await TestBroker.publisher()
            let queue = TestBroker.uniqueName("refused")
            try await publisher.declareQueue(AMQPQueue(name: queue, durable: false))
            var badExpiration = AMQPProperties()
            badExpiration.expiration = "soon"
            var foreignUser = AMQPProperties()
            foreignUser.userID = "somebody-else"
            let innocent = Task { try await publishAll(publisher, count: 100, window: 100, routingKey: queue) { _ in [0] } }
            for properties in [badExpiration, foreignUser] {
                await #expect(throws: AMQPError.self) {
                    try await publisher.publish([1], routingKey: queue, properties: properties)
                }
            }
            try await innocent.value
            var fine = AMQPProperties()
            fine.expiration = "60000"
            fine.userID = try TestBroker.configuration().user
            try await publisher.publish([2], routingKey: queue, properties: fine)
            #expect(try await publisher.purgeQueue(queue) == 101)
            try await publisher.deleteQueue(queue)
            await publisher.close()
            var disconnections = 0
            for await event in publisher.events where event.isDisconnected { disconnections += 1 }
            #expect(disconnections == 0)
        }

        /// Issue 11 item 2. The publisher declares its own topology again after a reconnect.
        @Test func thePublisherDeclaresItsTopologyAgainAfterAReconnect() async throws {
            let proxy = try TestBroker.proxy()
            defer { proxy.stop() }
            let publisher = try await TestBroker.publisher(try TestBroker.configuration(through: proxy))
            let admin = try await TestBroker.publisher()
            let queue = TestBroker.uniqueName("redeclare")
            try await publisher.declare(AMQPTopology(queues: [AMQPQueue(name: queue, durable: false)]))
            try await admin.deleteQueue(queue)
            let events = publisher.events
            proxy.dropAll()
            try await waitForEvent(events, within: .seconds(10), "disconnected") { $0.isDisconnected }
            try await waitForEvent(events, within: .seconds(10), "reconnected") { $0.isConnected }
            #expect(try await admin.declareQueue(AMQPQueue(name: queue, durable: false), passive: true).messageCount == 0)
            try await publisher.publish([1], routingKey: queue, mandatory: true)
            try await admin.deleteQueue(queue)
            await publisher.close()
            await admin.close()
        }
    }
}
