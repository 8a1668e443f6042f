import struct Foundation.Date
import Logging
import RabbitMQ
import SMPP
import SMPPNIO

/// Why the bridge could not start: one line naming what failed.
public struct BridgeStartError: Error, Sendable, CustomStringConvertible {
    /// The line.
    public var description: String
}

/// Everything `run()` wires together.
struct BridgeParts: Sendable {
    let store: any BridgeStore
    let publisher: AMQPPublisher
    let consumer: AMQPConsumer
    let client: SMPPClient
    /// The cluster-wide session budget (with `store.url`); nil: every slot connects.
    let gate: ClusterSlotGate?
    let http: BridgeHTTPServer?
    let outbound: OutboundProcessor
    let inbound: InboundProcessor
    let lateOutcomes: LateOutcomeBook
    let correlator: ReceiptCorrelator
    let metrics: BridgeMetrics
    let amqpMetrics: AMQPMetrics
    let prefetch: UInt16
    /// What the client's inbound handler (``InboundProcessor/handleAtOnce(_:)``, on the sessions' event loops) left
    /// for a task each; finished once the client stopped (no handler call can come after).
    let pendingInbound: AsyncStream<PendingInbound>
    let pendingInboundContinuation: AsyncStream<PendingInbound>.Continuation
}

extension Bridge {
    /// Unanswered deliver_sm / data_sm each session may hold, at least (see `start`).
    static let minimumInboundAllowance = 1_000
    /// How often a held receipt asks the shared store again (another instance's commit usually lands within
    /// a few hundred milliseconds of its submit_sm_resp; the lookups of all held receipts share one query).
    static let sharedStoreReceiptRecheck: Duration = .milliseconds(250)

    func start() async throws -> BridgeParts {
        let configuration = self.configuration
        do {
            try configuration.smpp.validate()
        } catch {
            throw BridgeStartError(description: "\(error)")
        }
        let store = try await openStore(configuration.store)
        let amqpMetrics = AMQPMetrics(factory: metricsSetup.factory)
        let publisher = AMQPPublisher(configuration: configuration.amqp, logger: logger)
        do {
            try await publisher.connect()
            if let node = publisher.connectedNode { amqpMetrics.record(.connected(node: node), connection: "publisher") }
            try await publisher.declare(configuration.broker.topology)
        } catch {
            await Self.close(publisher, store)
            throw BridgeStartError(description: "amqp: \(error)")
        }
        let prefetch = configuration.broker.effectivePrefetch(
            sessions: configuration.smpp.sessions, window: configuration.smpp.window)
        let metrics = BridgeMetrics(factory: metricsSetup.factory)
        store.health?.countFailures(in: metrics.storeFailures)
        // The bridge answers a deliver_sm only after the broker confirmed its event (a confirm takes 100–200 ms when
        // the broker is busy), so each session may hold at least as many unanswered as it keeps submits pipelined
        // (window × 2, like the prefetch) and at least 1 000: with fewer, receipts arriving at full rate were refused
        // with ESME_RX_T_APPN again and again while the broker was merely slow (10 000 requests at 4 × 50: 12 000 to
        // 33 000 refusals), and an SMSC that gives up after a few attempts would drop them. About 1 KB each.
        var smpp = configuration.smpp
        smpp.maxInboundInFlight = max(smpp.maxInboundInFlight, smpp.window * 2, Self.minimumInboundAllowance)
        let gate: ClusterSlotGate?
        do {
            gate = try makeSlotGate(smpp)
        } catch {
            await Self.close(publisher, store)
            throw error
        }
        // With the session budget the consumer subscribes once a slot is held (followSlotShare); the prefetch given
        // here, from the account's total, is the most it is ever set to.
        let consumer = AMQPConsumer(
            configuration: configuration.amqp, queue: configuration.broker.queue, prefetch: prefetch,
            topology: configuration.broker.topology, logger: logger, consuming: gate == nil)
        // On the shared store a receipt found nowhere was most likely submitted by another instance: it asks the
        // store again while held instead of waiting out the whole hold for the other's commit.
        let correlator = ReceiptCorrelator(
            hold: configuration.outbound.receiptHold,
            recheck: configuration.store.url == nil ? nil : Self.sharedStoreReceiptRecheck)
        let lateOutcomes = LateOutcomeBook()
        let meteredPublisher = MeteredPublisher(publisher: publisher, metrics: amqpMetrics)
        let inbound = InboundProcessor(
            settings: inboundSettings, store: store, publisher: meteredPublisher, correlator: correlator,
            metrics: metrics, logger: logger)
        // Bounded like the client's own inbound stream: it overflows only when no task is started at all, and an
        // overflowing message is answered ESME_RX_T_APPN at its deadline and redelivered.
        let (pendingInbound, pendingInboundContinuation) = AsyncStream.makeStream(
            of: PendingInbound.self, bufferingPolicy: .bufferingOldest(smpp.unansweredInboundLimit))
        // Receipts this instance can match are published where the session reads them (no hop); the rest (MO,
        // receipts that need the store or a hold, undecodable PDUs) get a task each (inboundLoop).
        let client = SMPPClient(
            configuration: smpp, eventLoopGroup: eventLoopGroup, logger: logger, metricsFactory: metricsSetup.factory,
            slotGate: gate,
            inboundHandler: { message in
                if let pending = inbound.handleAtOnce(message) { pendingInboundContinuation.yield(pending) }
            })
        let outbound = OutboundProcessor(
            settings: outboundSettings, store: store, publisher: meteredPublisher, submitter: client,
            correlator: correlator, lateOutcomes: lateOutcomes, metrics: metrics, logger: logger, now: { Date() },
            faultHook: outboundFaultHook)
        var http: BridgeHTTPServer?
        if configuration.http.port > 0 {
            http = BridgeHTTPServer(
                host: configuration.http.host, port: configuration.http.port, registry: metricsSetup.registry,
                readiness: { [weak self] in self?.readiness() ?? [] }, eventLoopGroup: eventLoopGroup, logger: logger)
        }
        // What would otherwise fail only after requests were taken (and handed back, counted by a quorum queue's
        // delivery limit): the SMSC's TLS files and the HTTP port, checked before consuming.
        do {
            try client.checkTLS()
            try await http?.listen()
        } catch {
            await Self.close(publisher, store)
            let key = error is SMPPClientError ? "smpp.tls" : "http.port"
            throw BridgeStartError(description: "\(key): \(error)")
        }
        do {
            try await consumer.connect()
            if let node = consumer.connectedNode { amqpMetrics.record(.connected(node: node), connection: "consumer") }
        } catch {
            await consumer.close()
            await http?.closeListener()
            await Self.close(publisher, store)
            throw BridgeStartError(description: "amqp.queue \(configuration.broker.queue): \(error)")
        }
        let parts = BridgeParts(
            store: store, publisher: publisher, consumer: consumer, client: client, gate: gate, http: http, outbound: outbound,
            inbound: inbound, lateOutcomes: lateOutcomes, correlator: correlator, metrics: metrics,
            amqpMetrics: amqpMetrics, prefetch: prefetch, pendingInbound: pendingInbound,
            pendingInboundContinuation: pendingInboundContinuation)
        status.withLockedValue { $0 = BridgeStatus(parts: parts, consuming: gate == nil) }
        return parts
    }

    /// What a start that fails after the broker connected leaves to close, in that order.
    static func close(_ publisher: AMQPPublisher, _ store: any BridgeStore) async {
        await publisher.close()
        await store.close()
    }

    /// The shared PostgreSQL store when `store.url` is set, else the SQLite file at `store.path`. An error names the
    /// key; the store's errors never hold the URL's password.
    func openStore(_ settings: StoreSettings) async throws -> any BridgeStore {
        if let url = settings.url {
            do {
                return try await PostgresBridgeStore(url: url, logger: logger)
            } catch {
                throw BridgeStartError(description: "store.url: \(error)")
            }
        }
        do {
            return try SQLiteBridgeStore(path: settings.path, logger: logger)
        } catch {
            throw BridgeStartError(description: "store.path: \(error)")
        }
    }

    /// With the shared store (`store.url`), `smpp.sessions` is the account's total across instances: slots are
    /// leased through the database (issue 9 item 2). Without it, nil.
    func makeSlotGate(_ smpp: SMPPClientConfiguration) throws -> ClusterSlotGate? {
        guard let url = configuration.store.url else { return nil }
        do {
            var settings = ClusterSlotGate.Settings(
                account: "\(smpp.host):\(smpp.port)/\(smpp.systemID)", total: smpp.connectionCount,
                instanceID: configuration.cluster.instanceID)
            settings.takeoverAfter = configuration.cluster.takeoverAfter
            return try ClusterSlotGate(settings: settings, url: try PostgresStoreURL(parsing: url), logger: logger,
                                       metricsFactory: metricsSetup.factory)
        } catch {
            throw BridgeStartError(description: "store.url: \(error)")
        }
    }

    var outboundSettings: OutboundPipelineSettings {
        let outbound = configuration.outbound
        return OutboundPipelineSettings(
            sourceAddress: outbound.sourceAddress,
            addressPlan: AddressPlan(
                sourceTON: outbound.sourceTON, sourceNPI: outbound.sourceNPI,
                destinationTON: outbound.destinationTON, destinationNPI: outbound.destinationNPI),
            registeredDelivery: outbound.registeredDelivery, defaultAlphabet: outbound.defaultAlphabet,
            concat: outbound.concat, messageIDFormat: outbound.messageIDFormat,
            retry: RetryPolicy(
                maxAttempts: outbound.maxAttempts, initialDelay: outbound.retryInitialDelay.seconds,
                maxDelay: outbound.retryMaxDelay.seconds, maxAge: outbound.retryMaxAge.seconds,
                resubmitUnknown: outbound.onTimeout == .resubmit),
            serviceType: outbound.serviceType, protocolID: outbound.protocolID, gsmPartSize: outbound.gsmPartSize,
            resultsExchange: configuration.broker.resultsExchange,
            deadExchange: configuration.broker.deadExchange,
            deliveryLimit: configuration.broker.queueType == "quorum" && configuration.broker.deliveryLimit > 0
                ? configuration.broker.deliveryLimit : nil)
    }

    var inboundSettings: InboundPipelineSettings {
        InboundPipelineSettings(
            messageIDFormat: configuration.outbound.messageIDFormat,
            defaultAlphabet: configuration.outbound.defaultAlphabet,
            dlrExchange: configuration.broker.dlrExchange, moExchange: configuration.broker.moExchange,
            deadExchange: configuration.broker.deadExchange,
            moReassemblyTimeout: configuration.outbound.moReassemblyTimeout.seconds,
            republishWindow: Double(configuration.smpp.inboundTimeout.nanoseconds) / 2e9,
            account: configuration.smpp.systemID)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
