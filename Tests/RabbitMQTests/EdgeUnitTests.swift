import Testing

@testable import RabbitMQ

@Suite struct AckCoalescerTests {
    func coalescer(delivered tags: ClosedRange<UInt64>) -> AckCoalescer {
        var coalescer = AckCoalescer()
        for tag in tags { coalescer.delivered(tag) }
        return coalescer
    }

    @Test func aContiguousRunBecomesOneMultipleAck() {
        var acks = coalescer(delivered: 1...50)
        for tag in UInt64(1)...50 { acks.acked(tag, multiple: false) }
        #expect(acks.flush() == [.init(tag: 50, multiple: true)])
        #expect(acks.flush().isEmpty)
    }

    @Test func acksBehindAnUnsettledTagAreSentSinglyAtOnce() {
        var acks = coalescer(delivered: 1...6)
        for tag: UInt64 in [1, 2, 4, 6] { acks.acked(tag, multiple: false) }
        #expect(acks.flush() == [.init(tag: 2, multiple: true), .init(tag: 4, multiple: false), .init(tag: 6, multiple: false)])
        acks.acked(3, multiple: false)
        #expect(acks.flush() == [.init(tag: 3, multiple: false)], "4 was sent already: a multiple 5 would be wrong")
        acks.acked(5, multiple: false)
        #expect(acks.flush() == [.init(tag: 5, multiple: false)])
        #expect(acks.waiting == 0)
    }

    @Test func aSingleAckStaysSingle() {
        var acks = coalescer(delivered: 1...3)
        acks.acked(2, multiple: false)
        #expect(acks.flush() == [.init(tag: 2, multiple: false)])
    }

    @Test func nackedAndRejectedTagsDoNotBreakARun() {
        var acks = coalescer(delivered: 1...5)
        acks.settledOtherwise(3, multiple: false)
        for tag: UInt64 in [1, 2, 4, 5] { acks.acked(tag, multiple: false) }
        #expect(acks.flush() == [.init(tag: 5, multiple: true)])
    }

    @Test func anApplicationMultipleAckCoversOnlyUnsettledTags() {
        var acks = coalescer(delivered: 1...5)
        acks.settledOtherwise(2, multiple: false)
        acks.acked(4, multiple: true)
        #expect(acks.waiting == 3)
        #expect(acks.flush() == [.init(tag: 4, multiple: true)])
        acks.acked(5, multiple: false)
        #expect(acks.flush() == [.init(tag: 5, multiple: false)])
    }

    @Test func resetForgetsEverything() {
        var acks = coalescer(delivered: 1...3)
        acks.acked(1, multiple: false)
        acks.reset()
        #expect(acks.flush().isEmpty)
    }
}

@Suite struct PublishRefusalTests {
    @Test func expirationMustBeWholeMilliseconds() {
        for bad in ["", "soon", "-1", "1.5", "4294967296", " 5"] {
            var properties = AMQPProperties()
            properties.expiration = bad
            #expect(publishRefusal(properties: properties, user: "u") != nil, "\(bad)")
        }
        for good in ["0", "60000", "4294967295"] {
            var properties = AMQPProperties()
            properties.expiration = good
            #expect(publishRefusal(properties: properties, user: "u") == nil, "\(good)")
        }
    }

    @Test func userIDMustBeTheConnectionsUser() {
        var properties = AMQPProperties()
        properties.userID = "bridge"
        #expect(publishRefusal(properties: properties, user: "bridge") == nil)
        #expect(publishRefusal(properties: properties, user: "guest") != nil)
    }
}

@Suite struct EdgeTrackerTests {
    /// Issue 11 item 8: one deadline per publish, from when it was handed over (not when it was sent).
    @Test func aPublishTimesOutFromWhenItWasHandedOver() {
        var tracker = ConfirmTracker<Int>(timeout: .seconds(5))
        let start = ContinuousClock.now
        _ = tracker.published(1, now: start)
        _ = tracker.published(2, now: start - .seconds(1))  // handed over earlier, sent later: not out of order
        #expect(tracker.nextDeadline == start + .seconds(5))
        #expect(tracker.expire(now: start + .seconds(5)).map(\.0) == [1, 2])
    }

    /// Issue 11 item 7: after close every settlement is refused as closed and the generation is gone.
    @Test func aClosedTrackerRefusesSettlements() {
        var tracker = DeliveryTagTracker()
        tracker.reset(generation: 3)
        tracker.delivered(1)
        tracker.close()
        #expect(tracker.settle(1, multiple: false, generation: 3) == .closed)
        tracker.reset(generation: 4)
        #expect(tracker.generation == 0)
    }

    /// Issue 11 item 8: the gate bounds publishes held at once; one beyond waits, it is not dropped.
    @Test func thePublishGateMakesTheOneBeyondWait() async {
        let gate = PublishGate(limit: 2)
        await gate.enter()
        await gate.enter()
        #expect(gate.inUse == 2)
        let third = Task {
            await gate.enter()
            return gate.inUse
        }
        // The place is given back only once the third publish waits for it: it must not have got in beside the two.
        for _ in 0..<100_000 where gate.waiting == 0 { await Task.yield() }
        #expect(gate.waiting == 1)
        gate.leave()
        #expect(await third.value == 2)
        gate.leave()
        gate.leave()
        #expect(gate.inUse == 0)
    }

    /// A gate that stays saturated (a publish always waiting) drops its resumed waiters now and then: its queue does
    /// not grow with every publish that ever waited.
    @Test func aSaturatedPublishGateDoesNotKeepEveryWaiter() async {
        let gate = PublishGate(limit: 1, compactionThreshold: 32)
        await gate.enter()
        func waitUntilWaiting(_ count: Int) async {
            for _ in 0..<1_000_000 where gate.waiting < count { await Task.yield() }
        }
        var tasks = [Task<Void, Never>]()
        tasks.append(Task { await gate.enter() })
        await waitUntilWaiting(1)
        var mostStored = 0
        for _ in 0..<(gate.compactionThreshold * 4) {
            tasks.append(Task { await gate.enter() })
            await waitUntilWaiting(2)
            #expect(gate.waiting == 2)
            gate.leave()  // the place goes to the longest-waiting publish; one still waits
            mostStored = max(mostStored, gate.storedWaiters)
        }
        #expect(mostStored <= gate.compactionThreshold + 2)
        while gate.waiting > 0 { gate.leave(); await Task.yield() }
        gate.leave()
        for task in tasks { await task.value }
        #expect(gate.inUse == 0)
    }
}
