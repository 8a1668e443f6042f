import Testing

@testable import RabbitMQ

@Suite struct DeliveryTagTrackerTests {
    func tracker(generation: UInt64 = 1, delivered tags: some Sequence<UInt64>) -> DeliveryTagTracker {
        var tracker = DeliveryTagTracker()
        tracker.reset(generation: generation)
        for tag in tags { tracker.delivered(tag) }
        return tracker
    }

    @Test func singleSettlementsInAnyOrder() {
        var tracker = tracker(delivered: 1...4)
        #expect(tracker.settle(3, multiple: false, generation: 1) == .settled(count: 1))
        #expect(tracker.settle(1, multiple: false, generation: 1) == .settled(count: 1))
        #expect(tracker.outstandingCount == 2)
        #expect(tracker.settle(4, multiple: false, generation: 1) == .settled(count: 1))
        #expect(tracker.settle(2, multiple: false, generation: 1) == .settled(count: 1))
        #expect(tracker.outstandingCount == 0)
    }

    @Test func aSecondSettlementOfTheSameTagIsRefused() {
        var tracker = tracker(delivered: 1...3)
        #expect(tracker.settle(2, multiple: false, generation: 1) == .settled(count: 1))
        #expect(tracker.settle(2, multiple: false, generation: 1) == .alreadySettled)
        #expect(tracker.settle(2, multiple: true, generation: 1) == .alreadySettled)
        // The refusal changed nothing: the others are still outstanding.
        #expect(tracker.outstandingCount == 2)
        #expect(tracker.settle(3, multiple: true, generation: 1) == .settled(count: 2))
        #expect(tracker.settle(1, multiple: false, generation: 1) == .alreadySettled)
    }

    @Test func unknownTagsAreRefused() {
        var tracker = tracker(delivered: [1, 2])
        #expect(tracker.settle(3, multiple: false, generation: 1) == .alreadySettled)
        // Like the broker: a multiple settlement needs its own tag outstanding, even with earlier ones left.
        #expect(tracker.settle(9, multiple: true, generation: 1) == .alreadySettled)
        #expect(tracker.settle(0, multiple: true, generation: 1) == .alreadySettled)
        #expect(tracker.outstandingCount == 2)
    }

    @Test func multipleSettlesEveryOutstandingTagUpToItsOwn() {
        var tracker = tracker(delivered: 1...10)
        #expect(tracker.settle(3, multiple: false, generation: 1) == .settled(count: 1))
        #expect(tracker.settle(6, multiple: true, generation: 1) == .settled(count: 5))  // 1, 2, 4, 5, 6
        for tag: UInt64 in 1...6 { #expect(tracker.settle(tag, multiple: false, generation: 1) == .alreadySettled) }
        #expect(tracker.outstandingCount == 4)
        #expect(tracker.settle(8, multiple: false, generation: 1) == .settled(count: 1))
        #expect(tracker.settle(10, multiple: true, generation: 1) == .settled(count: 3))  // 7, 9, 10
        #expect(tracker.outstandingCount == 0)
        // Deliveries keep coming after everything was settled.
        tracker.delivered(11)
        #expect(tracker.settle(11, multiple: true, generation: 1) == .settled(count: 1))
    }

    @Test func aNewGenerationForgetsTheOldTagsAndStaleOnesAreRefusedAsSuch() {
        var tracker = tracker(generation: 1, delivered: 1...3)
        #expect(tracker.settle(1, multiple: false, generation: 1) == .settled(count: 1))
        tracker.reset(generation: 0)  // connection lost
        #expect(tracker.settle(2, multiple: false, generation: 1) == .stale)
        #expect(tracker.settle(2, multiple: false, generation: 0) == .stale)
        tracker.reset(generation: 2)  // reconnected: tags start again from 1
        #expect(tracker.outstandingCount == 0)
        #expect(tracker.settle(1, multiple: false, generation: 2) == .alreadySettled)
        tracker.delivered(1)
        #expect(tracker.settle(1, multiple: false, generation: 1) == .stale)
        #expect(tracker.settle(1, multiple: false, generation: 2) == .settled(count: 1))
    }

    @Test func aLongUnsettledFirstTagDoesNotBreakLaterSettlements() {
        // Tag 1 stays out while 100 000 more are settled one by one (lazy removal and compaction at work).
        var tracker = tracker(delivered: [1])
        var refused = 0
        for tag: UInt64 in 2...100_001 {
            tracker.delivered(tag)
            if tracker.settle(tag, multiple: false, generation: 1) != .settled(count: 1) { refused += 1 }
        }
        #expect(refused == 0)
        #expect(tracker.outstandingCount == 1)
        for tag: UInt64 in 100_002...100_100 { tracker.delivered(tag) }
        #expect(tracker.settle(50_000, multiple: true, generation: 1) == .alreadySettled)
        #expect(tracker.settle(100_050, multiple: true, generation: 1) == .settled(count: 50))  // 1 and 100 002…100 050
        #expect(tracker.settle(100_100, multiple: true, generation: 1) == .settled(count: 50))
        #expect(tracker.outstandingCount == 0)
    }

    @Test func interleavedSingleAndMultipleSettlementsMatchAPlainSetModel() {
        var tracker = tracker(delivered: [])
        var model = Set<UInt64>()
        var generator = SplitMix(seed: 42)
        var next: UInt64 = 1
        for _ in 0..<20_000 {
            for _ in 0..<Int(generator.next() % 3) {
                tracker.delivered(next)
                model.insert(next)
                next += 1
            }
            guard next > 1 else { continue }
            let tag = 1 + generator.next() % (next - 1)
            let multiple = generator.next() % 4 == 0
            let expected: DeliveryTagTracker.Outcome
            if model.contains(tag) {
                let settled = multiple ? model.filter { $0 <= tag } : [tag]
                model.subtract(settled)
                expected = .settled(count: settled.count)
            } else {
                expected = .alreadySettled
            }
            #expect(tracker.settle(tag, multiple: multiple, generation: 1) == expected)
            #expect(tracker.outstandingCount == model.count)
        }
    }
}

/// A small deterministic generator, so a failure repeats.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
