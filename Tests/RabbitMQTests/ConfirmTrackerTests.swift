import Testing

@testable import RabbitMQ

@Suite struct ConfirmTrackerTests {
    typealias Tracker = ConfirmTracker<Int>
    let t0 = ContinuousClock.Instant.now

    func tracker(publishing count: Int, fingerprint: (Int) -> Int? = { _ in nil }) -> Tracker {
        var tracker = Tracker(timeout: .seconds(5))
        for id in 1...count {
            let sequence = tracker.published(id, fingerprint: fingerprint(id), now: t0)
            #expect(sequence == UInt64(id))
        }
        return tracker
    }

    func ids(_ outcomes: [(Int, Tracker.Outcome)]) -> [Int] { outcomes.map(\.0) }

    @Test func singleAcksSettleOnlyTheirTag() {
        var tracker = tracker(publishing: 3)
        let outcomes = tracker.ackReceived(deliveryTag: 2, multiple: false)
        #expect(ids(outcomes) == [2])
        #expect(outcomes.allSatisfy { $0.1 == .confirmed })
        #expect(tracker.outstanding == 2)
    }

    @Test func multipleAckSettlesEverythingUpToTheTag() {
        var tracker = tracker(publishing: 5)
        #expect(ids(tracker.ackReceived(deliveryTag: 3, multiple: true)) == [1, 2, 3])
        #expect(tracker.outstanding == 2)
        #expect(ids(tracker.ackReceived(deliveryTag: 5, multiple: true)) == [4, 5])
        #expect(tracker.outstanding == 0)
        #expect(tracker.nextSequence == 6)
    }

    @Test func outOfOrderAcksAsObservedOnRabbitMQ() {
        // Reference §6: ack tag 4 (single), then ack tag 3 with multiple=1.
        var tracker = tracker(publishing: 4)
        #expect(ids(tracker.ackReceived(deliveryTag: 4, multiple: false)) == [4])
        #expect(ids(tracker.ackReceived(deliveryTag: 3, multiple: true)) == [1, 2, 3])
        #expect(tracker.outstanding == 0)
    }

    @Test func repeatedAndUnknownTagsAreIgnored() {
        var tracker = tracker(publishing: 2)
        #expect(ids(tracker.ackReceived(deliveryTag: 1, multiple: false)) == [1])
        #expect(tracker.ackReceived(deliveryTag: 1, multiple: false).isEmpty)
        #expect(tracker.ackReceived(deliveryTag: 9, multiple: true).isEmpty)
        #expect(tracker.ackReceived(deliveryTag: 0, multiple: true).isEmpty)
        #expect(tracker.outstanding == 1)
    }

    @Test func nacksReportNacked() {
        var tracker = tracker(publishing: 4)
        let single = tracker.nackReceived(deliveryTag: 2, multiple: false)
        #expect(ids(single) == [2] && single[0].1 == .nacked)
        let multiple = tracker.nackReceived(deliveryTag: 4, multiple: true)
        #expect(ids(multiple) == [1, 3, 4])
        #expect(multiple.allSatisfy { $0.1 == .nacked })
    }

    @Test func returnMarksTheOldestMatchingMandatoryPublish() {
        var tracker = tracker(publishing: 4) { id in id == 1 ? nil : (id == 4 ? 99 : 7) }
        let matched = tracker.returnReceived(fingerprint: 7, replyCode: 312, replyText: "NO_ROUTE")
        let unmatched = tracker.returnReceived(fingerprint: 1234, replyCode: 312, replyText: "NO_ROUTE")
        #expect(matched && !unmatched)
        let outcomes = tracker.ackReceived(deliveryTag: 3, multiple: true)
        #expect(outcomes.map(\.1) == [.confirmed, .returned(replyCode: 312, replyText: "NO_ROUTE"), .confirmed])
    }

    @Test func channelLossFailsEverythingAndRestartsTheSequence() {
        var tracker = tracker(publishing: 5)
        _ = tracker.ackReceived(deliveryTag: 2, multiple: false)
        let lost = tracker.channelLost()
        #expect(ids(lost) == [1, 3, 4, 5])
        #expect(lost.allSatisfy { $0.1 == .lost })
        #expect(tracker.outstanding == 0)
        #expect(tracker.published(6, now: t0) == 1)
    }

    @Test func publishesTimeOutInOrderAndLateAcksAreIgnored() {
        var tracker = Tracker(timeout: .seconds(5))
        _ = tracker.published(1, now: t0)
        _ = tracker.published(2, now: t0 + .seconds(3))
        #expect(tracker.nextDeadline == t0 + .seconds(5))
        #expect(tracker.expire(now: t0 + .seconds(4)).isEmpty)
        let expired = tracker.expire(now: t0 + .seconds(5))
        #expect(ids(expired) == [1] && expired[0].1 == .timedOut)
        #expect(tracker.nextDeadline == t0 + .seconds(8))
        #expect(tracker.ackReceived(deliveryTag: 1, multiple: false).isEmpty)
        #expect(ids(tracker.ackReceived(deliveryTag: 2, multiple: true)) == [2])
        #expect(tracker.nextDeadline == nil)
    }

    @Test func manyOutstandingWithInterleavedAcks() {
        var tracker = Tracker(timeout: .seconds(5))
        var settled: [Int] = []
        for id in 1...10_000 {
            _ = tracker.published(id, now: t0)
            if id % 100 == 0 { settled += ids(tracker.ackReceived(deliveryTag: UInt64(id - 50), multiple: true)) }
        }
        settled += ids(tracker.ackReceived(deliveryTag: 10_000, multiple: true))
        #expect(settled == Array(1...10_000))
        #expect(tracker.outstanding == 0)
        #expect(tracker.published(0, now: t0) == 10_001)
    }
}
