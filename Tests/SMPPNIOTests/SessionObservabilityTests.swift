import Logging
import MetricsTestKit
import NIOCore
import SMPP
import Testing

@testable import SMPPNIO

/// What an operator sees of a session's troubles: every bind refusal is a "bind rejected" line, inbound requests
/// the application left unanswered are counted and warned about once per interval, a late generic_nack is logged.
@Suite struct SessionObservabilityTests {
    /// A bind answered by generic_nack is a refusal like a bind_resp with an error status: one warning with the
    /// status, host and system_id (it was only an info "session not established").
    @Test func aBindRefusedByGenericNackIsLoggedAsABindRejection() throws {
        let log = CapturedLog()
        let harness = try HandlerHarness(logger: log.logger(level: .info))
        try harness.connect()
        let bind = try #require(try harness.written())
        try harness.receive(.genericNack, sequenceNumber: bind.sequenceNumber, status: CommandStatus(rawValue: 0x03))
        let rejections = log.all.filter { $0.level == .warning && $0.text.contains("bind rejected") }
        #expect(rejections.count == 1, "\(log.all.map(\.text))")
        #expect(rejections.first?.text.contains("127.0.0.1") == true)
        #expect(rejections.first?.text.contains("acme") == true)
    }

    /// Requests the application does not answer within the inbound timeout are answered ESME_RX_T_APPN by the
    /// session: each is counted, and a stalled application gets one warning per interval with the count.
    @Test func unansweredInboundRequestsAreCountedAndWarnedAboutOncePerInterval() throws {
        let metrics = TestMetrics()
        let log = CapturedLog()
        let harness = try HandlerHarness(
            maxInbound: 100, metrics: SMPPClientMetrics(factory: metrics), logger: log.logger(level: .info))
        try harness.bind()
        _ = try harness.allWritten()
        for sequence in UInt32(200)..<205 {
            try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "1"))), sequenceNumber: sequence)
        }
        harness.loop.advanceTime(by: .seconds(3))
        let answers = try harness.allWritten().filter { $0.commandID == .deliverSMResp }
        #expect(answers.count == 5 && answers.allSatisfy { $0.commandStatus == .receiverTemporaryAppError })
        #expect(metrics.counterTotal(label: SMPPClientMetrics.inboundExpiredName) == 5)
        var warnings = log.all.filter { $0.level == .warning && $0.text.contains("not answered in time") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.text.contains("expired_since_last_warning=1") == true)
        harness.loop.advanceTime(by: SMPPSessionHandler.refusalWarningInterval)
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "2"))), sequenceNumber: 300)
        harness.loop.advanceTime(by: .seconds(3))
        warnings = log.all.filter { $0.level == .warning && $0.text.contains("not answered in time") }
        #expect(warnings.count == 2)
        #expect(warnings.last?.text.contains("expired_since_last_warning=5") == true)
        #expect(metrics.counterTotal(label: SMPPClientMetrics.inboundExpiredName) == 6)
    }

    /// A generic_nack for a submit that already timed out is a late outcome, and it is logged as one.
    @Test func aLateGenericNackIsLogged() throws {
        let log = CapturedLog()
        let harness = try HandlerHarness(logger: log.logger(level: .info))
        try harness.bind()
        let results = ResultBox()
        try harness.submit("late", results: results)
        let submit = try #require(try harness.allWritten().first { $0.commandID == .submitSM })
        harness.loop.advanceTime(by: .seconds(5))
        try harness.receive(.genericNack, sequenceNumber: submit.sequenceNumber, status: CommandStatus(rawValue: 0x58))
        #expect(harness.delegate.late.count == 1)
        #expect(log.all.contains { $0.level == .info && $0.text.contains("generic_nack after the response timeout") })
    }
}
