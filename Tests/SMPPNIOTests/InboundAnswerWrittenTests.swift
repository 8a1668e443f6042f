import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import SMPP
import Testing

@testable import SMPPNIO

/// Collects what `respond(status:then:)` reports.
final class WrittenReports: Sendable {
    private let reports = NIOLockedValueBox<[Bool]>([])
    var all: [Bool] { reports.withLockedValue { $0 } }
    func record(_ written: Bool) { reports.withLockedValue { $0.append(written) } }
}

/// Fails every write that passes it, as a socket that broke would.
final class FailingWrites: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = ByteBuffer

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        promise?.fail(ChannelError.ioOnClosedChannel)
    }
}

/// `respond(status:then:)` reports true only once the deliver_sm_resp was written by the session the deliver_sm came
/// on, false in every other case, exactly once: the MO path relies on it to remember the id of an MO the SMSC will
/// deliver again (an answer that won the race against the deadline is not yet an answer the SMSC got).
@Suite struct InboundAnswerWrittenTests {
    /// A bound session holding the deliver_sm `sequenceNumber`, with nothing written since the bind.
    static func holding(_ sequenceNumber: UInt32) throws -> (HandlerHarness, SMPPInboundMessage) {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "1"))), sequenceNumber: sequenceNumber)
        return (harness, try #require(harness.delegate.inbound.last))
    }

    /// ``holding(_:)``, with the application's ESME_ROK given (its hop to the event loop queued, not yet run).
    static func answered(_ sequenceNumber: UInt32) throws -> (HandlerHarness, SMPPInboundMessage, WrittenReports) {
        let (harness, message) = try holding(sequenceNumber)
        let reports = WrittenReports()
        message.respond(status: .ok, then: reports.record)
        return (harness, message, reports)
    }

    @Test func anAnswerIsReportedWrittenOnceItsWriteSucceeded() throws {
        let (harness, message, reports) = try Self.answered(40)
        #expect(reports.all.isEmpty, "reported before it reached the event loop")
        harness.loop.run()
        #expect(reports.all == [true])
        let written = try #require(try harness.written())
        #expect(written.commandID == .deliverSMResp && written.sequenceNumber == 40 && written.commandStatus == .ok)
        message.respond(status: .systemError, then: reports.record)
        #expect(reports.all == [true, false], "a second answer is not written")
    }

    @Test func anAnswerAfterTheSessionEndedIsReportedUnwritten() throws {
        let (harness, message) = try Self.holding(41)
        try harness.channel.close().wait()
        let reports = WrittenReports()
        message.respond(status: .ok, then: reports.record)
        harness.loop.run()
        #expect(reports.all == [false])
    }

    /// The answer won against the deadline, but the connection closed before its hop reached the event loop: it was
    /// never written (the plain `respond(status:)` says true here; the SMSC delivers the message again).
    @Test func anAnswerThatWonButWhoseSessionEndedBeforeTheWriteIsReportedUnwritten() throws {
        let (harness, _, reports) = try Self.answered(42)
        try harness.channel.close().wait()
        #expect(reports.all == [false], "the session's end did not report the answer it dropped")
        harness.loop.run()
        #expect(reports.all == [false], "reported twice")
        #expect(try harness.allWritten().allSatisfy { $0.commandID != .deliverSMResp })
    }

    @Test func anAnswerAfterTheDeadlineIsReportedUnwritten() throws {
        let (harness, message) = try Self.holding(43)
        harness.loop.advanceTime(by: .seconds(3))
        let reports = WrittenReports()
        message.respond(status: .ok, then: reports.record)
        harness.loop.run()
        #expect(reports.all == [false])
        #expect(try harness.allWritten().map(\.commandStatus) == [.receiverTemporaryAppError])
    }

    /// The answer won just before the deadline and its hop arrives after the expiry: the expiry writes the
    /// application's status, and that write is what the application is told about — once.
    @Test func theExpiryWritingAWonAnswerReportsItWritten() throws {
        let (harness, _, reports) = try Self.answered(44)
        _ = harness.handler.machine.inbound.remove(44)
        harness.handler.run(.inboundExpired(sequenceNumber: 44), now: harness.loop.now)
        harness.loop.run()
        #expect(reports.all == [true])
        #expect(try harness.allWritten().map(\.commandStatus) == [.ok])
    }

    /// The SMSC reuses the sequence number for another message while the first one's answer is on its way: that
    /// answer is void (it would answer the newcomer) and reported unwritten; the newcomer's answer is written.
    @Test func anAnswerSupersededBySequenceReuseIsReportedUnwritten() throws {
        let (harness, _, reports) = try Self.answered(45)
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "2"))), sequenceNumber: 45)
        #expect(reports.all == [false])
        harness.loop.run()
        #expect(try harness.written() == nil, "the first answer answered the newcomer")
        try #require(harness.delegate.inbound.count == 2)
        harness.delegate.inbound[1].respond(status: .ok, then: reports.record)
        harness.loop.run()
        #expect(reports.all == [false, true])
    }

    @Test func anAnswerWhoseWriteFailedIsReportedUnwritten() throws {
        let (harness, _, reports) = try Self.answered(46)
        try harness.channel.pipeline.syncOperations.addHandler(FailingWrites(), position: .first)
        harness.loop.run()
        #expect(reports.all == [false])
    }
}
