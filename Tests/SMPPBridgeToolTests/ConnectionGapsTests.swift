import NIOConcurrencyHelpers
import RabbitMQ
import Testing

@testable import smpp_bridge

/// `tail` and `send --wait` read an exclusive queue that goes with its connection: a loss and the return are
/// reported (events published in between were not seen), once per gap, and remembered for `send`'s timeout line.
@Suite struct ConnectionGapsTests {
    @Test func aLossAndItsReturnAreReportedOncePerGap() async {
        let node = AMQPAddress(host: "rabbit-1", port: 5672)
        let (events, feed) = AsyncStream<AMQPConnectionEvent>.makeStream()
        for event: AMQPConnectionEvent in [
            .connected(node: node), .blocked(reason: "low disk"), .unblocked,
            .disconnected(AMQPError(code: .connectionLost, message: "reset")),
            .disconnected(AMQPError(code: .connectionLost, message: "refused")), .connected(node: node),
        ] {
            feed.yield(event)
        }
        feed.finish()
        let gaps = ConnectionGaps()
        #expect(!gaps.happened)
        let lines = NIOLockedValueBox<[String]>([])
        await gaps.watch(events) { line in lines.withLockedValue { $0.append(line) } }
        let reported = lines.withLockedValue { $0 }
        #expect(reported.count == 2, "\(reported)")
        #expect(reported.first?.hasPrefix("lost the broker connection (") == true)
        #expect(reported.first?.contains("reset") == true)
        #expect(reported.last == "connected to the broker again (rabbit-1:5672); events published while disconnected were missed")
        #expect(gaps.happened)
    }

    @Test func aFirstConnectionIsNoGap() async {
        let (events, feed) = AsyncStream<AMQPConnectionEvent>.makeStream()
        feed.yield(.connected(node: AMQPAddress(host: "h", port: 1)))
        feed.finish()
        let gaps = ConnectionGaps()
        let lines = NIOLockedValueBox(0)
        await gaps.watch(events) { _ in lines.withLockedValue { $0 += 1 } }
        #expect(lines.withLockedValue { $0 } == 0 && !gaps.happened)
    }
}
