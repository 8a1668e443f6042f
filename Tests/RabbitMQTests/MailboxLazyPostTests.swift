import Foundation
@testable import RabbitMQ
import Synchronization
import Testing

/// A post that may wait (`post(_:within:)`): the owner thread is woken only when it would otherwise sleep longer
/// than the post may wait; else it takes the command when its shorter sleep ends.
@Suite struct MailboxLazyPostTests {
    final class Flag: Sendable {
        private let value = Atomic(false)
        var isSet: Bool { value.load(ordering: .acquiring) }
        func set() { value.store(true, ordering: .releasing) }
    }

    /// Runs `wait` on a thread of its own; the flag is set when it returns.
    private static func sleeper(_ mailbox: Mailbox<Int>, timeout: Duration) -> Flag {
        let returned = Flag()
        let thread = Thread {
            _ = mailbox.wait(socket: nil, writable: false, timeout: timeout)
            returned.set()
        }
        thread.start()
        return returned
    }

    /// Polls `condition` (up to 10 s).
    private static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func aThreadSleepingLongerThanThePostMayWaitIsWoken() async throws {
        let mailbox = Mailbox<Int>()
        let returned = Self.sleeper(mailbox, timeout: .seconds(600))
        try await Self.waitUntil { mailbox.isSleeping }
        #expect(mailbox.post(1, within: .milliseconds(5)))
        try await Self.waitUntil { returned.isSet }
        #expect(returned.isSet, "the sleeper was not woken")
        #expect(mailbox.signalCount == 1)
        var batch: [Int] = []
        _ = mailbox.take(into: &batch)
        #expect(batch == [1])
    }

    @Test func aThreadWakingSoonEnoughIsNotSignalledAndTakesThePostThen() async throws {
        let mailbox = Mailbox<Int>()
        let returned = Self.sleeper(mailbox, timeout: .seconds(2))
        try await Self.waitUntil { mailbox.isSleeping }
        #expect(mailbox.post(7, within: .seconds(600)))
        #expect(mailbox.post(8, within: .seconds(600)))
        try await Self.waitUntil { returned.isSet }
        #expect(returned.isSet)
        #expect(mailbox.signalCount == 0, "a post that may wait longer than the sleep wrote to the pipe")
        var batch: [Int] = []
        _ = mailbox.take(into: &batch)
        #expect(batch == [7, 8])
        // An ordinary post to a sleeping thread still signals.
        let again = Self.sleeper(mailbox, timeout: .seconds(600))
        try await Self.waitUntil { mailbox.isSleeping }
        #expect(mailbox.post(9))
        try await Self.waitUntil { again.isSet }
        #expect(again.isSet)
        #expect(mailbox.signalCount == 1)
    }

    @Test func aLazyPostToAFinishedMailboxIsRefused() {
        let mailbox = Mailbox<Int>()
        _ = mailbox.finish()
        #expect(!mailbox.post(1, within: .milliseconds(5)))
    }
}
