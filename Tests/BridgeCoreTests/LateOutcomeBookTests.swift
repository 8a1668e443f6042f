import Foundation
import Synchronization
import Testing

@testable import BridgeCore

/// The book of sends whose outcome was unknown keeps each for its retention on a monotonic clock.
@Suite struct LateOutcomeBookTests {
    /// A monotonic clock the test moves by hand.
    final class ManualClock: Sendable {
        private let base = ContinuousClock.now
        private let elapsed = Mutex(Duration.zero)
        func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
        var now: ContinuousClock.Instant { base + elapsed.withLock { $0 } }
    }

    func entry(_ id: String, at wallTime: Date) -> LateOutcomeBook.Entry {
        .init(requestID: id, segment: 1, segments: 1, to: "+573001234567", from: "ACME", metadata: nil,
              registeredAt: wallTime)
    }

    @Test func anEntryIsForgottenOnceItsRetentionHasPassed() {
        let clock = ManualClock()
        let book = LateOutcomeBook(retention: 600, clock: { clock.now })
        let tags = book.allocate(2)
        book.remember(tags[0], entry("old", at: Date()))
        clock.advance(by: .seconds(601))
        book.remember(tags[1], entry("new", at: Date()))
        #expect(book.entry(for: tags[0]) == nil)
        #expect(book.entry(for: tags[1])?.requestID == "new")
    }

    /// The wall clock stepping forward an hour (NTP, a resumed VM) between two unknown outcomes a second apart must
    /// not drop the first: its late submit_sm_resp would find nothing, and the receipts of that copy go unmatched.
    @Test func aWallClockStepDoesNotDropAnEntry() {
        let clock = ManualClock()
        let book = LateOutcomeBook(retention: 600, clock: { clock.now })
        let tags = book.allocate(2)
        let wall = Date()
        book.remember(tags[0], entry("before the step", at: wall))
        clock.advance(by: .seconds(1))
        book.remember(tags[1], entry("after the step", at: wall.addingTimeInterval(3600)))
        #expect(book.entry(for: tags[0])?.requestID == "before the step")
        #expect(book.count == 2)
    }
}
