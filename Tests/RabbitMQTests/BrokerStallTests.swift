import Foundation
import Glibc
import RabbitMQ
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(2))) struct Stalls {
        /// Publishes 2 000 × 16 KiB concurrently; returns how long each took to end and how.
        private func flood(_ publisher: AMQPPublisher, queue: String, count: Int = 2_000)
            async -> [(elapsed: Duration, error: AMQPError?)]
        {
            let body = [UInt8](repeating: 0x61, count: 16 * 1024)
            return await withTaskGroup(of: (Duration, AMQPError?).self) { group in
                for _ in 0..<count {
                    group.addTask {
                        let start = ContinuousClock.now
                        do {
                            try await publisher.publish(body, routingKey: queue)
                            return (ContinuousClock.now - start, nil)
                        } catch {
                            return (ContinuousClock.now - start, error as? AMQPError)
                        }
                    }
                }
                var results: [(elapsed: Duration, error: AMQPError?)] = []
                for await result in group { results.append(result) }
                return results
            }
        }

        /// Issue 11 item 3. Under a memory alarm the broker stops reading a publishing connection but keeps it open
        /// (and keeps sending heartbeats). Before, the owner thread blocked inside librabbitmq's send with no
        /// deadline once the socket was full: no publish ever ended and close() never returned. Now every publish
        /// ends within the confirm timeout and close() returns.
        @Test(.enabled(if: TestBroker.ctlCommand != nil)) func aMemoryAlarmNeverFreezesThePublisher() async throws {
            let ctl = try #require(TestBroker.ctlCommand)
            var configuration = try TestBroker.configuration()
            configuration.confirmTimeout = .seconds(3)
            let publisher = try await TestBroker.publisher(configuration)
            let queue = TestBroker.uniqueName("alarm")
            try await publisher.declareQueue(AMQPQueue(name: queue, durable: false))
            try await TestBroker.shell("\(ctl) set_vm_memory_high_watermark 0.0000001")
            let results: [(elapsed: Duration, error: AMQPError?)]
            do {
                results = try await withDeadline(.seconds(30), "every publish ends during the alarm") {
                    await flood(publisher, queue: queue)
                }
                try await withDeadline(.seconds(10), "close() during the alarm") { await publisher.close() }
            } catch {
                try await TestBroker.shell("\(ctl) set_vm_memory_high_watermark 0.4")
                throw error
            }
            try await TestBroker.shell("\(ctl) set_vm_memory_high_watermark 0.4")
            let slowest = results.map(\.elapsed).max() ?? .zero
            #expect(slowest < configuration.confirmTimeout + .seconds(2), "slowest publish: \(slowest)")
            #expect(results.contains { $0.error != nil }, "the alarm blocked nothing")
            let cleanup = try await TestBroker.publisher()
            try await cleanup.deleteQueue(queue)
            await cleanup.close()
        }

        /// Issue 11 item 3. A broker that stops altogether (SIGSTOP): publishes end within the confirm timeout, the
        /// silence is noticed, and close() returns.
        @Test(.enabled(if: TestBroker.ctlCommand != nil)) func aStoppedBrokerNeverFreezesThePublisher() async throws {
            var configuration = try TestBroker.configuration()
            configuration.confirmTimeout = .seconds(4)
            configuration.heartbeat = .seconds(2)
            configuration.connectTimeout = .seconds(2)
            let publisher = try await TestBroker.publisher(configuration)
            let queue = TestBroker.uniqueName("sigstop")
            try await publisher.declareQueue(AMQPQueue(name: queue, durable: false))
            let pid = try await TestBroker.brokerPID()
            let events = publisher.events
            #expect(kill(pid, SIGSTOP) == 0)
            let results: [(elapsed: Duration, error: AMQPError?)]
            do {
                results = try await withDeadline(.seconds(30), "every publish ends while the broker is stopped") {
                    await flood(publisher, queue: queue, count: 500)
                }
                try await waitForEvent(events, within: .seconds(10), "the silence noticed") { $0.isDisconnected }
                try await withDeadline(.seconds(10), "close() while the broker is stopped") { await publisher.close() }
            } catch {
                kill(pid, SIGCONT)
                throw error
            }
            kill(pid, SIGCONT)
            let slowest = results.map(\.elapsed).max() ?? .zero
            #expect(slowest < configuration.confirmTimeout + .seconds(2), "slowest publish: \(slowest)")
            let cleanup = try await TestBroker.publisher()
            try await cleanup.deleteQueue(queue)
            await cleanup.close()
        }
    }
}
