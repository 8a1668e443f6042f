import ArgumentParser
import Dispatch
import Logging
import NIOCore
import NIOPosix
import SMSCSimulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `smsc-sim`: the bundled SMSC simulator (DESIGN §1.5). Runs until SIGINT or SIGTERM, then prints its counters
/// and exits 0.
@main
struct SMSCSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smsc-sim",
        abstract: "An SMPP 3.4 SMSC simulator with accounts, delivery receipts, MO traffic and fault injection.",
        discussion: """
            Listeners: without --tls-cert, --listen is a plain TCP listener and --tls-listen is refused. With \
            --tls-cert and --tls-key and no --tls-listen, --listen is a TLS listener (TLS 1.2 or later) and there is \
            no plain one. With --tls-cert, --tls-key and --tls-listen, --listen stays plain and --tls-listen is TLS. \
            Port 0 picks a free port; the line "smsc-sim listening plain=… tls=…" on stdout gives the real ones.

            Receipts go to the account's bound RX/TRX sessions (round robin) as deliver_sm with esm_class 0x04, the \
            Appendix B text, and the TLVs receipted_message_id, message_state and (for failures) network_error_code. \
            A deliver_sm answered ESME_RX_T_APPN, or not answered, is delivered again after --redelivery-delay; one \
            answered ESME_RX_P_APPN, ESME_RX_R_APPN or another error is dropped.

            Counters are printed on exit and every --stats-interval seconds, as one "smsc-sim stats …" line.
            """)

    @Option(help: ArgumentHelp("Listen address HOST:PORT (plain, or TLS when --tls-cert is given without --tls-listen).", valueName: "HOST:PORT"))
    var listen: String = "127.0.0.1:2775"
    @Option(name: .customLong("tls-listen"), help: ArgumentHelp("TLS listen address HOST:PORT (needs --tls-cert and --tls-key).", valueName: "HOST:PORT"))
    var tlsListen: String?
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM server certificate (chain).", valueName: "FILE"))
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of the server certificate.", valueName: "FILE"))
    var tlsKey: String?
    @Option(name: .customLong("tls-client-ca"), help: ArgumentHelp("Require TLS client certificates issued by this CA (PEM).", valueName: "FILE"))
    var tlsClientCA: String?
    @Option(help: ArgumentHelp("An account SYSTEM_ID:PASSWORD[:MAX_SESSIONS] (repeatable; MAX_SESSIONS defaults to 10).", valueName: "SYSTEM_ID:PASSWORD[:MAX_SESSIONS]"))
    var account: [String] = []
    @Option(name: .customLong("session-limit-status"), help: ArgumentHelp("Answer to a bind over the session limit: ralybnd (ESME_RALYBND) or rbindfail (ESME_RBINDFAIL).", valueName: "ralybnd|rbindfail"))
    var sessionLimitStatus: String = "ralybnd"
    @Option(name: .customLong("system-id"), help: ArgumentHelp("The simulator's system_id in bind responses.", valueName: "ID"))
    var systemID: String = "SMSCSIM"
    @Option(name: .customLong("enquire-link-interval"), help: ArgumentHelp("Send enquire_link on every bound session every S seconds (default: never).", valueName: "S"))
    var enquireLinkInterval: Double?
    @Option(name: .customLong("session-init-timeout"), help: ArgumentHelp("Close connections not bound within MS milliseconds.", valueName: "MS"))
    var sessionInitTimeout: Int64 = 10_000

    @Option(name: .customLong("dlr-delay"), help: ArgumentHelp("Milliseconds from submit_sm to its (first) receipt.", valueName: "MS"))
    var dlrDelay: Int64 = 100
    @Option(name: .customLong("dlr-final-delay"), help: ArgumentHelp("Milliseconds from an ENROUTE receipt to the final one.", valueName: "MS"))
    var dlrFinalDelay: Int64 = 100
    @Option(name: .customLong("dlr-outcomes"), help: ArgumentHelp("Outcome weights, e.g. DELIVRD=90,UNDELIV=10; also EXPIRED, REJECTD, DELETED, UNKNOWN, ACCEPTD, ENROUTE (then DELIVRD), ENROUTE+STAT.", valueName: "STAT=WEIGHT,…"))
    var dlrOutcomes: String = "DELIVRD=100"
    @Flag(name: .customLong("dlr-always"), help: "Send receipts even when registered_delivery does not ask for them.")
    var dlrAlways = false
    @Option(name: .customLong("message-id-format"), help: ArgumentHelp("Message ids in submit_sm_resp: hex or dec.", valueName: "hex|dec"))
    var messageIDFormat: String = "hex"
    @Option(name: .customLong("receipt-id-format"), help: ArgumentHelp("Message ids inside receipts: hex or dec (default: as --message-id-format).", valueName: "hex|dec"))
    var receiptIDFormat: String?
    @Option(name: .customLong("message-id-start"), help: ArgumentHelp("The first message id (default: random).", valueName: "N"))
    var messageIDStart: UInt64?
    @Option(name: .customLong("redelivery-delay"), help: ArgumentHelp("Milliseconds before a deliver_sm answered ESME_RX_T_APPN (or unanswered) is sent again.", valueName: "MS"))
    var redeliveryDelay: Int64 = 1_000

    @Option(help: ArgumentHelp("Response latency in milliseconds (fixed; the minimum when --latency-max is given).", valueName: "MS"))
    var latency: Int64?
    @Option(name: .customLong("latency-max"), help: ArgumentHelp("Maximum latency: responses wait uniformly between --latency (or 0) and this.", valueName: "MS"))
    var latencyMax: Int64?
    @Option(name: .customLong("throttle-rate"), help: ArgumentHelp("Fraction of submit_sm answered ESME_RTHROTTLED.", valueName: "F"))
    var throttleRate: Double = 0
    @Option(name: .customLong("queue-full-rate"), help: ArgumentHelp("Fraction of submit_sm answered ESME_RMSGQFUL.", valueName: "F"))
    var queueFullRate: Double = 0
    @Option(name: .customLong("no-response-rate"), help: ArgumentHelp("Fraction of submit_sm never answered.", valueName: "F"))
    var noResponseRate: Double = 0
    @Option(name: .customLong("accept-without-response-rate"), help: ArgumentHelp("Fraction of submit_sm taken (recorded, receipts sent) but never answered: a lost submit_sm_resp.", valueName: "F"))
    var acceptWithoutResponseRate: Double = 0
    @Option(name: .customLong("generic-nack-rate"), help: ArgumentHelp("Fraction of submit_sm answered generic_nack ESME_RSYSERR.", valueName: "F"))
    var genericNackRate: Double = 0
    @Option(name: .customLong("malformed-rate"), help: ArgumentHelp("Fraction of submit_sm answered with a malformed submit_sm_resp (message_id without its NUL).", valueName: "F"))
    var malformedRate: Double = 0
    @Option(name: .customLong("drop-after"), help: ArgumentHelp("Handle the first N PDUs of each connection, then close it when PDU N+1 arrives (unanswered).", valueName: "N"))
    var dropAfter: Int?
    @Option(name: .customLong("drop-rate"), help: ArgumentHelp("Fraction of received PDUs on which the connection is closed instead of answered.", valueName: "F"))
    var dropRate: Double = 0
    @Option(name: .customLong("refuse-binds"), help: ArgumentHelp("Refuse the first N bind requests (all connections together) with ESME_RBINDFAIL.", valueName: "N"))
    var refuseBinds: Int = 0
    @Option(name: .customLong("receipt-before-response-rate"), help: ArgumentHelp("Fraction of accepted submit_sm on a transceiver session whose first receipt is sent before the submit_sm_resp.", valueName: "F"))
    var receiptBeforeResponseRate: Double = 0
    @Flag(name: .customLong("ignore-enquire-link"), help: "Never answer enquire_link.")
    var ignoreEnquireLink = false
    @Option(name: .customLong("send-unbind-after"), help: ArgumentHelp("Send unbind S seconds after each successful bind.", valueName: "S"))
    var sendUnbindAfter: Double?

    @Option(name: .customLong("mo-rate"), help: ArgumentHelp("MO messages per second over the bound RX/TRX sessions (0 = none).", valueName: "PER_S"))
    var moRate: Double = 0
    @Option(name: .customLong("mo-long-fraction"), help: ArgumentHelp("Fraction of MO messages that are long (2–4 parts, sent out of order).", valueName: "F"))
    var moLongFraction: Double = 0.25
    @Option(name: .customLong("mo-source"), help: ArgumentHelp("MO source_addr (TON 1, NPI 1).", valueName: "ADDR"))
    var moSource: String = "573001234567"
    @Option(name: .customLong("mo-destination"), help: ArgumentHelp("MO destination_addr (TON 3, NPI 0).", valueName: "ADDR"))
    var moDestination: String = "12345"

    @Option(help: ArgumentHelp("Write one JSON line per accepted submit_sm to FILE (created or truncated).", valueName: "FILE"))
    var record: String?
    @Option(help: ArgumentHelp("Seed for every random choice (outcomes, faults, MO).", valueName: "N"))
    var seed: UInt64?
    @Option(name: .customLong("stats-interval"), help: ArgumentHelp("Print the counters every S seconds (0 = only on exit).", valueName: "S"))
    var statsInterval: Double = 0
    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "LEVEL"))
    var logLevel: String = "info"

    func run() async throws {
        let configuration: SMSCSimulatorConfiguration
        let statsMilliseconds: Int64
        do {
            configuration = try makeConfiguration()
            try configuration.validate()
            statsMilliseconds = try Self.milliseconds(statsInterval, option: "--stats-interval")
        } catch {
            throw ValidationError(error.description)
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let simulator = SMSCSimulator(configuration: configuration, group: MultiThreadedEventLoopGroup.singleton,
                                      logger: Logger(label: "smsc-sim"))
        let (plain, tls) = try await simulator.start()
        emit("smsc-sim listening plain=\(plain.map(describe) ?? "-") tls=\(tls.map(describe) ?? "-")")
        let stats: Task<Void, Never>? = statsMilliseconds > 0 ? Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(statsMilliseconds))
                if Task.isCancelled { break }
                emit("smsc-sim stats \(simulator.counters)")
            }
        } : nil
        let signal = await waitForTerminationSignal()
        stats?.cancel()
        await simulator.stop()
        emit("smsc-sim stopped on \(signal) \(simulator.finalCountersLine)")
        if let errno = simulator.recordWriteError {
            emit("smsc-sim: the record file is incomplete: a write failed (errno \(errno))")
            throw ExitCode(1)
        }
    }

    private func describe(_ address: SocketAddress) -> String {
        "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    }
}

extension SMSCSimulator {
    /// The counters line printed on exit.
    fileprivate var finalCountersLine: String { "stats \(counters)" }
}

/// Suspends until SIGINT or SIGTERM arrives; returns its name.
private func waitForTerminationSignal() async -> String {
    await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
        let queue = DispatchQueue(label: "smsc-sim.signals")
        let once = SignalOnce(continuation)
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { once.resume(name) }
            source.resume()
            once.keep(source)
        }
    }
}

/// Resumes the continuation for the first signal only (runs on one serial queue).
private final class SignalOnce: @unchecked Sendable {
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }

    func keep(_ source: any DispatchSourceSignal) { sources.append(source) }

    func resume(_ name: String) {
        continuation?.resume(returning: name)
        continuation = nil
    }
}

/// Writes one line to stdout unbuffered, so scripts reading a pipe see it at once.
private func emit(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        guard written > 0 else { return }
        offset += written
    }
}
