import NIOConcurrencyHelpers
import NIOCore
import SMPP
import Testing

@testable import SMPPNIO

/// Counts how often a preemption handler ran.
final class PreemptionCount: Sendable {
    private let count = NIOLockedValueBox(0)
    var value: Int { count.withLockedValue { $0 } }
    func record() { count.withLockedValue { $0 += 1 } }
}

/// `whenPreempted` runs exactly once when a message goes without the application's answer — the client's own
/// ESME_RX_T_APPN at the deadline, or the session's end — and never when the application's answer won: the MO path
/// stores the id of an MO the SMSC will deliver again as soon as that is certain.
@Suite struct InboundPreemptionTests {
    typealias Held = InboundAnswerWrittenTests

    @Test func theClientsAnswerAtTheDeadlineRunsTheHandlerOnce() throws {
        let (harness, message) = try Held.holding(50)
        let count = PreemptionCount()
        message.whenPreempted(count.record)
        #expect(count.value == 0)
        harness.loop.advanceTime(by: .seconds(3))
        #expect(count.value == 1)
        #expect(try harness.allWritten().map(\.commandStatus) == [.receiverTemporaryAppError])
        #expect(!message.respond(status: .ok), "the application's answer comes too late")
        harness.loop.run()
        #expect(count.value == 1, "ran twice")
        let late = PreemptionCount()
        message.whenPreempted(late.record)
        #expect(late.value == 1, "a handler given after the fact runs at once")
    }

    @Test func theSessionsEndRunsTheHandler() throws {
        let (harness, message) = try Held.holding(51)
        let count = PreemptionCount()
        message.whenPreempted(count.record)
        try harness.channel.close().wait()
        harness.loop.run()
        #expect(count.value == 1)
    }

    @Test func anAnswerThatWonNeverRunsIt() throws {
        let (harness, message, reports) = try Held.answered(52)
        let count = PreemptionCount()
        message.whenPreempted(count.record)
        try harness.channel.close().wait()
        harness.loop.run()
        #expect(count.value == 0)
        #expect(reports.all == [false], "the unwritten answer is reported to its own report")
    }

    @Test func aHandlerGivenBeforeTheAnswerIsDroppedWhenTheAnswerWins() throws {
        let (harness, message) = try Held.holding(53)
        let count = PreemptionCount()
        message.whenPreempted(count.record)
        #expect(message.respond(status: .ok))
        harness.loop.run()
        harness.loop.advanceTime(by: .seconds(3))
        #expect(count.value == 0)
        #expect(try harness.allWritten().map(\.commandStatus) == [.ok])
    }
}
