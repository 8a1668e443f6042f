import Logging
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
    @Test func readingStopsWhileTheApplicationHoldsTheMaximumInbound() throws {
        let harness = try HandlerHarness(maxInbound: 1)
        let counter = ReadCounter()
        try harness.channel.pipeline.syncOperations.addHandler(counter, position: .first)
        try harness.bind()
        harness.channel.read()
        let before = counter.reads
        #expect(before >= 1)
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "1"))), sequenceNumber: 70)
        harness.channel.read()
        #expect(counter.reads == before, "a read passed while the application held the maximum")
        let message = try #require(harness.delegate.inbound.first)
        message.respond(status: .ok)
        harness.loop.run()
        #expect(counter.reads == before + 1, "the held read was released by the answer")
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
