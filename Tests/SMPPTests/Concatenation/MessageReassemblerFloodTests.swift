import SMPP
import Testing

@Suite struct MessageReassemblerFloodTests {
    func key(_ number: Int) -> ReassemblyKey {
        ReassemblyKey(
            source: "s\(number / 65_536)", destination: "d", reference: UInt16(truncatingIfNeeded: number), total: 2)
    }

    func firstPart(_ number: Int) -> ConcatenatedPart {
        ConcatenatedPart(
            source: "s\(number / 65_536)", destination: "d",
            concatenation: .init(scheme: .udh16, reference: UInt16(truncatingIfNeeded: number), total: 2, index: 1),
            dataCoding: 0, userData: [0x41])
    }

    /// A flood of parts that each open a new group, at capacity: every part evicts the oldest group. Finding it used
    /// to scan (and copy) all 20 000 groups per part — 80 000 × 20 000 steps, minutes; it is O(1) now. The limit
    /// bounds the complexity, not the speed: the linear run takes a second or two even in a debug build.
    @Test(.timeLimit(.minutes(1))) func aFloodAtCapacityEvictsInArrivalOrderWithoutScanning() {
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(3600), maximumGroups: 20_000)
        var evicted = 0
        var inOrder = true
        for number in 0..<100_000 {
            let event = reassembler.partReceived(firstPart(number), now: TestInstant(seconds: Int64(number)))
            for message in event.evicted {
                inOrder = inOrder && message.key == key(evicted)
                evicted += 1
            }
        }
        #expect(evicted == 80_000)
        #expect(inOrder, "the oldest group is evicted first")
        #expect(reassembler.pendingCount == 20_000)
    }

    /// The group a part belongs to is never evicted to make room for that part, and stays the oldest.
    @Test func thePartsOwnGroupIsKeptWhenOctetsRunOut() {
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(3600), maximumGroups: 10, maximumOctets: 3)
        for number in 0..<3 { _ = reassembler.partReceived(firstPart(number), now: TestInstant(seconds: Int64(number))) }
        // A second part of the oldest group needs room: the next-oldest groups go, the oldest stays.
        let second = ConcatenatedPart(
            source: "s0", destination: "d", concatenation: .init(scheme: .udh16, reference: 0, total: 2, index: 2),
            dataCoding: 0, userData: [0x42])
        let event = reassembler.partReceived(second, now: TestInstant(seconds: 10))
        #expect(event.evicted.map(\.key) == [key(1)])
        guard case .complete(let message) = event.outcome else {
            Issue.record("group 0 completes")
            return
        }
        #expect(message.userData == [0x41, 0x42])
    }
}
