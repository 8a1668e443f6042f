import Testing

@testable import SMSCSimulator

@Suite struct MessageStatusBookTests {
    @Test func tracksStatesAndForgetsTheOldest() {
        var book = MessageStatusBook()
        book.track("A", limit: 2)
        #expect(book.status(of: "A") == MessageStatus(state: 1, finalDate: nil, errorCode: 0))
        book.update("A", to: .undeliverable, at: 1000)
        #expect(book.status(of: "A") == MessageStatus(state: 5, finalDate: 1000, errorCode: 1))
        book.track("B", limit: 2)
        book.track("C", limit: 2)
        #expect(book.status(of: "A") == nil)
        #expect(book.status(of: "B") != nil && book.status(of: "C") != nil)
        book.update("A", to: .delivered, at: 5)
        #expect(book.status(of: "A") == nil)
        for index in 0..<10_000 { book.track("m\(index)", limit: 3) }
        #expect(book.status(of: "m9999") != nil && book.status(of: "m9996") == nil)
    }
}
