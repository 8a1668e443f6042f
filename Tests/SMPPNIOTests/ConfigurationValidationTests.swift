import Logging
import NIOCore
import NIOPosix
import Testing

@testable import SMPPNIO

@Suite struct ConfigurationValidationTests {
    func base() -> SMPPClientConfiguration {
        SMPPClientConfiguration(host: "smsc.example", systemID: "acme", password: "secret")
    }

    func rejectedKey(_ change: (inout SMPPClientConfiguration) -> Void) -> String? {
        var configuration = base()
        change(&configuration)
        do throws(SMPPClientError) {
            try configuration.validate()
            return nil
        } catch {
            #expect(error.code == .invalidConfiguration)
            return error.detail.map { String($0.prefix { $0 != ":" }) }
        }
    }

    @Test func defaultsAreValid() throws {
        try base().validate()
    }

    @Test func eachBadValueNamesItsKey() {
        #expect(rejectedKey { $0.host = "" } == "smpp.host")
        #expect(rejectedKey { $0.port = 0 } == "smpp.port")
        #expect(rejectedKey { $0.systemID = String(repeating: "x", count: 16) } == "smpp.system_id")
        #expect(rejectedKey { $0.password = "123456789" } == "smpp.password")
        #expect(rejectedKey { $0.systemType = String(repeating: "t", count: 13) } == "smpp.system_type")
        #expect(rejectedKey { $0.addressRange = String(repeating: "1", count: 41) } == "smpp.address_range")
        #expect(rejectedKey { $0.sessions = 0 } == "smpp.sessions")
        #expect(rejectedKey { $0.window = 0 } == "smpp.window")
        #expect(rejectedKey { $0.throughput = -1 } == "smpp.throughput")
        #expect(rejectedKey { $0.tls.certificateFile = "/c.pem" } == "smpp.tls.cert_file")
        #expect(rejectedKey { $0.responseTimeout = .zero } == "smpp.response_timeout")
    }

    /// Bind's C-Octet Strings as the encoder writes them: Latin-1, one octet per character, no NUL. A password the
    /// encoder refuses used to pass here, and every bind attempt then ended in a bind timeout, retried forever.
    @Test func bindStringsMustBeEncodable() throws {
        #expect(rejectedKey { $0.password = "pa\u{20AC}s" } == "smpp.password")
        #expect(rejectedKey { $0.password = "a\u{0}b" } == "smpp.password")
        #expect(rejectedKey { $0.systemID = "acme\u{1F600}" } == "smpp.system_id")
        #expect(rejectedKey { $0.systemType = "t\u{0}" } == "smpp.system_type")
        #expect(rejectedKey { $0.addressRange = "\u{4E2D}" } == "smpp.address_range")
        // Eight Latin-1 characters are eight octets on the wire (sixteen in UTF-8): allowed, and encodable.
        #expect(rejectedKey { $0.password = "éééééééé" } == nil)
        var configuration = base()
        configuration.password = "pa\u{20AC}s"
        do throws(SMPPClientError) {
            try configuration.validate()
        } catch {
            #expect(!error.description.contains("pa\u{20AC}s"))
        }
    }

    /// An unparsable smpp.local_address was only logged at each connection attempt and retried forever.
    @Test func pduLengthCapMustLetARealDeliverSMThrough() {
        #expect(rejectedKey { $0.maximumPDULength = 16 } == "maximumPDULength")
        #expect(rejectedKey { $0.maximumPDULength = Int.max } == "maximumPDULength")
        #expect(rejectedKey { $0.maximumPDULength = 1_024 } == nil)
    }

    @Test func localAddressMustBeAnIPAddress() throws {
        #expect(rejectedKey { $0.localAddress = "smsc.example" } == "smpp.local_address")
        #expect(rejectedKey { $0.localAddress = "127.0.0.1" } == nil)
        #expect(rejectedKey { $0.localAddress = "::1" } == nil)
    }

    @Test func errorsNeverCarryThePassword() {
        var configuration = base()
        configuration.password = "toolongpassword"
        do throws(SMPPClientError) {
            try configuration.validate()
            Issue.record("expected a rejection")
        } catch {
            #expect(!error.description.contains("toolongpassword"))
        }
    }

    @Test func runThrowsForUnusableConfigurationAndRefusesSubmits() async throws {
        var configuration = base()
        configuration.tls.caFile = "/nonexistent/ca.pem"
        let client = SMPPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                logger: Logger(label: "test"))
        await #expect(throws: SMPPClientError.self) { try await client.run() }
        let result = await submitResult(client, Loopback.message(0))
        #expect(result.errorCode == .notRunning)
    }
}

extension ConfigurationValidationTests {
    /// `SMPPClient.init` multiplied sessions × 2 × maxInboundInFlight before `validate()` ran, and `run()` added the
    /// configured timeouts for the shutdown deadline: huge values trapped instead of being refused.
    @Test func hugeValuesAreRefusedWithoutTrapping() async throws {
        #expect(rejectedKey { $0.sessions = Int.max } == "smpp.sessions")
        #expect(rejectedKey { $0.responseTimeout = .nanoseconds(.max) } == "smpp.response_timeout")
        #expect(rejectedKey { $0.unbindTimeout = .nanoseconds(.max) } == "smpp.unbind_timeout")
        var configuration = base()
        configuration.bindType = .transmitterAndReceiver
        configuration.sessions = Int.max
        configuration.maxInboundInFlight = Int.max
        #expect(configuration.connectionCount == Int.max)
        let client = SMPPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                logger: Logger(label: "test"))
        await #expect(throws: SMPPClientError.self) { try await client.run() }
    }
}

extension ConfigurationValidationTests {
    /// A server name SNI cannot carry (empty, NUL, over 255 octets) made every connection fail in the channel
    /// initializer, retried forever with a warning; run() never said the configuration was unusable.
    @Test(.timeLimit(.minutes(1)), arguments: ["", "bad\u{0}name", String(repeating: "a", count: 256)])
    func unusableTLSServerNameThrowsFromRun(serverName: String) async throws {
        var configuration = base()
        configuration.host = "127.0.0.1"
        configuration.port = 9  // nothing needs to listen: run() must refuse before it connects
        configuration.tls.caFile = TestCertificates.path("ca.pem")
        configuration.tls.serverName = serverName
        configuration.reconnectInitialDelay = .milliseconds(10)
        configuration.reconnectMaxDelay = .milliseconds(10)
        let client = SMPPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                logger: Logger(label: "test"))
        do {
            try await client.run()
            Issue.record("run() returned")
        } catch let error as SMPPClientError {
            #expect(error.code == .tlsConfiguration)
            #expect(error.detail?.hasPrefix("smpp.tls.server_name") == true)
        }
    }
}

@Suite struct ClientErrorTests {
    @Test func outcomeUnknownOnlyWhereTheSMSCMayHaveIt() {
        let unknown: [SMPPClientError.Code] = [.sessionLostOutcomeUnknown, .responseTimeout, .malformedResponse]
        let known: [SMPPClientError.Code] = [.genericNack, .shuttingDown, .notRunning, .encodingFailed, .noTransmitter,
                                             .invalidConfiguration, .tlsConfiguration]
        #expect(unknown.allSatisfy { SMPPClientError(code: $0).isOutcomeUnknown })
        #expect(known.allSatisfy { !SMPPClientError(code: $0).isOutcomeUnknown })
        #expect(SMPPClientError(code: .genericNack, commandStatus: 3, sequenceNumber: 9, sessionIndex: 1).description
            == "SMPPClientError(generic_nack, command_status: 0x3, sequence_number: 9, session: 1)")
    }
}
