import Foundation
@testable import RabbitMQ
import Testing

/// The socket's send buffer: each publish (three frames inside librabbitmq) is one write, a batch of publishes or
/// acks is one write for all; everything held must reach the broker, an RPC inside a batch must get its reply, and
/// the hold must be released whatever happens.
@Suite(.enabled(if: TestBroker.available, TestBroker.skipReason))
struct BrokerBatchedSendTests {
    private static func publish(_ link: RawConnection, _ text: String, to queue: String) throws(AMQPError) {
        try link.publish(
            channel: 1, exchange: "", routingKey: queue, mandatory: false, properties: AMQPProperties(contentType: "text/plain"),
            body: Array(text.utf8))
    }

    /// The broker counts a queue's messages a little after it read their publishes: asks until the count is reached
    /// (at most 10 s).
    private static func waitForMessages(_ expected: UInt32, in queue: AMQPQueue, _ link: RawConnection) throws {
        let deadline = Date().addingTimeInterval(10)
        var count: UInt32 = 0
        repeat {
            count = try link.declare(queue, passive: true, channel: 1).messageCount
            if count == expected { return }
            Thread.sleep(forTimeInterval: 0.02)
        } while Date() < deadline
        Issue.record("the queue holds \(count) messages, expected \(expected)")
    }

    @Test func eachPublishIsOneWriteAndABatchIsOneWriteForAll() throws {
        try Self.checkWrites(TestBroker.configuration())
    }

    /// The same over TLS: the buffer sits in front of librabbitmq's TLS socket (one record per write).
    @Test(.enabled(if: TestBroker.tlsURL != nil)) func overTLSToo() throws {
        var configuration = try AMQPConfiguration(
            url: try #require(TestBroker.tlsURL), tls: AMQPTLSConfiguration(caFile: TestBroker.certificate("ca.pem")))
        configuration.connectTimeout = .seconds(5)
        try Self.checkWrites(configuration)
    }

    private static func checkWrites(_ configuration: AMQPConfiguration) throws {
        let link = try RawConnection.open(configuration)
        defer { link.destroy() }
        #expect(link.sendBuffer != nil, "librabbitmq 0.11's socket should take the send buffer")
        try link.openChannel(1)
        let queue = AMQPQueue(name: "test.batch.\(UUID().uuidString.prefix(8))", durable: false, autoDelete: false)
        _ = try link.declare(queue, passive: false, channel: 1)
        defer { _ = try? link.deleteQueue(queue.name, channel: 1) }

        // Outside a batch: method, header and body frame leave in one write per publish.
        let before = link.bufferedWrites
        for n in 0..<10 { try publish(link, "single \(n)", to: queue.name) }
        #expect(link.bufferedWrites - before == 10)

        // A batch: one write for 50 publishes (the loopback socket has room for all of them).
        let batchStart = link.bufferedWrites
        try link.batched { () throws(AMQPError) in
            #expect(link.isBatching)
            for n in 0..<50 { try publish(link, "batched \(n)", to: queue.name) }
            #expect(link.bufferedWrites == batchStart, "a held frame was written before the batch ended")
            // An RPC inside the batch: what is held goes out first (one write), then the request (one write), and
            // its reply comes (held, the request would never leave and the RPC would time out).
            _ = try link.unbatched { () throws(AMQPError) in try link.declare(queue, passive: true, channel: 1) }
            #expect(link.bufferedWrites - batchStart == 2)
        }
        #expect(!link.isBatching)
        try waitForMessages(60, in: queue, link)

        // A batch whose body fails still writes what it held and releases the hold; a nested batch is the outer one.
        #expect(throws: AMQPError.self) {
            try link.batched { () throws(AMQPError) in
                try publish(link, "held before a failure", to: queue.name)
                try link.batched { () throws(AMQPError) in
                    throw AMQPError(code: .invalidMessage, message: "a failure inside the batch")
                }
            }
        }
        #expect(!link.isBatching)
        try publish(link, "after the failure", to: queue.name)
        try waitForMessages(62, in: queue, link)
    }

    /// Many publishes handed over at once (sent batched) and a purge handed over after them: every publish is
    /// confirmed, and the purge removes them all — the publishes were sent before it.
    @Test func publishesHandedOverBeforeATopologyOperationReachTheBrokerFirst() async throws {
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), logger: TestBroker.logger)
        try await publisher.connect()
        let queue = AMQPQueue(name: "test.batch.order.\(UUID().uuidString.prefix(8))", durable: false)
        try await publisher.declare(AMQPTopology(queues: [queue]))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask {
                    try await publisher.publish(Array("m\(n)".utf8), exchange: "", routingKey: queue.name)
                }
            }
            try await group.waitForAll()
        }
        let purged = try await publisher.purgeQueue(queue.name)
        #expect(purged == 200)
        _ = try await publisher.deleteQueue(queue.name)
        await publisher.close()
    }
}
