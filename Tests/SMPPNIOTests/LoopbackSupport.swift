import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import SMPP
import SMSCSimulator
import ServiceLifecycle
import Testing

@testable import SMPPNIO

/// The committed test-only certificates (Tests/Certificates; localhost and 127.0.0.1).
enum TestCertificates {
    static func path(_ name: String) -> String {
        PeerProcess.repositoryRoot.appendingPathComponent("Tests/Certificates/\(name)").path
    }
}

/// A simulator on 127.0.0.1 over TLS and an SMPPClient run in a ServiceGroup against it.
struct Loopback {
    let simulator: SMSCSimulator
    let client: SMPPClient
    let group: ServiceGroup
    let running: Task<Void, any Error>

    static let systemID = "loop"
    static let password = "secret"

    /// Starts the simulator (TLS listener only) and the client. `simulator` and `client` adjust the defaults.
    static func start(
        maxSessions: Int = 10,
        metrics: (any MetricsFactory)? = nil,
        logger clientLogger: Logger? = nil,
        simulator configureSimulator: (inout SMSCSimulatorConfiguration) -> Void = { _ in },
        client configureClient: (inout SMPPClientConfiguration) -> Void = { _ in },
        slotGate: (any SessionSlotGate)? = nil,
        inboundHandler: (@Sendable (SMPPInboundMessage) -> Void)? = nil,
        beforeRun: (SMPPClient) -> Void = { _ in }
    ) async throws -> Loopback {
        var simulatorConfiguration = SMSCSimulatorConfiguration(
            accounts: [SimulatorAccount(systemID: systemID, password: password, maxSessions: maxSessions)])
        simulatorConfiguration.plainListen = nil
        simulatorConfiguration.tlsListen = ListenAddress(host: "127.0.0.1", port: 0)
        simulatorConfiguration.tlsCertificatePath = TestCertificates.path("server.pem")
        simulatorConfiguration.tlsPrivateKeyPath = TestCertificates.path("server.key")
        simulatorConfiguration.seed = 7
        configureSimulator(&simulatorConfiguration)
        var simulatorLogger = Logger(label: "sim")
        simulatorLogger.logLevel = .warning
        let simulator = SMSCSimulator(configuration: simulatorConfiguration,
                                      group: MultiThreadedEventLoopGroup.singleton, logger: simulatorLogger)
        let addresses = try await simulator.start()
        let port = try #require(addresses.tls?.port ?? addresses.plain?.port)

        var configuration = SMPPClientConfiguration(host: "127.0.0.1", port: port, systemID: systemID,
                                                    password: password)
        configuration.tls.caFile = TestCertificates.path("ca.pem")
        configuration.sessions = 2
        configuration.window = 10
        configuration.reconnectInitialDelay = .milliseconds(20)
        configuration.reconnectMaxDelay = .milliseconds(200)
        configuration.responseTimeout = .seconds(2)
        configureClient(&configuration)
        var logger = clientLogger ?? Logger(label: "client")
        if clientLogger == nil { logger.logLevel = .warning }
        let client = SMPPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                logger: logger, metricsFactory: metrics ?? MetricsSystem.factory, slotGate: slotGate,
                                inboundHandler: inboundHandler)
        beforeRun(client)
        let group = ServiceGroup(services: [client], logger: logger)
        let running = Task { try await group.run() }
        return Loopback(simulator: simulator, client: client, group: group, running: running)
    }

    /// Another client on the same simulator and account, with this one's configuration, running in its own group
    /// (stop it with ``stopClient()`` of the returned value; its `simulator` is this one's).
    func addClient(slotGate: (any SessionSlotGate)?,
                   client configureClient: (inout SMPPClientConfiguration) -> Void = { _ in }) -> Loopback {
        var configuration = client.configuration
        configureClient(&configuration)
        var logger = Logger(label: "client2")
        logger.logLevel = .warning
        let other = SMPPClient(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                               logger: logger, slotGate: slotGate)
        let group = ServiceGroup(services: [other], logger: logger)
        let running = Task { try await group.run() }
        return Loopback(simulator: simulator, client: other, group: group, running: running)
    }

    /// Graceful shutdown of the client, then the simulator.
    func stop() async throws {
        try await stopClient()
        await simulator.stop()
    }

    /// Graceful shutdown of the client only (the simulator's counters stay readable).
    func stopClient() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Waits for the first session event matching `predicate` (nil if the stream ended first).
    func waitForEvent(_ predicate: (SMPPSessionEvent) -> Bool) async -> SMPPSessionEvent? {
        for await event in client.sessionEvents where predicate(event) { return event }
        return nil
    }

    /// Waits until `count` bound events have been seen.
    func waitForBound(_ count: Int) async {
        var bound = 0
        for await event in client.sessionEvents {
            if case .bound = event { bound += 1 }
            if bound >= count { return }
        }
    }

    /// A submit_sm whose text names it: "msg <index>".
    static func message(_ index: Int, registeredDelivery: UInt8 = 0) -> SubmitSM {
        SubmitSM(source: Address(ton: 5, npi: 0, address: "ACME"),
                 destination: Address(ton: 1, npi: 1, address: "573\(String(format: "%09d", index))"),
                 registeredDelivery: registeredDelivery, shortMessage: Array("msg \(index)".utf8))
    }

    /// Submits `count` messages concurrently and returns each one's outcome by index.
    func submitAll(_ count: Int, registeredDelivery: UInt8 = 0) async -> [Int: Result<SubmitOutcome, SMPPClientError>] {
        await withTaskGroup(of: (Int, Result<SubmitOutcome, SMPPClientError>).self) { tasks in
            for index in 0..<count {
                tasks.addTask {
                    (index, await submitResult(client, Loopback.message(index, registeredDelivery: registeredDelivery)))
                }
            }
            var all: [Int: Result<SubmitOutcome, SMPPClientError>] = [:]
            for await (index, result) in tasks {
                #expect(all[index] == nil, "submit \(index) completed twice")
                all[index] = result
            }
            return all
        }
    }

    /// Every submit has exactly one outcome, and each accepted one is in the simulator's record once, with the
    /// same message_id, destination and text.
    func expectRecordsMatch(_ outcomes: [Int: Result<SubmitOutcome, SMPPClientError>], count: Int) {
        #expect(outcomes.count == count)
        let records = simulator.records()
        var byID: [String: SubmitRecord] = [:]
        for record in records {
            #expect(byID[record.messageID] == nil, "message_id \(record.messageID) recorded twice")
            byID[record.messageID] = record
        }
        for (index, result) in outcomes {
            guard case .success(let outcome) = result, outcome.commandStatus == .ok else { continue }
            guard let record = byID[outcome.messageID] else {
                Issue.record("accepted submit \(index) (\(outcome.messageID)) is not in the simulator's record")
                continue
            }
            let expected = Loopback.message(index)
            #expect(record.payload == expected.shortMessage)
            #expect(record.destinationAddress == expected.destination.address)
            #expect(record.sourceAddress == "ACME")
        }
        let accepted = outcomes.values.filter { (try? $0.get().commandStatus) == .ok }.count
        // Unanswered or malformed answers may still be recorded by the SMSC: the outcome is unknown, not lost.
        #expect(records.count >= accepted)
        #expect(records.count <= count)
    }
}

extension Result where Failure == SMPPClientError {
    var errorCode: SMPPClientError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
