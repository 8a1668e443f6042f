import ArgumentParser
import BridgeCore
import Logging
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// `smpp-bridge run`: the service (DESIGN §1.5).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bridge: consume send requests, submit them over SMPP, publish results, receipts and MO.",
        discussion: """
            Configuration as for check-config. SIGTERM or SIGINT stops it gracefully (no new deliveries, requests \
            in flight finished or handed back, sessions unbound, confirms awaited); after 60 s, or at a second \
            signal, it is cancelled (requests in flight handed back at once; exit status 128 + the signal). \
            Exits non-zero with a one-line reason when the configuration is bad or the store or broker cannot be \
            used at start.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration: BridgeConfiguration
        do {
            configuration = try await options.load()
        } catch {
            throw exitWithProblems(error)
        }
        LoggingBootstrap.bootstrap(configuration.log)
        var logger = Logger(label: "smpp-bridge")
        logger[metadataKey: "instance"] = "\(configuration.cluster.instanceID)"
        let metrics = BridgeMetricsSetup()
        metrics.bootstrapGlobal()
        let bridge = Bridge(
            configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            metricsSetup: metrics, logger: logger)
        let groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: bridge)], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [],
            logger: logger)
        // A graceful shutdown that takes longer than 60 s, or a second signal, cancels the group (requests still in
        // flight are handed back at once) and the exit status is 128 + the signal: SecondSignal does both, since
        // ServiceGroup refuses a signal in both of its lists and its own time limit would end with status 0.
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await SecondSignal.escalating(logger: logger) { try await group.run() }
        } catch let error as BridgeStartError {
            logger.critical("cannot start", metadata: ["reason": "\(error.description)"])
            throw ExitCode(1)
        }
    }
}
