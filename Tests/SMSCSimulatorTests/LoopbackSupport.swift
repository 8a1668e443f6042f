import Logging
import NIOCore
import NIOPosix
import SMPP
import Testing

@testable import SMSCSimulator

/// Runs `body` against a simulator listening on 127.0.0.1 (an ephemeral port; TLS with the test certificates
/// when `tls`), then stops it. The default account is acme/secret with 2 sessions; receipts come after 20 ms.
func withSimulator(
    tls: Bool = false,
    _ configure: (inout SMSCSimulatorConfiguration) -> Void = { _ in },
    _ body: (SMSCSimulator, SocketAddress) async throws -> Void
) async throws {
    var configuration = SMSCSimulatorConfiguration(accounts: [SimulatorAccount(systemID: "acme", password: "secret", maxSessions: 2)])
    configuration.seed = 1
    // Far beyond any test: other suites may keep the 2 cores busy for seconds.
    configuration.sessionInitTimeoutMilliseconds = 120_000
    configuration.dlrDelayMilliseconds = 20
    configuration.dlrFinalDelayMilliseconds = 20
    configuration.redeliveryDelayMilliseconds = 50
    if tls {
        configuration.plainListen = nil
        configuration.tlsListen = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.tlsCertificatePath = CertificatePaths.serverCertificate
        configuration.tlsPrivateKeyPath = CertificatePaths.serverKey
    }
    configure(&configuration)
    var logger = Logger(label: "smsc-sim-test")
    logger.logLevel = .warning
    let simulator = SMSCSimulator(configuration: configuration, group: MultiThreadedEventLoopGroup.singleton, logger: logger)
    let (plain, secure) = try await simulator.start()
    let address = try #require(tls ? secure : plain)
    do {
        try await body(simulator, address)
    } catch {
        await simulator.stop()
        throw error
    }
    await simulator.stop()
}

/// A GSM 7-bit submit_sm asking for a receipt.
func testSubmit(text: String = "Hello", registeredDelivery: UInt8 = 1, esmClass: ESMClass = [], dataCoding: UInt8 = 0,
                shortMessage: [UInt8]? = nil, tlvs: [TLV] = []) -> PDUBody {
    .submitSM(SubmitSM(
        source: Address(ton: 5, npi: 0, address: "ACME"), destination: Address(ton: 1, npi: 1, address: "573001234567"),
        esmClass: esmClass, registeredDelivery: registeredDelivery, dataCoding: dataCoding,
        shortMessage: shortMessage ?? Array(text.utf8), tlvs: tlvs))
}

extension PDU {
    /// The deliver_sm body, if this is one.
    var deliverSM: DeliverSM? {
        if case .deliverSM(let body) = body { return body }
        return nil
    }

    /// The submit_sm_resp message id, if this is one.
    var submitMessageID: String? {
        if case .submitSMResp(let body) = body { return body.messageID }
        return nil
    }
}

extension TestSMPPClient {
    /// Reads until the connection closes (failing on a timeout).
    func expectClosed(timeout: Duration = .seconds(5)) async throws {
        while true {
            if case .closed = try await next(timeout: timeout) { return }
        }
    }

    /// Acknowledges a deliver_sm with `status`.
    func answer(_ deliver: PDU, status: CommandStatus = .ok) async throws {
        try await send(PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: deliver.sequenceNumber, commandStatus: status))
    }
}
