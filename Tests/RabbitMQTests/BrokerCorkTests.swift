import Foundation
import Glibc
@testable import RabbitMQ
import Testing

/// Publishes and acks written together go out corked (`TCP_CORK`): they must all reach the broker, an RPC inside
/// the cork must get its reply, and the cork must be released whatever happens.
@Suite(.enabled(if: TestBroker.available, TestBroker.skipReason))
struct BrokerCorkTests {
    private static func corkOption(_ link: RawConnection) -> Int32 {
        var value: Int32 = -1
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(link.socketDescriptor, Int32(IPPROTO_TCP), tcpCorkOption, &value, &length)
        return value
    }

    @Test func corkedPublishesReachTheBrokerAndTheCorkIsReleased() throws {
        let link = try RawConnection.open(TestBroker.configuration())
        defer { link.destroy() }
        try link.openChannel(1)
        let queue = AMQPQueue(name: "test.cork.\(UUID().uuidString.prefix(8))", durable: false, autoDelete: false)
        _ = try link.declare(queue, passive: false, channel: 1)
        defer { _ = try? link.deleteQueue(queue.name, channel: 1) }

        let counted = try link.corked { () throws(AMQPError) -> UInt32 in
            #expect(Self.corkOption(link) == 1)
            for n in 0..<50 {
                try link.publish(
                    channel: 1, exchange: "", routingKey: queue.name, mandatory: false, properties: AMQPProperties(),
                    body: Array("message \(n)".utf8))
            }
            // An RPC inside the cork: what the cork held goes out first, then the request, and its reply comes.
            link.pushCorked()
            #expect(Self.corkOption(link) == 1)
            return try link.declare(queue, passive: true, channel: 1).messageCount
        }
        #expect(counted == 50)
        #expect(Self.corkOption(link) == 0)
        #expect(!link.isCorked)

        // A corked body that fails releases the cork too; a nested cork is the outer one.
        #expect(throws: AMQPError.self) {
            try link.corked { () throws(AMQPError) in
                try link.corked { () throws(AMQPError) in
                    throw AMQPError(code: .invalidMessage, message: "a failure inside the cork")
                }
            }
        }
        #expect(Self.corkOption(link) == 0)
        #expect(!link.isCorked)
    }

    /// Many publishes handed over at once (sent corked) and a purge handed over after them: every publish is
    /// confirmed, and the purge removes them all — the publishes were sent before it.
    @Test func publishesHandedOverBeforeATopologyOperationReachTheBrokerFirst() async throws {
        let publisher = AMQPPublisher(configuration: try TestBroker.configuration(), logger: TestBroker.logger)
        try await publisher.connect()
        let queue = AMQPQueue(name: "test.cork.order.\(UUID().uuidString.prefix(8))", durable: false)
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
