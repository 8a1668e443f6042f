import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SMPP
import SMSCSimulator
import Testing

@testable import SMPPNIO

/// SMPPClient against the simulator on 127.0.0.1 over real TLS.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct LoopbackTLSTests {
    /// A close waits at most a second for the SMSC's close_notify (NIOSSL's default is 5 s), so a session closed
    /// for a revoked slot lease is gone before another instance may take the slot; TLS 1.2 at least.
    @Test func tlsCloseWaitsAtMostASecondForClosureFromThePeer() {
        for verify in [true, false] {
            let tls = SMPPClient.baseTLSConfiguration(verify: verify)
            #expect(tls.shutdownTimeout == .seconds(1))
            #expect(tls.minimumTLSVersion == .tlsv12)
            #expect(tls.certificateVerification == (verify ? .fullVerification : .none))
        }
    }

    @Test func submitsOverTLSAndEveryOneIsRecordedOnce() async throws {
        let loopback = try await Loopback.start()
        await loopback.waitForBound(2)
        let outcomes = await loopback.submitAll(300)
        #expect(outcomes.values.allSatisfy { (try? $0.get().commandStatus) == .ok })
        loopback.expectRecordsMatch(outcomes, count: 300)
        #expect(loopback.simulator.records().count == 300)
        #expect(Set(outcomes.values.compactMap { try? $0.get().sessionIndex }) == [0, 1])
        try await loopback.stop()
    }

    @Test func gracefulShutdownUnbindsEverySession() async throws {
        let loopback = try await Loopback.start(client: { $0.sessions = 3 })
        await loopback.waitForBound(3)
        _ = await loopback.submitAll(30)
        try await loopback.stopClient()
        #expect(loopback.simulator.counters.unbindsReceived == 3)
        await loopback.simulator.stop()
    }

    @Test func wrongCAFailsTheHandshakeAndNothingBinds() async throws {
        let loopback = try await Loopback.start(client: {
            $0.tls.caFile = TestCertificates.path("other-ca.pem")
            $0.sessions = 1
        })
        let event = await loopback.waitForEvent { _ in true }
        guard case .ended(0, let reason) = event else { Issue.record("expected the session to end, got \(String(describing: event))"); return }
        #expect(reason == .connectionClosed || reason == .protocolError)
        #expect(loopback.simulator.counters.bindsAccepted == 0)
        #expect(loopback.client.boundSessionCount == 0)
        try await loopback.stop()
    }

    @Test func plainTCPWhenTLSIsExplicitlyOff() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.plainListen = ListenAddress(host: "127.0.0.1", port: 0); $0.tlsListen = nil },
            client: { $0.tls.enabled = false; $0.localAddress = "127.0.0.1" })
        let outcomes = await loopback.submitAll(50)
        #expect(outcomes.values.allSatisfy { (try? $0.get().commandStatus) == .ok })
        loopback.expectRecordsMatch(outcomes, count: 50)
        try await loopback.stop()
    }

    @Test func clientCertificateIsPresented() async throws {
        // The simulator requires a client certificate from ca.pem (mutual TLS).
        let loopback = try await Loopback.start(simulator: { $0.tlsClientCAPath = TestCertificates.path("ca.pem") },
                                                client: {
            $0.tls.certificateFile = TestCertificates.path("client.pem")
            $0.tls.keyFile = TestCertificates.path("client.key")
            $0.tls.serverName = "localhost"
        })
        let outcomes = await loopback.submitAll(10)
        loopback.expectRecordsMatch(outcomes, count: 10)
        #expect(loopback.simulator.records().count == 10)
        try await loopback.stop()
    }

    @Test func withoutAClientCertificateMutualTLSRefusesUs() async throws {
        let loopback = try await Loopback.start(simulator: { $0.tlsClientCAPath = TestCertificates.path("ca.pem") },
                                                client: { $0.sessions = 1 })
        let event = await loopback.waitForEvent { _ in true }
        guard case .ended(0, _) = event else { Issue.record("expected the session to end, got \(String(describing: event))"); return }
        #expect(loopback.simulator.counters.bindsAccepted == 0)
        try await loopback.stop()
    }

    @Test func badPasswordIsRejectedWithOneClearAttempt() async throws {
        let loopback = try await Loopback.start(client: {
            $0.password = "wrong"
            $0.sessions = 1
            $0.reconnectMaxDelay = .seconds(30)
        })
        let event = await loopback.waitForEvent { if case .ended = $0 { true } else { false } }
        guard case .ended(0, .bindRejected(let status)) = event else { Issue.record("expected a bind rejection"); return }
        #expect(status == 0x0E || status == 0x0F || status == 0x0D)
        #expect(loopback.simulator.counters.bindsRejected == 1)
        try await loopback.stop()
    }

    @Test func moreSessionsThanTheAccountAllowsNeverExceedsTheLimit() async throws {
        let loopback = try await Loopback.start(maxSessions: 1, client: { $0.sessions = 2 })
        var bound = 0
        var rejected = 0
        for await event in loopback.client.sessionEvents {
            switch event {
            case .bound: bound += 1
            case .ended(_, .bindRejected(let status)):
                #expect(status == CommandStatus.alreadyBound.rawValue || status == CommandStatus.bindFailed.rawValue)
                rejected += 1
            default: break
            }
            if bound >= 1 && rejected >= 3 { break }
        }
        #expect(loopback.client.boundSessionCount == 1)
        let outcomes = await loopback.submitAll(20)
        loopback.expectRecordsMatch(outcomes, count: 20)
        #expect(outcomes.values.allSatisfy { (try? $0.get().sessionIndex) != nil })
        try await loopback.stop()
    }

    @Test func inboundMOAndReceiptsReachTheApplication() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.dlrDelayMilliseconds = 10 }, client: { $0.sessions = 1 })
        let outcomes = await loopback.submitAll(3, registeredDelivery: 1)
        loopback.expectRecordsMatch(outcomes, count: 3)
        loopback.simulator.injectMO(DeliverSM(source: Address(ton: 1, npi: 1, address: "573001234567"),
                                              destination: Address(address: "12345"),
                                              shortMessage: Array("Hola".utf8)))
        var receipts = 0
        var mo = 0
        for await message in loopback.client.inbound {
            guard case .deliverSM(let deliver) = message.body else { continue }
            if deliver.esmClass.rawValue & 0x04 != 0 {
                receipts += 1
                message.respond(status: .ok)
            } else {
                mo += 1
                #expect(await message.respondWritten(status: .ok), "the MO's answer was not written")
            }
            if receipts == 3 && mo == 1 { break }
        }
        #expect(receipts == 3 && mo == 1)
        let acknowledged = await loopback.simulator.waitForCounters { $0.deliveriesAcknowledged >= 4 }
        #expect(acknowledged)
        try await loopback.stop()
    }

    /// With an inbound handler every deliver_sm reaches it as its session reads it, on that session's event loop;
    /// answered from another thread, the SMSC gets the answers; the stream yields nothing and ends at stop.
    @Test func anInboundHandlerTakesEveryMessageOnTheEventLoop() async throws {
        let received = NIOLockedValueBox<(receipts: Int, mo: Int, offLoop: Int)>((0, 0, 0))
        let loopback = try await Loopback.start(
            simulator: { $0.dlrDelayMilliseconds = 10 }, client: { $0.sessions = 2 },
            inboundHandler: { message in
                let onLoop = MultiThreadedEventLoopGroup.currentEventLoop != nil
                guard case .deliverSM(let deliver) = message.body else { return }
                received.withLockedValue {
                    if deliver.esmClass.rawValue & 0x04 != 0 { $0.receipts += 1 } else { $0.mo += 1 }
                    if !onLoop { $0.offLoop += 1 }
                }
                Task { message.respond(status: .ok) }
            })
        let outcomes = await loopback.submitAll(5, registeredDelivery: 1)
        loopback.expectRecordsMatch(outcomes, count: 5)
        loopback.simulator.injectMO(DeliverSM(source: Address(ton: 1, npi: 1, address: "573001234567"),
                                              destination: Address(address: "12345"),
                                              shortMessage: Array("Hola".utf8)))
        let acknowledged = await loopback.simulator.waitForCounters { $0.deliveriesAcknowledged >= 6 }
        #expect(acknowledged)
        let counts = received.withLockedValue { $0 }
        #expect(counts.receipts == 5 && counts.mo == 1, "\(counts)")
        #expect(counts.offLoop == 0)
        let streamed = Task {
            var count = 0
            for await _ in loopback.client.inbound { count += 1 }
            return count
        }
        try await loopback.stop()
        #expect(await streamed.value == 0)
    }

    @Test func transmitterReceiverPairSubmitsOnTXAndReceivesOnRX() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.dlrDelayMilliseconds = 10 },
            client: { $0.bindType = .transmitterAndReceiver; $0.sessions = 1 })
        await loopback.waitForBound(2)
        // Readiness counts what can submit: the transmitter, not the receiver.
        #expect(loopback.client.boundSessionCount == 2 && loopback.client.boundSubmittingSessionCount == 1)
        let outcomes = await loopback.submitAll(5, registeredDelivery: 1)
        loopback.expectRecordsMatch(outcomes, count: 5)
        // Slot 0 is the transmitter of the pair, slot 1 the receiver.
        #expect(outcomes.values.allSatisfy { (try? $0.get().sessionIndex) == 0 })
        var receipts = 0
        for await message in loopback.client.inbound {
            #expect(message.sessionIndex == 1)
            message.respond(status: .ok)
            receipts += 1
            if receipts == 5 { break }
        }
        #expect(receipts == 5)
        try await loopback.stop()
    }

    @Test func dataSMWithMessagePayloadIsRecorded() async throws {
        let loopback = try await Loopback.start(client: { $0.sessions = 1 })
        let payload = Array(repeating: UInt8(ascii: "x"), count: 600)
        let dataSM = DataSM(source: Address(ton: 5, npi: 0, address: "ACME"),
                            destination: Address(ton: 1, npi: 1, address: "573001234567"), dataCoding: 4,
                            tlvs: [TLV(tag: .messagePayload, value: payload)])
        let outcome = try await loopback.client.submit(dataSM: dataSM)
        #expect(outcome.commandStatus == .ok)
        let record = try #require(loopback.simulator.records().first)
        #expect(record.messageID == outcome.messageID)
        #expect(record.payload == payload)
        #expect(record.dataCoding == 4)
        try await loopback.stop()
    }

    @Test func submitAfterRunReturnedIsRefused() async throws {
        let loopback = try await Loopback.start(client: { $0.sessions = 1 })
        await loopback.waitForBound(1)
        try await loopback.stop()
        let result = await submitResult(loopback.client, Loopback.message(1))
        #expect(result.errorCode == .notRunning)
    }

    @Test func nothingListeningIsAConnectFailureAndRetried() async throws {
        let loopback = try await Loopback.start(client: { $0.sessions = 1 })
        await loopback.waitForBound(1)
        await loopback.simulator.stop()
        // The simulator is gone: the session ends, and every retry finds nothing listening.
        var failures = 0
        for await event in loopback.client.sessionEvents {
            if case .ended(0, .connectFailed) = event { failures += 1 }
            if failures >= 2 { break }
        }
        #expect(failures == 2)
        #expect(loopback.client.boundSessionCount == 0)
        try await loopback.stopClient()
    }

    @Test func unansweredMOIsAnsweredTemporaryAppErrorAndRedelivered() async throws {
        let loopback = try await Loopback.start(
            simulator: { $0.redeliveryDelayMilliseconds = 50 },
            client: { $0.sessions = 1; $0.inboundTimeout = .milliseconds(100) })
        await loopback.waitForBound(1)
        loopback.simulator.injectMO(DeliverSM(source: Address(ton: 1, npi: 1, address: "573001234567"),
                                              destination: Address(address: "12345"),
                                              shortMessage: Array("again".utf8)))
        var deliveries: [SMPPInboundMessage] = []
        for await message in loopback.client.inbound {
            deliveries.append(message)
            // The first delivery is left unanswered: the client answers ESME_RX_T_APPN, the SMSC tries again.
            if deliveries.count == 2 {
                #expect(await !deliveries[0].respondWritten(status: .ok), "answered after the client's own answer")
                #expect(await message.respondWritten(status: .ok))
                break
            }
        }
        #expect(deliveries.count == 2)
        #expect(await loopback.simulator.waitForCounters { $0.deliveriesAcknowledged == 1 })
        #expect(loopback.simulator.counters.deliveriesRetried >= 1)
        try await loopback.stop()
    }
}
