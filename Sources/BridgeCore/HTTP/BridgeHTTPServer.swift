public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle

/// The bridge's HTTP endpoint (NIOHTTP1, no framework), a `Service`:
/// - `/healthz`: 200 `ok` while the process runs.
/// - `/readyz`: 200 when every check of `readiness` passes, else 503; the body is JSON
///   `{"ready":false,"checks":[{"name":"broker","ok":true,"detail":"…"},…]}`.
/// - `/metrics`: the Prometheus text exposition of `registry` (`text/plain; version=0.0.4`).
/// - any other path 404; a known path with a method other than GET 405 (with `Allow: GET`).
///
/// HTTP/1.1 keep-alive and pipelining work. Bad input never takes the server down: unparseable bytes and a request
/// line plus headers over `Limits.maximumHeaderBytes` get 400 and the connection closed; a request that does not
/// arrive within `Limits.idleTimeout` closes its connection; a connection beyond `Limits.maximumConnections` takes
/// the place of the one waiting longest for a request, and is closed on accept only when every open one is in a
/// request. Graceful shutdown closes the listener and idle connections, answers requests already being received
/// (`Connection: close`, within 2 s), and returns once every connection is closed; cancellation closes them at once.
public final class BridgeHTTPServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let responder: HTTPResponder
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let limits: Limits
    let connections: HTTPConnectionSet
    private let portState = NIOLockedValueBox(PortState())
    /// The listener ``listen()`` opened ahead of ``run()``.
    private let opened = NIOLockedValueBox<(any Channel)?>(nil)

    /// Creates a stopped server; `run()` listens.
    /// - Parameters:
    ///   - host: the address to listen on, e.g. `0.0.0.0` or `127.0.0.1`.
    ///   - port: the TCP port (`http.port`); 0 picks a free one, reported by `boundPort()`.
    ///   - registry: what `/metrics` exposes.
    ///   - readiness: called on the event loop for every `/readyz`; it must return quickly and never block
    ///     (read state kept up to date elsewhere).
    ///   - eventLoopGroup: where the listener and connections run.
    ///   - logger: one line when listening and when stopped; connection errors at debug, requests at trace.
    ///   - limits: per-client bounds; the defaults of `Limits`.
    public init(host: String, port: Int, registry: PrometheusCollectorRegistry,
                readiness: @escaping @Sendable () -> [ReadinessCheck],
                eventLoopGroup: any EventLoopGroup, logger: Logger, limits: Limits = Limits()) {
        self.host = host
        self.port = port
        self.responder = HTTPResponder(registry: registry, readiness: readiness)
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.limits = limits
        self.connections = HTTPConnectionSet(limit: limits.maximumConnections)
    }

    /// The port actually bound, once `run()` listens (the configured one, or the one picked for port 0). Waits
    /// until then; still answers after `run()` returned.
    /// - Throws: `BridgeHTTPServerError` `.bindFailed` when `run()` could not listen; `CancellationError` when the
    ///   calling task is cancelled while waiting.
    public func boundPort() async throws -> Int {
        let id = portState.withLockedValue { $0.nextWaiterID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome = portState.withLockedValue { $0.wait(id: id, continuation) }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = portState.withLockedValue { $0.removeWaiter(id: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Opens the listener now; ``run()`` then serves on it. The bridge calls this before it consumes a request, so
    /// a port in use is a start error, not a failure after requests were taken.
    /// - Throws: `BridgeHTTPServerError` `.bindFailed`.
    public func listen() async throws {
        do {
            let listener = try await bind()
            opened.withLockedValue { $0 = listener }
        } catch {
            throw BridgeHTTPServerError(code: .bindFailed, address: "\(host):\(port)", detail: "\(error)")
        }
    }

    /// Closes a listener ``listen()`` opened when ``run()`` will not be called (the start failed later).
    public func closeListener() async {
        try? await takeOpened()?.close()
    }

    /// The listener ``listen()`` opened, once (nil when there is none).
    private func takeOpened() -> (any Channel)? {
        opened.withLockedValue { listener in
            defer { listener = nil }
            return listener
        }
    }

    /// Listens (on the listener ``listen()`` opened, if it was called), serves until graceful shutdown or
    /// cancellation, then closes the listener and every connection.
    /// - Throws: `BridgeHTTPServerError` `.bindFailed` when the listener cannot be opened, `.alreadyStarted` on
    ///   a second call.
    public func run() async throws {
        let address = "\(host):\(port)"
        guard portState.withLockedValue({ $0.start() }) else {
            throw BridgeHTTPServerError(code: .alreadyStarted, address: address, detail: "run() called twice")
        }
        let listener: any Channel
        do {
            if let early = takeOpened() { listener = early } else { listener = try await bind() }
        } catch {
            let failure = BridgeHTTPServerError(code: .bindFailed, address: address, detail: "\(error)")
            finish(.failure(failure))
            logger.error("HTTP endpoint cannot listen", metadata: ["http.address": "\(address)", "error": "\(error)"])
            throw failure
        }
        let bound = listener.localAddress?.port ?? port
        finish(.success(bound))
        logger.info("HTTP endpoint listening", metadata: ["http.address": "\(host):\(bound)"])

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await listener.closeFuture.get()
            } onGracefulShutdown: {
                listener.close(promise: nil)
            }
        } onCancel: {
            listener.close(promise: nil)
        }
        let open = connections.beginQuiescing()
        await withTaskCancellationHandler {
            for channel in open {
                channel.pipeline.fireUserInboundEventTriggered(HTTPServerQuiesceEvent())
            }
            for channel in open {
                try? await channel.closeFuture.get()
            }
        } onCancel: {
            for channel in open { channel.close(promise: nil) }
        }
        logger.info("HTTP endpoint stopped", metadata: ["http.address": "\(host):\(bound)"])
    }

    private func bind() async throws -> any Channel {
        let responder = self.responder
        let logger = self.logger
        let limits = self.limits
        let connections = self.connections
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 128)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard connections.insert(channel) else {
                    logger.debug("HTTP connection refused: too many open, each in a request", metadata: [
                        "http.peer": "\(channel.remoteAddress.map { "\($0)" } ?? "-")",
                        "http.limit": "\(limits.maximumConnections)",
                    ])
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    try Self.configureConnection(
                        channel.pipeline.syncOperations, responder: responder, limits: limits, logger: logger,
                        connections: connections)
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    /// One connection's pipeline: NIO's HTTP/1 server handlers (parsing within `limits`, pipelining, 400 on bad
    /// input), then ``HTTPConnectionHandler``.
    static func configureConnection(
        _ sync: ChannelPipeline.SynchronousOperations, responder: HTTPResponder, limits: Limits, logger: Logger,
        connections: HTTPConnectionSet? = nil
    ) throws {
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = max(256, limits.maximumHeaderBytes)
        decoderLimits.maxHeaderFieldSize = max(256, limits.maximumHeaderBytes)
        decoderLimits.maxHeaderFieldCount = 100
        try sync.configureHTTPServerPipeline(
            withPipeliningAssistance: true, withErrorHandling: true,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        try sync.addHandler(HTTPConnectionHandler(
            responder: responder, idleTimeout: limits.idleTimeout, logger: logger, connections: connections))
    }

    private func finish(_ outcome: Result<Int, BridgeHTTPServerError>) {
        let waiters = portState.withLockedValue { $0.finish(outcome) }
        for waiter in waiters {
            waiter.resume(with: outcome.mapError { $0 as any Error })
        }
    }
}
