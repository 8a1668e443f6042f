import Foundation
import RabbitMQ
import Testing

extension BrokerTests {
    @Suite(.timeLimit(.minutes(5))) struct Crash {
        /// Issue 11 item 1, the chaos loop: the broker is SIGKILLed again and again, each time right after the
        /// publisher has reconnected (while it sends the publishes that waited), with publishes flowing throughout.
        /// A publish reported confirmed must be in the durable queue afterwards; the rest may fail, never lie.
        @Test(.enabled(if: TestBroker.crashCommand != nil))
        func everyPublishReportedConfirmedSurvivesRepeatedCrashes() async throws {
            let crash = try #require(TestBroker.crashCommand)
            let queue = TestBroker.uniqueName("crash")
            let admin = try await TestBroker.publisher()
            try await admin.declare(AMQPTopology(queues: [AMQPQueue(name: queue)]))
            await admin.close()
            var configuration = try TestBroker.configuration()
            configuration.confirmTimeout = .seconds(10)
            let publisher = try await TestBroker.publisher(configuration)
            let events = publisher.events
            let confirmed = Locked(Set<Int>())
            let failed = Locked(0)
            let stop = Locked(false)

            // 100 publishes awaiting confirms at any time, each tried once: a failure is counted, not retried.
            let publishing = Task {
                await withTaskGroup(of: Void.self) { group in
                    var index = 0
                    while !stop.withLock({ $0 }), index < 1_000_000 {
                        if index >= 100 { await group.next() }
                        let current = index
                        group.addTask {
                            do {
                                // Mandatory: right after a crash the broker may still be recovering the queue, and
                                // a plain publish it cannot route is confirmed and dropped; this one is returned.
                                try await publisher.publish(
                                    Array(String(current).utf8), routingKey: queue, mandatory: true)
                                confirmed.withLock { _ = $0.insert(current) }
                            } catch {
                                failed.withLock { $0 += 1 }
                            }
                        }
                        index += 1
                    }
                }
            }
            try await withDeadline(.seconds(60), "first confirms") {
                while confirmed.withLock({ $0.count }) < 500 { try await Task.sleep(for: .milliseconds(10)) }
            }
            let rounds = 3
            for round in 1...rounds {
                // The first crash hits a settled connection; each later one the reconnect that followed a crash.
                if round > 1 {
                    try await waitForEvent(events, within: .seconds(60), "reconnected before crash \(round)") {
                        $0.isConnected
                    }
                    // And the queue is back: killed while it is still being recovered, a classic queue can come
                    // back empty, or not at all — a loss of the broker's own making, not a false confirm.
                    guard await BrokerTests.queueRecovered(queue) else {
                        withKnownIssue("RabbitMQ 3.10 sometimes loses a classic queue SIGKILLed while recovering it",
                                       isIntermittent: true) {
                            Issue.record("queue \(queue) not back within 60 s after crash \(round - 1)")
                        }
                        stop.withLock { $0 = true }
                        await publishing.value
                        await publisher.close()
                        return
                    }
                }
                try await TestBroker.shell(crash)
            }
            try await waitForEvent(events, within: .seconds(60), "reconnected after the last crash") { $0.isConnected }
            let before = confirmed.withLock { $0.count }
            try await withDeadline(.seconds(60), "confirms after the last crash") {
                while confirmed.withLock({ $0.count }) < before + 500 { try await Task.sleep(for: .milliseconds(10)) }
            }
            stop.withLock { $0 = true }
            await publishing.value
            await publisher.close()

            let consumer = try await TestBroker.consumer(queue: queue, prefetch: 1000)
            let expected = confirmed.withLock { $0 }
            let inQueue = Locked(Set<Int>())
            let reading = Task {
                for await delivery in consumer.deliveries {
                    if let index = Int(String(decoding: delivery.body, as: UTF8.self)) {
                        inQueue.withLock { _ = $0.insert(index) }
                    }
                    try? consumer.ack(delivery)
                }
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while !expected.isSubset(of: inQueue.withLock({ $0 })), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            reading.cancel()
            let missing = expected.subtracting(inQueue.withLock { $0 })
            #expect(missing.isEmpty, "\(missing.count) publishes reported confirmed are not in the queue")
            #expect(failed.withLock { $0 } > 0, "the crashes failed some publishes (else the test crashed nothing)")
            await consumer.close()
            let cleanup = try await TestBroker.publisher()
            _ = try await cleanup.deleteQueue(queue)
            await cleanup.close()
        }
    }

    /// Whether `queue` answers a passive declare within 60 s (the broker has recovered it after a restart).
    fileprivate static func queueRecovered(_ queue: String) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let probe = try? await TestBroker.publisher() {
                let found = (try? await probe.declareQueue(AMQPQueue(name: queue), passive: true)) != nil
                await probe.close()
                if found { return true }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
