import Testing

@testable import SMSCSimulator

@Suite struct AccountBookTests {
    @Test func credentialsAndLimits() {
        var book = AccountBook(accounts: [SimulatorAccount(systemID: "acme", password: "pw", maxSessions: 2)])
        #expect(book.bind(systemID: "nobody", password: "pw") == .unknownSystemID)
        #expect(book.bind(systemID: "acme", password: "bad") == .wrongPassword)
        #expect(book.bind(systemID: "acme", password: "pw") == .accepted)
        #expect(book.bind(systemID: "acme", password: "pw") == .accepted)
        #expect(book.bind(systemID: "acme", password: "pw") == .tooManySessions)
        #expect(book.boundSessions(of: "acme") == 2)
        book.release(systemID: "acme")
        #expect(book.bind(systemID: "acme", password: "pw") == .accepted)
        book.release(systemID: "acme")
        book.release(systemID: "acme")
        book.release(systemID: "acme")
        #expect(book.boundSessions(of: "acme") == 0)
    }

    @Test func failedBindsTakeNoSlot() {
        var book = AccountBook(accounts: [SimulatorAccount(systemID: "acme", password: "pw", maxSessions: 1)])
        #expect(book.bind(systemID: "acme", password: "x") == .wrongPassword)
        #expect(book.boundSessions(of: "acme") == 0)
        #expect(book.bind(systemID: "acme", password: "pw") == .accepted)
    }
}
