import Testing

@testable import RabbitMQ

/// A weak reference that can cross into a `@Sendable` closure (only read after the owner is gone).
private final class WeakLoop<Loop: AnyObject>: @unchecked Sendable {
    weak var loop: Loop?
    init(_ loop: Loop) { self.loop = loop }
}

/// Polls `condition` (bounded: 200 rounds of 10 ms) for something that has no event to await, such as a
/// thread letting go of its last reference.
private func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<200 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

@Suite struct AbandonedWithoutCloseTests {
    @Test func anUnconnectedConsumerFreesItsLoop() throws {
        var consumer: AMQPConsumer? = AMQPConsumer(configuration: try TestBroker.configuration(), queue: "q")
        let weak = WeakLoop(try #require(consumer).loop)
        consumer = nil
        // The delivery buffer's wake-up used to hold the loop strongly: loop → driver → buffer → wake → loop.
        #expect(weak.loop == nil, "the consumer's loop (and its pipe) leaked")
    }
}

extension BrokerTests {
    @Suite(.timeLimit(.minutes(1))) struct Abandoning {
        @Test func aDroppedPublisherClosesItsConnectionAndStopsItsThread() async throws {
            var publisher: AMQPPublisher? = try await TestBroker.publisher()
            let events = try #require(publisher).events
            let weak = WeakLoop(try #require(publisher).loop)
            #expect(weak.loop?.isConnected == true)
            publisher = nil
            try await withDeadline(.seconds(10), "the dropped publisher's thread finishes") {
                for await _ in events {}
            }
            #expect(await eventually { weak.loop == nil }, "the connection thread still holds the loop")
        }

        @Test func aDroppedConsumerClosesItsConnectionAndEndsItsDeliveries() async throws {
            let queue = TestBroker.uniqueName("abandon")
            var consumer: AMQPConsumer? = try await TestBroker.consumer(
                queue: queue, topology: AMQPTopology(queues: [AMQPQueue(name: queue, autoDelete: true)]))
            let events = try #require(consumer).events
            let deliveries = try #require(consumer).deliveries
            let weak = WeakLoop(try #require(consumer).loop)
            consumer = nil
            try await withDeadline(.seconds(10), "the dropped consumer's thread finishes") {
                for await _ in events {}
                var iterator = deliveries.makeAsyncIterator()
                #expect(await iterator.next() == nil)
            }
            #expect(await eventually { weak.loop == nil }, "the connection thread still holds the loop")
        }
    }
}

@Suite struct BeforeConnectTests {
    /// Runs `operation` against a publisher that was never connected. If it is still waiting after 5 s the
    /// publisher is closed (which fails whatever it holds with `closed`), so a hang shows as a wrong code.
    func outcome(_ operation: @escaping @Sendable (AMQPPublisher) async throws -> Void) async throws -> AMQPError.Code? {
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration())
        let attempt = Task { () -> AMQPError.Code? in
            do {
                try await operation(publisher)
                return nil
            } catch {
                return (error as? AMQPError)?.code
            }
        }
        let rescue = Task {
            try await Task.sleep(for: .seconds(5))
            await publisher.close()
        }
        let code = await attempt.value
        rescue.cancel()
        return code
    }

    @Test func publishingBeforeConnectFailsAtOnceInsteadOfWaitingForever() async throws {
        #expect(try await outcome { try await $0.publish([1], routingKey: "q") } == .notConnected)
    }

    @Test func topologyBeforeConnectFailsAtOnceInsteadOfWaitingForever() async throws {
        #expect(try await outcome { try await $0.purgeQueue("q") } == .notConnected)
    }
}
