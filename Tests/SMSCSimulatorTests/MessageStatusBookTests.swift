import Testing

@testable import SMSCSimulator

@Suite struct MessageStatusBookTests {
    @Test func statesFollowTheOutcomeTimes() {
        var book = MessageStatusBook()
        book.track("A", outcome: DeliveryOutcome(intermediate: .enroute, final: .undeliverable), changes: [1_000, 3_000], limit: 10)
        #expect(book.status(of: "A", now: 999) == MessageStatus(state: 1, finalDate: nil, errorCode: 0))
        #expect(book.status(of: "A", now: 1_000) == MessageStatus(state: 1, finalDate: nil, errorCode: 0))
        #expect(book.status(of: "A", now: 3_500) == MessageStatus(state: 5, finalDate: 3, errorCode: 1))
        book.track("B", outcome: DeliveryOutcome(final: .delivered), changes: [2_000], limit: 10)
        #expect(book.status(of: "B", now: 2_000) == MessageStatus(state: 2, finalDate: 2, errorCode: 0))
        #expect(book.status(of: "C", now: 0) == nil)
    }

    @Test func forgetsTheOldestBeyondTheLimit() {
        var book = MessageStatusBook()
        let outcome = DeliveryOutcome(final: .delivered)
        book.track("A", outcome: outcome, changes: [0], limit: 2)
        book.track("B", outcome: outcome, changes: [0], limit: 2)
        book.track("C", outcome: outcome, changes: [0], limit: 2)
        #expect(book.status(of: "A", now: 0) == nil)
        #expect(book.status(of: "B", now: 0) != nil && book.status(of: "C", now: 0) != nil)
        for index in 0..<10_000 { book.track("m\(index)", outcome: outcome, changes: [0], limit: 3) }
        #expect(book.status(of: "m9999", now: 0) != nil && book.status(of: "m9996", now: 0) == nil)
    }
}
