import Testing

@testable import RabbitMQ

/// Broker answers that arrive for tags the tracker has already settled: they are ignored, never a trap.
@Suite struct ConfirmTrackerLateAckTests {
    let t0 = ContinuousClock.Instant.now

    @Test func aLateMultipleAckBelowTheOldestOutstandingPublishIsIgnored() {
        var tracker = ConfirmTracker<Int>(timeout: .seconds(5))
        _ = tracker.published(1, now: t0)
        _ = tracker.published(2, now: t0)
        _ = tracker.published(3, now: t0 + .seconds(3))
        // 1 and 2 time out; 3 is still waiting, so the window keeps its place (head past tag 2).
        #expect(tracker.expire(now: t0 + .seconds(5)).map(\.0) == [1, 2])
        #expect(tracker.ackReceived(deliveryTag: 2, multiple: true).isEmpty)
        #expect(tracker.nackReceived(deliveryTag: 1, multiple: true).isEmpty)
        #expect(tracker.outstanding == 1)
        #expect(tracker.ackReceived(deliveryTag: 3, multiple: true).map(\.0) == [3])
        #expect(tracker.outstanding == 0)
    }

    @Test func aRepeatedMultipleAckAfterSingleAcksIsIgnored() {
        var tracker = ConfirmTracker<Int>(timeout: .seconds(5))
        for id in 1...3 { _ = tracker.published(id, now: t0) }
        #expect(tracker.ackReceived(deliveryTag: 1, multiple: false).map(\.0) == [1])
        #expect(tracker.ackReceived(deliveryTag: 2, multiple: false).map(\.0) == [2])
        #expect(tracker.ackReceived(deliveryTag: 1, multiple: true).isEmpty)
        #expect(tracker.ackReceived(deliveryTag: 3, multiple: false).map(\.0) == [3])
    }
}
