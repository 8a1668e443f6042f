public import Logging
public import NIOCore
import NIOConcurrencyHelpers
public import RabbitMQ
import SMPP
import SMPPNIO
public import ServiceLifecycle

/// The service `smpp-bridge run` runs (DESIGN §2): the store, the broker connections, the SMPP sessions and the
/// HTTP endpoint, joined by the outbound and inbound pipelines.
///
/// Graceful shutdown follows DESIGN §3: stop taking deliveries, let requests in flight finish (bounded by
/// ``drainTimeout``; what is left is handed back to the queue), then shut the SMPP sessions down (held inbound
/// messages answered, unbind), wait for the last confirms, close the store. Cancellation hands everything back.
public final class Bridge: Service, Sendable {
    /// The configuration it runs with.
    public let configuration: BridgeConfiguration
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    let metricsSetup: BridgeMetricsSetup
    /// How long in-flight requests may take to finish at shutdown before they are handed back.
    public let drainTimeout: Duration
    let status = NIOLockedValueBox(BridgeStatus())
    /// Tests only: see `OutboundProcessor.faultHook`.
    let outboundFaultHook: (@Sendable (IncomingRequest) async -> Settlement?)?

    /// Creates the service; nothing connects until `run()`.
    public convenience init(
        configuration: BridgeConfiguration, eventLoopGroup: any EventLoopGroup, metricsSetup: BridgeMetricsSetup,
        logger: Logger, drainTimeout: Duration = .seconds(20)
    ) {
        self.init(
            configuration: configuration, eventLoopGroup: eventLoopGroup, metricsSetup: metricsSetup, logger: logger,
            drainTimeout: drainTimeout, outboundFaultHook: nil)
    }

    init(
        configuration: BridgeConfiguration, eventLoopGroup: any EventLoopGroup, metricsSetup: BridgeMetricsSetup,
        logger: Logger, drainTimeout: Duration, outboundFaultHook: (@Sendable (IncomingRequest) async -> Settlement?)?
    ) {
        self.outboundFaultHook = outboundFaultHook
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.metricsSetup = metricsSetup
        self.logger = logger
        self.drainTimeout = drainTimeout
    }

    /// What `/readyz` reports: broker connected and consuming, at least one session bound, store open.
    public func readiness() -> [ReadinessCheck] {
        status.withLockedValue { $0.checks() }
    }

    /// The broker nodes the consumer and the publisher are connected to right now (nil while not connected, or
    /// before start).
    public var brokerNodes: (consumer: AMQPAddress?, publisher: AMQPAddress?) {
        status.withLockedValue { ($0.parts?.consumer.connectedNode, $0.parts?.publisher.connectedNode) }
    }

    /// Where the store is, for the log: the PostgreSQL URL without its password, else the SQLite path.
    static func storeDescription(_ store: StoreSettings) -> String {
        guard let url = store.url else { return store.path }
        return (try? PostgresStoreURL(parsing: url)).map { "\($0)" } ?? "postgres (unparsable store.url)"
    }

    /// Runs until graceful shutdown or cancellation. Throws when the store cannot be opened, the broker cannot be
    /// reached at start, or its topology cannot be declared (each a one-line reason).
    public func run() async throws {
        let parts = try await start()
        logger.info("bridge running", metadata: [
            "queue": "\(configuration.broker.queue)", "sessions": "\(configuration.smpp.sessions)",
            "window": "\(configuration.smpp.window)", "prefetch": "\(parts.prefetch)",
            "store": "\(Self.storeDescription(configuration.store))",
        ])
        let shutdown = AsyncStream.makeStream(of: Void.self)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await self.runParts(parts, shutdownSignal: shutdown.stream, requestShutdown: {
                    shutdown.continuation.yield()
                    shutdown.continuation.finish()
                })
            } onGracefulShutdown: {
                shutdown.continuation.yield()
                shutdown.continuation.finish()
            }
        } onCancel: {
            shutdown.continuation.finish()
        }
        logger.info("bridge stopped")
    }
}

/// What readiness is computed from: the running parts (their connections and sessions are read live on each
/// `/readyz`) and whether the bridge still consumes.
struct BridgeStatus: Sendable {
    var parts: BridgeParts?
    var consuming = false

    func checks() -> [ReadinessCheck] {
        let publisherConnected = parts?.publisher.isConnected ?? false
        let consumerConnected = parts?.consumer.isConnected ?? false
        // The node each connection is on: with a cluster, which one to look at when something is wrong.
        let publisherNode = parts?.publisher.connectedNode.map { " to \($0)" } ?? ""
        let consumerNode = parts?.consumer.connectedNode.map { " from \($0)" } ?? ""
        return [
            Self.storeCheck(open: parts != nil, health: parts?.store.health?.snapshot),
            ReadinessCheck(name: "broker_publisher", ok: publisherConnected,
                           detail: publisherConnected ? "connected\(publisherNode)" : "not connected"),
            ReadinessCheck(name: "broker_consumer", ok: consumerConnected && consuming,
                           detail: consuming ? (consumerConnected ? "consuming\(consumerNode)" : "reconnecting") : "not consuming"),
            Self.sessionsCheck(
                bindType: parts?.client.configuration.bindType ?? .transceiver,
                bound: parts?.client.boundSessionCount ?? 0,
                submitting: parts?.client.boundSubmittingSessionCount ?? 0),
        ] + clusterChecks()
    }

    /// The `store` check: ready while the store is open and its last transaction or read went through; while they
    /// fail, since when, how many and the last error.
    static func storeCheck(open: Bool, health: StoreHealth.Snapshot?) -> ReadinessCheck {
        guard open else { return ReadinessCheck(name: "store", ok: false, detail: "closed") }
        guard let health, let since = health.failingSince else { return ReadinessCheck(name: "store", ok: true, detail: "open") }
        let error = truncatedForEcho(health.lastError ?? "", to: 200)
        let detail = "failing since \(RFC3339.format(since)) (\(health.consecutiveFailures) failures): \(error)"
        return ReadinessCheck(name: "store", ok: false, detail: detail)
    }

    /// The `smpp_sessions` check: ready while a session that can submit is bound (a receiver alone takes no
    /// request: with `tx+rx`, a bound receiver beside refused transmitters is not ready); with `rx` binds, while a
    /// receiver is bound.
    static func sessionsCheck(
        bindType: SMPPClientConfiguration.BindType, bound: Int, submitting: Int
    ) -> ReadinessCheck {
        let ok = bindType == .receiver ? bound > 0 : submitting > 0
        let split = bindType == .transmitterAndReceiver
            ? " (\(submitting) transmitters, \(bound - submitting) receivers)" : ""
        return ReadinessCheck(name: "smpp_sessions", ok: ok, detail: "\(bound) bound\(split)")
    }

    /// The held slots whose sessions submit: every one, except the receiver halves (odd slots) of tx+rx pairs.
    static func submittingSlots(_ held: [Int], bindType: SMPPClientConfiguration.BindType) -> [Int] {
        held.filter { slot in bindType != .transmitterAndReceiver || slot % 2 == 0 }
    }

    /// With the session budget: ready only while this instance holds a slot able to submit.
    func clusterChecks() -> [ReadinessCheck] {
        guard let parts, let gate = parts.gate else { return [] }
        return [Self.clusterCheck(gate.status, configuration: parts.client.configuration)]
    }

    /// The `cluster_slots` check: which slots this instance holds, or why it holds none that can submit.
    static func clusterCheck(_ status: ClusterSlotGate.Status, configuration: SMPPClientConfiguration) -> ReadinessCheck {
        let submitting = submittingSlots(status.heldSlots, bindType: configuration.bindType)
        let held = "holds \(status.heldSlots.count) of \(status.total) session slots"
            + (status.heldSlots.isEmpty ? "" : " (\(status.heldSlots.map(String.init).joined(separator: ", ")))")
        if !submitting.isEmpty {
            return ReadinessCheck(name: "cluster_slots", ok: true, detail: held)
        }
        let why: String
        if let error = status.lastError {
            why = error
        } else if let live = status.liveInstances {
            why = "every slot able to submit is held by the other instances (\(live) live)"
        } else {
            why = "no lease round has completed yet"
        }
        return ReadinessCheck(name: "cluster_slots", ok: false, detail: held + ": " + why)
    }
}
