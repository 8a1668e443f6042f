import Foundation
import Synchronization
import Testing

@testable import RabbitMQ

extension BrokerTests {
    /// `publish(…, completion:)`: no task waits; the outcome arrives in a callback on the publisher's thread.
    @Suite(.timeLimit(.minutes(1))) struct CallbackPublishes {
        /// The outcome of one callback publish, and the name of the thread that delivered it.
        final class Outcome: Sendable {
            let (stream, continuation) = AsyncStream<(AMQPError?, String)>.makeStream()

            var completion: @Sendable (AMQPError?) -> Void {
                { [continuation] error in
                    let thread = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
                    continuation.yield((error, thread.trimmingCharacters(in: .whitespacesAndNewlines)))
                }
            }

            func next() async -> (error: AMQPError?, thread: String)? {
                for await outcome in stream { return outcome }
                return nil
            }
        }

        @Test func aConfirmedPublishCallsBackOnThePublisherThread() async throws {
            let publisher = try await TestBroker.publisher()
            let queue = "callback-\(UUID().uuidString)"
            let declared = AMQPQueue(name: queue, autoDelete: true)
            try await publisher.declareQueue(declared)
            let outcome = Outcome()
            let handedOver = publisher.publish(
                Array("hi".utf8), routingKey: queue, connectionWait: .never, completion: outcome.completion)
            #expect(handedOver)
            let (error, thread) = try #require(await outcome.next())
            #expect(error == nil)
            #expect(thread == "amqp-publisher")
            #expect(try await publisher.declareQueue(declared, passive: true).messageCount == 1)
            _ = try await publisher.deleteQueue(queue)
            #expect(publisher.gate.inUse == 0, "the place is given back")
            await publisher.close()
        }

        @Test func aPublishThatCannotBeSentCallsBackWithTheReason() async throws {
            let unconnected = AMQPPublisher(configuration: try TestBroker.configuration(), logger: TestBroker.logger)
            let outcome = Outcome()
            let handedOver = unconnected.publish([1], routingKey: "q", connectionWait: .never, completion: outcome.completion)
            #expect(handedOver)
            let (error, _) = try #require(await outcome.next())
            #expect(error?.code == .notConnected)
            #expect(unconnected.gate.inUse == 0)
        }

        /// A publisher holding its maximum of publishes refuses a callback publish (the caller then waits in the async
        /// one) and calls nothing back.
        @Test func aFullPublisherRefusesACallbackPublish() async throws {
            let gate = PublishGate(limit: 2)
            #expect(gate.tryEnter() && gate.tryEnter())
            #expect(!gate.tryEnter())
            gate.leave()
            #expect(gate.tryEnter())
            let full = AMQPPublisher(configuration: try TestBroker.configuration(), maxOutstanding: 1, logger: TestBroker.logger)
            #expect(full.gate.tryEnter())
            let called = Mutex(false)
            let handedOver = full.publish([1], routingKey: "q", connectionWait: .never) { _ in called.withLock { $0 = true } }
            #expect(!handedOver)
            #expect(!called.withLock { $0 })
        }
    }
}
