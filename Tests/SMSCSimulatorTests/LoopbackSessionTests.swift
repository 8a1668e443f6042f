import NIOCore
import NIOPosix
import SMPP
import Testing

@testable import SMSCSimulator

@Suite(.timeLimit(.minutes(1))) struct LoopbackSessionTests {
    @Test(arguments: [false, true])
    func bindSubmitReceiptAndRecord(tls: Bool) async throws {
        try await withSimulator(tls: tls) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: tls)
            let bound = try await client.bind(.transceiver)
            #expect(bound.commandStatus == .ok)
            #expect(bound.body == .bindTransceiverResp(BindResponse(systemID: "SMSCSIM", tlvs: [.scInterfaceVersion(0x34)])))
            let udh: [UInt8] = [0x05, 0x00, 0x03, 0x07, 0x02, 0x01]
            let seq = try await client.request(testSubmit(esmClass: .udhIndicator, shortMessage: udh + Array("Part one".utf8),
                                                          tlvs: [.userMessageReference(0x0102)]))
            let response = try await client.nextPDU()
            #expect(response.sequenceNumber == seq)
            #expect(response.commandStatus == .ok)
            let id = try #require(response.submitMessageID)
            #expect(id.count >= 8)
            let receipt = try await client.nextPDU()
            let deliver = try #require(receipt.deliverSM)
            #expect(deliver.esmClass == .deliveryReceipt)
            #expect(deliver.tlvs.receiptedMessageID == id)
            #expect(deliver.tlvs.messageState == 2)
            #expect(deliver.source.address == "573001234567" && deliver.destination.address == "ACME")
            let text = String(decoding: deliver.shortMessage, as: UTF8.self)
            #expect(text.hasPrefix("id:\(id) sub:001 dlvrd:001 submit date:"))
            #expect(text.contains("stat:DELIVRD err:000 text:Part one"))
            try await client.answer(receipt)
            #expect(await simulator.waitForCounters { $0.deliveriesAcknowledged == 1 })
            let records = simulator.records()
            #expect(records.count == 1)
            #expect(records.first?.messageID == id)
            #expect(records.first?.udh == udh)
            #expect(records.first?.payload == Array("Part one".utf8))
            #expect(records.first?.tlvs == [.userMessageReference(0x0102)])
            #expect(records.first?.account == "acme")
            let unbind = try await client.request(.unbind)
            #expect(try await client.nextPDU() == PDU(.unbindResp, sequenceNumber: unbind))
            try await client.expectClosed()
        }
    }

    @Test func enquireLinkBeforeBindAndWrongState() async throws {
        try await withSimulator { _, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            let link = try await client.request(.enquireLink)
            #expect(try await client.nextPDU() == PDU(.enquireLinkResp, sequenceNumber: link))
            let submit = try await client.request(testSubmit())
            #expect(try await client.nextPDU() == PDU(.submitSMResp(SubmitSMResp()), sequenceNumber: submit, commandStatus: .invalidBindStatus))
            #expect(try await client.bind(.receiver).commandStatus == .ok)
            let again = try await client.request(testSubmit())
            #expect(try await client.nextPDU() == PDU(.submitSMResp(SubmitSMResp()), sequenceNumber: again, commandStatus: .invalidBindStatus))
            #expect(try await client.bind(.transceiver).commandStatus == .alreadyBound)
            await client.close()
        }
    }

    @Test func credentialsAndSessionLimits() async throws {
        try await withSimulator { simulator, address in
            let wrong = try await TestSMPPClient.connect(to: address, tls: false)
            #expect(try await wrong.bind(password: "nope").commandStatus == .invalidPassword)
            #expect(try await wrong.bind(systemID: "nobody").commandStatus == .invalidSystemID)
            let first = try await TestSMPPClient.connect(to: address, tls: false)
            let second = try await TestSMPPClient.connect(to: address, tls: false)
            let third = try await TestSMPPClient.connect(to: address, tls: false)
            #expect(try await first.bind().commandStatus == .ok)
            #expect(try await second.bind(.transmitter).commandStatus == .ok)
            #expect(try await third.bind(.receiver).commandStatus == .alreadyBound)
            await first.close()
            // The slot is given back when the simulator sees the connection close.
            #expect(await simulator.waitForCounters { $0.connectionsClosed == 1 })
            #expect(try await third.bind(.receiver).commandStatus == .ok)
            await wrong.close()
            await second.close()
            await third.close()
        }
        try await withSimulator({ $0.sessionLimitResponse = .bindFailed; $0.accounts[0].maxSessions = 1 }) { _, address in
            let first = try await TestSMPPClient.connect(to: address, tls: false)
            let second = try await TestSMPPClient.connect(to: address, tls: false)
            #expect(try await first.bind().commandStatus == .ok)
            #expect(try await second.bind().commandStatus == .bindFailed)
            await first.close()
            await second.close()
        }
    }

    @Test func protocolErrors() async throws {
        try await withSimulator { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.sendRaw([0, 0, 0, 16, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 9])
            #expect(try await client.nextPDU() == PDU(.genericNack, sequenceNumber: 9, commandStatus: .invalidCommandID))
            try await client.sendRaw([0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 10])
            #expect(try await client.nextPDU() == PDU(.genericNack, sequenceNumber: 0, commandStatus: .invalidCommandLength))
            try await client.expectClosed()
            #expect(simulator.counters.protocolErrors == 2)
        }
    }

    @Test func commandLengthOverTheCapIsNackedAndClosed() async throws {
        try await withSimulator({ $0.maxPDULength = 1024 }) { _, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            try await client.sendRaw([0, 0, 0x10, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 3])
            #expect(try await client.nextPDU() == PDU(.genericNack, sequenceNumber: 0, commandStatus: .invalidCommandLength))
            try await client.expectClosed()
        }
    }

    @Test func plainAndTLSListenersTogether() async throws {
        var configuration = SMSCSimulatorConfiguration(accounts: [SimulatorAccount(systemID: "acme", password: "secret")])
        configuration.tlsListen = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.tlsCertificatePath = CertificatePaths.serverCertificate
        configuration.tlsPrivateKeyPath = CertificatePaths.serverKey
        let simulator = SMSCSimulator(configuration: configuration, group: MultiThreadedEventLoopGroup.singleton)
        let (plain, tls) = try await simulator.start()
        let plainClient = try await TestSMPPClient.connect(to: try #require(plain), tls: false)
        let tlsClient = try await TestSMPPClient.connect(to: try #require(tls), tls: true)
        #expect(try await plainClient.bind(.transmitter).commandStatus == .ok)
        #expect(try await tlsClient.bind(.transmitter).commandStatus == .ok)
        #expect(simulator.counters.bindsAccepted == 2)
        await plainClient.close()
        await tlsClient.close()
        await simulator.stop()
        await simulator.stop()
        #expect(simulator.counters.bindsAccepted == 2)
    }

    @Test func plainClientOnTheTLSPortNeverBinds() async throws {
        try await withSimulator(tls: true) { simulator, address in
            // A plain client on the TLS port: the simulator sees garbage, never a bind.
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            try await client.request(.enquireLink)
            try await client.expectClosed()
            #expect(simulator.counters.bindsAccepted == 0)
        }
    }

    @Test func mutualTLSRequiresAClientCertificate() async throws {
        try await withSimulator(tls: true, { $0.tlsClientCAPath = CertificatePaths.ca }) { simulator, address in
            let trusted = try await TestSMPPClient.connect(
                to: address, tls: true, clientCertificate: (CertificatePaths.clientCertificate, CertificatePaths.clientKey))
            #expect(try await trusted.bind().commandStatus == .ok)
            await trusted.close()
            let anonymous = try await TestSMPPClient.connect(to: address, tls: true)
            _ = try? await anonymous.request(.enquireLink)
            try await anonymous.expectClosed()
            #expect(simulator.counters.bindsAccepted == 1)
            #expect(simulator.counters.enquireLinksReceived == 0)
        }
        try await withSimulator(tls: true, { $0.tlsClientCAPath = CertificatePaths.otherCA }) { simulator, address in
            let untrusted = try await TestSMPPClient.connect(
                to: address, tls: true, clientCertificate: (CertificatePaths.clientCertificate, CertificatePaths.clientKey))
            _ = try? await untrusted.request(.enquireLink)
            try await untrusted.expectClosed()
            #expect(simulator.counters.enquireLinksReceived == 0)
        }
    }

    @Test func sessionInitTimerClosesIdleConnections() async throws {
        try await withSimulator({ $0.sessionInitTimeoutMilliseconds = 100 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            try await client.expectClosed()
            #expect(simulator.counters.sessionInitTimeouts == 1)
        }
    }
}
