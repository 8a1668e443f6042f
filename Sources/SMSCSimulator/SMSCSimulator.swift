public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import NIOPosix
import NIOSSL
public import SMPP

/// A real SMSC on a socket, for tests, benchmarks and demos: plain and TLS listeners, accounts with session
/// limits, submit_sm accepted with unique ids and recorded, delivery receipts and MO traffic on RX/TRX
/// sessions, and every fault of `SimulatorFaults`.
///
/// ```swift
/// let simulator = SMSCSimulator(configuration: config, group: MultiThreadedEventLoopGroup.singleton)
/// let (plain, tls) = try await simulator.start()   // port 0 → ephemeral ports, reported here
/// …
/// await simulator.stop()
/// ```
public final class SMSCSimulator: Sendable {
    /// What the simulator was created with.
    public let configuration: SMSCSimulatorConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let running = NIOLockedValueBox<Running?>(nil)
    /// The core of the latest run, kept after `stop()` so counters and records stay readable.
    private let lastCore = NIOLockedValueBox<SimulatorCore?>(nil)

    private struct Running {
        var core: SimulatorCore
        var listeners: [any Channel]
        var connections: ConnectionSet
        var moTask: RepeatedTask?
    }

    /// Creates a stopped simulator; `start()` validates the configuration and opens the listeners.
    public init(configuration: SMSCSimulatorConfiguration, group: any EventLoopGroup,
                logger: Logger = Logger(label: "smsc-sim")) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
    }

    /// Opens the listeners and starts MO generation. Returns the bound addresses (with the real ports when 0
    /// was configured), nil for a listener that is not configured.
    /// - Throws: `SimulatorConfigurationError` for an invalid configuration; NIO and NIOSSL errors when a
    ///   listener cannot bind or the certificate or key cannot be read; `RecordWriterError` for `recordPath`.
    public func start() async throws -> (plain: SocketAddress?, tls: SocketAddress?) {
        try configuration.validate()
        if running.withLockedValue({ $0 != nil }) {
            throw SimulatorConfigurationError(
                code: .inconsistent, option: "start", value: "", reason: "the simulator is already running")
        }
        let writer = try configuration.recordPath.map { path throws(RecordWriterError) in try RecordWriter(path: path) }
        let core = SimulatorCore(configuration: configuration, loop: group.any(), logger: logger, recordWriter: writer)
        let connections = ConnectionSet()
        var listeners: [any Channel] = []
        var addresses: (plain: SocketAddress?, tls: SocketAddress?) = (nil, nil)
        do {
            if let plain = configuration.plainListen {
                let channel = try await listen(plain, tls: nil, core: core, connections: connections)
                listeners.append(channel)
                addresses.plain = channel.localAddress
            }
            if let tls = configuration.tlsListen, let cert = configuration.tlsCertificatePath,
               let key = configuration.tlsPrivateKeyPath {
                var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
                tlsConfiguration.minimumTLSVersion = .tlsv12
                if let clientCA = configuration.tlsClientCAPath {
                    tlsConfiguration.trustRoots = .file(clientCA)
                    tlsConfiguration.certificateVerification = .noHostnameVerification
                }
                let context = try NIOSSLContext(configuration: tlsConfiguration)
                let channel = try await listen(tls, tls: context, core: core, connections: connections)
                listeners.append(channel)
                addresses.tls = channel.localAddress
            }
        } catch {
            for channel in listeners { try? await channel.close() }
            await writer?.close()
            throw error
        }
        var moTask: RepeatedTask?
        if configuration.moRatePerSecond > 0 {
            let interval = TimeAmount.nanoseconds(max(1, Int64(1_000_000_000 / configuration.moRatePerSecond)))
            moTask = core.loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in core.generateMO() }
        }
        lastCore.withLockedValue { $0 = core }
        running.withLockedValue { $0 = Running(core: core, listeners: listeners, connections: connections, moTask: moTask) }
        logger.info("listening", metadata: [
            "plain": "\(addresses.plain.map { "\($0)" } ?? "-")", "tls": "\(addresses.tls.map { "\($0)" } ?? "-")"])
        return addresses
    }

    private func listen(_ address: ListenAddress, tls: NIOSSLContext?, core: SimulatorCore,
                        connections: ConnectionSet) async throws -> any Channel {
        let maxLength = configuration.maxPDULength
        let logger = self.logger
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                connections.insert(channel)
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls { try sync.addHandler(NIOSSLServerHandler(context: tls)) }
                    try sync.addHandler(ByteToMessageHandler(SMPPFrameDecoder(maximumLength: maxLength)))
                    try sync.addHandler(SMSCSessionHandler(core: core, logger: logger))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
    }

    /// Closes the listeners and every connection (without unbind), stops MO and receipts, and flushes the
    /// record file. Idempotent.
    public func stop() async {
        guard let current = running.withLockedValue({ state -> Running? in defer { state = nil }; return state }) else {
            return
        }
        current.moTask?.cancel()
        current.core.stop()
        for channel in current.listeners { try? await channel.close() }
        for channel in current.connections.all() { try? await channel.close() }
        await current.core.recordWriter?.close()
        if let errno = current.core.recordWriter?.writeError {
            logger.error("record file incomplete: a write failed", metadata: ["errno": "\(errno)"])
        }
        logger.info("stopped", metadata: ["counters": "\(current.core.counters)"])
    }

    /// Runs the simulator until the calling task is cancelled, then stops it (the shape of a swift-service-lifecycle
    /// `Service.run()`, so a ServiceGroup can own it). `onStart` gets the bound addresses.
    public func run(onStart: @Sendable ((plain: SocketAddress?, tls: SocketAddress?)) -> Void = { _ in }) async throws {
        let addresses = try await start()
        onStart(addresses)
        let stopped = group.any().makePromise(of: Void.self)
        await withTaskCancellationHandler {
            try? await stopped.futureResult.get()
        } onCancel: {
            stopped.succeed()
        }
        await stop()
    }

    /// What the simulator has done so far (all zero before `start()`; the final values after `stop()`).
    public var counters: SimulatorCounters {
        lastCore.withLockedValue { $0?.counters } ?? SimulatorCounters()
    }

    /// How many sessions of account `systemID` are bound right now (0 before `start()`).
    public func boundSessions(systemID: String) -> Int {
        lastCore.withLockedValue { $0?.boundSessions(of: systemID) } ?? 0
    }

    /// The errno of the record file's first failed write, if any (still readable after `stop()`): the file then lacks
    /// records, and a count made from it is wrong.
    public var recordWriteError: Int32? {
        lastCore.withLockedValue { $0?.recordWriter?.writeError }
    }

    /// Every accepted submit_sm/data_sm so far, in acceptance order (still readable after `stop()`).
    public func records() -> [SubmitRecord] {
        lastCore.withLockedValue { $0?.records } ?? []
    }

    /// Queues an MO deliver_sm for a bound RX/TRX session of `account` (nil = any account), delivered, retried
    /// and counted like generated MO.
    public func injectMO(_ message: DeliverSM, account: String? = nil) {
        running.withLockedValue { $0?.core }?.enqueue(message, account: account, isReceipt: false)
    }

    /// Generates one MO message now, as `moRatePerSecond` does (a long one is sent as parts out of order).
    public func generateMO() {
        running.withLockedValue { $0?.core }?.generateMO()
    }

    /// Waits until `condition` holds for the counters; false when `timeout` passes first or the simulator stops.
    public func waitForCounters(timeout: TimeAmount = .seconds(10),
                                until condition: @escaping @Sendable (SimulatorCounters) -> Bool) async -> Bool {
        guard let core = running.withLockedValue({ $0?.core }) else { return false }
        return (try? await core.wait(until: condition, timeout: timeout).get()) ?? false
    }

    /// Waits until every record accepted so far is written to the record file.
    public func flushRecords() async {
        await running.withLockedValue { $0?.core.recordWriter }?.flush()
    }
}

/// The open connections of a simulator, so `stop()` can close them.
final class ConnectionSet: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    func insert(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLockedValue { $0[key] = channel }
        channel.closeFuture.whenComplete { [channels] _ in channels.withLockedValue { $0[key] = nil } }
    }

    func all() -> [any Channel] { channels.withLockedValue { Array($0.values) } }
}
