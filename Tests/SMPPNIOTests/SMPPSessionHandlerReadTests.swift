import Logging
import MetricsTestKit
import NIOCore
import NIOEmbedded
import SMPP
import Testing

@testable import SMPPNIO

/// Counts the reads that reach the channel (it sits in front of the session handler).
final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    var reads = 0
    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

@Suite struct SMPPSessionHandlerReadTests {
    /// Issue 10 item 6: while the application holds the maximum of inbound messages the socket keeps being read
    /// (submit responses included); the excess inbound request is refused with ESME_RX_T_APPN at once.
    @Test func readingContinuesWhileTheApplicationHoldsTheMaximumInbound() throws {
        let harness = try HandlerHarness(maxInbound: 1)
        let counter = ReadCounter()
        try harness.channel.pipeline.syncOperations.addHandler(counter, position: .first)
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "1"))), sequenceNumber: 70)
        let before = counter.reads
        harness.channel.read()
        #expect(counter.reads == before + 1, "a read was held while the application held the maximum")
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "2"))), sequenceNumber: 71)
        let refusal = try #require(try harness.written())
        #expect(refusal.sequenceNumber == 71 && refusal.commandStatus == .receiverTemporaryAppError)
        #expect(harness.delegate.inbound.count == 1)
        try harness.receive(.submitSMResp(SubmitSMResp(messageID: "M1")), sequenceNumber: 2)
        #expect(try results.all.first?.get().messageID == "M1")
    }
}

@Suite struct SecretMaskingTests {
    @Test func bindTraceMasksThePassword() {
        let pdu = PDU(.bindTransceiver(BindRequest(systemID: "acme", password: "s3cr3t")), sequenceNumber: 1)
        let text = PDUTrace(pdu).description
        #expect(text.contains("acme"))
        #expect(!text.contains("s3cr3t"))
    }

    @Test func configurationDescriptionMasksThePassword() {
        let configuration = SMPPClientConfiguration(host: "smsc.example", systemID: "acme", password: "s3cr3t")
        #expect(!configuration.description.contains("s3cr3t"))
        #expect(!String(reflecting: configuration).contains("s3cr3t"))
        #expect(!"\(configuration)".contains("s3cr3t"))
    }

    @Test func configurationDefaults() {
        let configuration = SMPPClientConfiguration(host: "smsc.example", systemID: "acme", password: "x")
        #expect(configuration.window == 10)
        #expect(configuration.throughput == 0)
        #expect(configuration.enquireLinkInterval == .seconds(30))
        #expect(configuration.tls.enabled)
        #expect(configuration.tls.verify)
        #expect(configuration.bindType == .transceiver)
    }

    @Test func transmitterReceiverPairsDoubleTheConnections() {
        var configuration = SMPPClientConfiguration(host: "h", systemID: "s", password: "p")
        configuration.sessions = 3
        configuration.bindType = .transmitterAndReceiver
        #expect(configuration.connectionCount == 6)
    }
}

@Suite struct SMPPSessionHandlerQuietPDUTests {
    @Test func alertNotificationIsNotAnswered() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        try harness.receive(.alertNotification(AlertNotification(
            source: Address(address: "573001234567"), esme: Address(address: "12345"))), sequenceNumber: 80)
        #expect(try harness.written() == nil)
        #expect(harness.channel.isActive)
    }
}

@Suite struct LateInboundAnswerTests {
    /// The application answers an MO after the client already said ESME_RX_T_APPN, and the SMSC has meanwhile sent
    /// a new deliver_sm with the same sequence number: the late answer must not answer the new message, which the
    /// application has not handled yet (DESIGN §3: ESME_ROK only once the event is safe).
    @Test func aLateAnswerDoesNotAnswerANewRequestWithTheSameSequenceNumber() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        let deliver = DeliverSM(destination: Address(address: "1"))
        try harness.receive(.deliverSM(deliver), sequenceNumber: 9)
        let first = try #require(harness.delegate.inbound.first)
        harness.loop.advanceTime(by: .seconds(3))
        let timeoutAnswer = try #require(try harness.written())
        #expect(timeoutAnswer.sequenceNumber == 9 && timeoutAnswer.commandStatus == .receiverTemporaryAppError)
        try harness.receive(.deliverSM(deliver), sequenceNumber: 9)
        #expect(harness.delegate.inbound.count == 2)
        first.respond(status: .ok)
        harness.loop.run()
        #expect(try harness.written() == nil, "the late answer to the first deliver_sm answered the second")
        harness.delegate.inbound[1].respond(status: .ok)
        harness.loop.run()
        let answer = try #require(try harness.written())
        #expect(answer.sequenceNumber == 9 && answer.commandStatus == .ok)
    }
}

@Suite struct InboundRefusalReportTests {
    /// A flood of refused deliver_sm is counted one by one but logged as one warning per interval, with the count.
    @Test func refusalsAreCountedAndWarnedAboutOncePerInterval() throws {
        let metrics = TestMetrics()
        let log = CapturedLog()
        let harness = try HandlerHarness(
            maxInbound: 1, metrics: SMPPClientMetrics(factory: metrics), logger: log.logger(level: .info))
        try harness.bind()
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "held"))), sequenceNumber: 100)
        for sequence in UInt32(101)...150 {
            try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "x"))), sequenceNumber: sequence)
        }
        #expect(metrics.counterTotal(label: SMPPClientMetrics.inboundRefusedName) == 50)
        var warnings = log.all.filter { $0.level == .warning && $0.text.contains("refused") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.text.contains("refused_since_last_warning=1") == true)
        // The held one times out meanwhile (answered by the session, not a refusal): 151 is held, 152 refused.
        harness.loop.advanceTime(by: SMPPSessionHandler.refusalWarningInterval)
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "y"))), sequenceNumber: 151)
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "z"))), sequenceNumber: 152)
        warnings = log.all.filter { $0.level == .warning && $0.text.contains("refused") }
        #expect(warnings.count == 2)
        #expect(warnings.last?.text.contains("refused_since_last_warning=50") == true)
        #expect(metrics.counterTotal(label: SMPPClientMetrics.inboundRefusedName) == 51)
    }
}
