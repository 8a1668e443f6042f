import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import SMPP
import SMPPNIO
import SMSCSimulator
import ServiceLifecycle
import Synchronization

/// `smpp-bench session`: submit_sm throughput and latency of SMPPClient against an SMSC: the simulator started
/// in-process over TLS when no `--host` is given, or any SMSC. Prints one JSON line.
struct SessionBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "SMPP session throughput: msg/s, client CPU µs per message, latency percentiles (one JSON line)."
    )

    @Option(help: "SMSC host; without it the simulator runs in-process on 127.0.0.1 over TLS.")
    var host: String?
    @Option(help: "SMSC port (with --host).")
    var port: Int = 2775
    @Flag(help: "Use TLS to --host (the in-process simulator always uses TLS unless --sim-plain).")
    var tls = false
    @Option(help: "CA file to verify the SMSC (default for the in-process simulator: Tests/Certificates/ca.pem).")
    var caFile: String?
    @Option(help: "system_id.")
    var systemID = "bench"
    @Option(help: "password.")
    var password = "bench"
    @Option(help: "Bind type: trx or tx.")
    var bind = "trx"
    @Option(help: "Sessions.")
    var sessions = 1
    @Option(help: "Window per session.")
    var window = 10
    @Option(help: "Upper bound on messages.")
    var count = 20_000
    @Option(help: "Upper bound on seconds of submitting.")
    var duration: Double = 10
    @Option(help: "In-process simulator: fixed response latency in milliseconds.")
    var simLatencyMs: Int64 = 0
    @Flag(help: "In-process simulator: plain TCP instead of TLS.")
    var simPlain = false
    @Option(help: "In-process simulator certificate and key (PEM).")
    var simCert = "Tests/Certificates/server.pem"
    @Option(help: "In-process simulator private key (PEM).")
    var simKey = "Tests/Certificates/server.key"

    struct Report: Encodable {
        var benchmark = "session"
        var tls: Bool
        var sessions: Int
        var window: Int
        var simLatencyMs: Int64?
        var messages: Int
        var accepted: Int
        var failed: Int
        var seconds: Double
        var messagesPerSecond: Double
        var clientCPUMicrosecondsPerMessage: Double
        var processCPUMicrosecondsPerMessage: Double
        var latencyMilliseconds: [String: Double]

        enum CodingKeys: String, CodingKey {
            case benchmark, tls, sessions, window, messages, accepted, failed, seconds
            case simLatencyMs = "sim_latency_ms", messagesPerSecond = "msg_per_s"
            case clientCPUMicrosecondsPerMessage = "client_cpu_us_per_msg"
            case processCPUMicrosecondsPerMessage = "process_cpu_us_per_msg"
            case latencyMilliseconds = "latency_ms"
        }
    }

    func run() async throws {
        try printJSONLine(try await sessionReport())
    }

    /// Starts the simulator (unless `--host`), binds, submits within the bounds, shuts down, and returns the figures.
    func sessionReport() async throws -> Report {
        var logger = Logger(label: "smpp-bench")
        logger.logLevel = .warning
        let simulatorGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: max(1, min(sessions, System.coreCount)))
        var simulator: SMSCSimulator?
        var configuration: SMPPClientConfiguration
        var useTLS = tls
        if let host {
            configuration = SMPPClientConfiguration(host: host, port: port, systemID: systemID, password: password)
            configuration.tls.caFile = caFile
        } else {
            useTLS = !simPlain
            var simulatorConfiguration = SMSCSimulatorConfiguration(
                accounts: [SimulatorAccount(systemID: systemID, password: password, maxSessions: max(1, sessions))])
            if useTLS {
                simulatorConfiguration.plainListen = nil
                simulatorConfiguration.tlsListen = ListenAddress(host: "127.0.0.1", port: 0)
                simulatorConfiguration.tlsCertificatePath = simCert
                simulatorConfiguration.tlsPrivateKeyPath = simKey
            }
            simulatorConfiguration.keepRecordsInMemory = false
            simulatorConfiguration.faults.latency = simLatencyMs > 0 ? .fixed(milliseconds: simLatencyMs) : .none
            let started = SMSCSimulator(configuration: simulatorConfiguration, group: simulatorGroup, logger: logger)
            let addresses = try await started.start()
            simulator = started
            let simulatorPort = addresses.tls?.port ?? addresses.plain?.port ?? 0
            configuration = SMPPClientConfiguration(host: "127.0.0.1", port: simulatorPort, systemID: systemID,
                                                    password: password)
            configuration.tls.caFile = caFile ?? "Tests/Certificates/ca.pem"
        }
        configuration.tls.enabled = useTLS
        configuration.sessions = sessions
        configuration.window = window
        configuration.bindType = bind == "tx" ? .transmitter : .transceiver
        let simulatorThreads = simulator == nil ? [] : try await CPUUsage.threadIDs(of: simulatorGroup)

        let client = SMPPClient(configuration: configuration, eventLoopGroup: clientGroup, logger: logger)
        let group = ServiceGroup(services: [client], logger: logger)
        let running = Task { try await group.run() }
        var bound = 0
        for await event in client.sessionEvents {
            if case .bound = event { bound += 1 }
            if bound >= sessions { break }
        }

        let report = try await measure(client: client, simulatorThreads: simulatorThreads, useTLS: useTLS)
        await group.triggerGracefulShutdown()
        try await running.value
        await simulator?.stop()
        try await clientGroup.shutdownGracefully()
        try await simulatorGroup.shutdownGracefully()
        return report
    }

    private func measure(client: SMPPClient, simulatorThreads: [Int32], useTLS: Bool) async throws -> Report {
        let issued = IssueCounter()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(duration * 1000)))
        let submitters = max(1, sessions * window * 2)
        let count = self.count
        let cpuStart = CPUUsage.processMicroseconds()
        let simulatorStart = simulatorThreads.reduce(0) { $0 + CPUUsage.threadMicroseconds($1) }
        let start = clock.now
        let (latencies, failed) = await withTaskGroup(of: ([Int64], Int).self) { tasks in
            for _ in 0..<submitters {
                tasks.addTask {
                    var latencies: [Int64] = []
                    var failed = 0
                    while issued.next() <= count, clock.now < deadline {
                        let submit = SubmitSM(source: Address(ton: 5, npi: 0, address: "BENCH"),
                                              destination: Address(ton: 1, npi: 1, address: "573001234567"),
                                              shortMessage: Array("benchmark message".utf8))
                        do throws(SMPPClientError) {
                            let outcome = try await client.submit(submit)
                            if outcome.commandStatus == .ok { latencies.append(outcome.latency.nanoseconds) } else { failed += 1 }
                        } catch {
                            failed += 1
                        }
                    }
                    return (latencies, failed)
                }
            }
            var all: [Int64] = []
            var failed = 0
            for await (part, partFailed) in tasks {
                all += part
                failed += partFailed
            }
            return (all, failed)
        }
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let processCPU = Double(CPUUsage.processMicroseconds() - cpuStart)
        let simulatorCPU = Double(simulatorThreads.reduce(0) { $0 + CPUUsage.threadMicroseconds($1) } - simulatorStart)
        let messages = latencies.count + failed
        let sorted = latencies.sorted()
        func milliseconds(_ fraction: Double) -> Double {
            (Double(percentile(sorted, fraction) ?? 0) / 1e4).rounded() / 100
        }
        let perMessage = { (value: Double) in messages > 0 ? (value / Double(messages) * 10).rounded() / 10 : 0 }
        return Report(
            tls: useTLS, sessions: sessions, window: window, simLatencyMs: host == nil ? simLatencyMs : nil,
            messages: messages, accepted: latencies.count, failed: failed, seconds: (seconds * 1000).rounded() / 1000,
            messagesPerSecond: seconds > 0 ? (Double(messages) / seconds).rounded() : 0,
            clientCPUMicrosecondsPerMessage: perMessage(max(0, processCPU - simulatorCPU)),
            processCPUMicrosecondsPerMessage: perMessage(processCPU),
            latencyMilliseconds: ["p50": milliseconds(0.5), "p90": milliseconds(0.9), "p99": milliseconds(0.99),
                                  "max": milliseconds(1.0)])
    }
}

/// Hands out message numbers to the concurrent submitters.
final class IssueCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// The next number, from 1.
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}
