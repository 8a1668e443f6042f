import Foundation
import Glibc
import Logging
import Synchronization
import Testing

@testable import RabbitMQ

/// A topology operation (purge, delete) handed over together with publishes: the publishes are flushed first, and
/// when that flush breaks the connection the operation's caller is still answered (it waited forever before).
extension BrokerTests {
@Suite(.timeLimit(.minutes(1))) struct PublisherDriverTopology {
    @Test func aFlushThatBreaksTheConnectionStillAnswersTheTopologyOperation() async throws {
        let link = try RawConnection.open(try TestBroker.configuration())
        defer { link.destroy() }
        let events = AsyncStream<AMQPConnectionEvent>.makeStream()
        let driver = PublisherDriver(
            confirmTimeout: .seconds(5), user: "guest", logger: TestBroker.logger, events: events.continuation)
        try driver.connected(link, generation: 1, now: .now)
        // The broker is gone from under the connection: the next write fails.
        _ = shutdown(link.socketDescriptor, Int32(SHUT_RDWR))
        let publishOutcome = Mutex<(any Error)?>(nil)
        try? driver.execute(.publish(OutgoingPublish(
            body: Array("x".utf8), exchange: "", routingKey: "nowhere", properties: AMQPProperties(), mandatory: false,
            enqueuedAt: .now, waiter: .callback { error in publishOutcome.withLock { $0 = error } })), link: link, now: .now)
        let answered = Mutex(false)
        let parts = DriverAndLink(driver: driver, link: link)
        let operation = Task {
            do {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    let topology: @Sendable (RawConnection, UInt16) throws(AMQPError) -> Void = { _, _ in }
                    try? parts.driver.execute(.topology(topology, continuation), link: parts.link, now: .now)
                }
            } catch {}
            answered.withLock { $0 = true }
        }
        let deadline = ContinuousClock.now + .seconds(2)
        while !answered.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(answered.withLock { $0 }, "the topology operation was answered")
        if !answered.withLock({ $0 }) { operation.cancel() }
        driver.finished(AMQPError(code: .closed, message: "test over"))
        #expect(publishOutcome.withLock { $0 } != nil, "the publish was failed, never reported confirmed")
    }
}
}

/// The driver and its link handed to the task that waits for the operation; the test uses them one call at a time.
private final class DriverAndLink: @unchecked Sendable {
    let driver: PublisherDriver
    let link: RawConnection
    init(driver: PublisherDriver, link: RawConnection) {
        self.driver = driver
        self.link = link
    }
}
