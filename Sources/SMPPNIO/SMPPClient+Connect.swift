import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SMPP

extension SMPPClient {
    /// Loads the TLS files and settings as a connection would (``run()`` does it again): a missing or unreadable CA,
    /// certificate or key is an error naming its key, found before anything else starts.
    public func checkTLS() throws(SMPPClientError) {
        _ = try makeTLSContext()
    }

    /// The TLS context for every connection, or nil for plain TCP. TLS 1.2 at least; the CA file or the system
    /// roots; the client certificate if configured; verification as configured.
    func makeTLSContext() throws(SMPPClientError) -> NIOSSLContext? {
        let settings = configuration.tls
        guard settings.enabled else { return nil }
        var tls = Self.baseTLSConfiguration(verify: settings.verify)
        /// Loads one file, naming its key and path when it cannot be read or parsed.
        func load<Value>(_ key: String, _ path: String, _ body: (String) throws -> Value) throws(SMPPClientError) -> Value {
            do {
                return try body(path)
            } catch {
                throw SMPPClientError(code: .tlsConfiguration, detail: "\(key) \(path): \(error)")
            }
        }
        do {
            if let caFile = settings.caFile {
                tls.trustRoots = .certificates(try load("smpp.tls.ca_file", caFile, NIOSSLCertificate.fromPEMFile))
            }
            if let certificateFile = settings.certificateFile {
                tls.certificateChain = try load("smpp.tls.cert_file", certificateFile, NIOSSLCertificate.fromPEMFile)
                    .map { .certificate($0) }
                guard let keyFile = settings.keyFile else {
                    throw SMPPClientError(code: .tlsConfiguration, detail: "smpp.tls.cert_file needs smpp.tls.key_file")
                }
                tls.privateKey = .privateKey(try load("smpp.tls.key_file", keyFile) { try NIOSSLPrivateKey(file: $0, format: .pem) })
            }
            let context = try NIOSSLContext(configuration: tls)
            try checkServerName(context)
            return context
        } catch let error as SMPPClientError {
            throw error
        } catch {
            throw SMPPClientError(code: .tlsConfiguration, detail: "\(error)")
        }
    }

    /// TLS 1.2 at least, verification as configured, and a close that waits at most ``tlsCloseTimeout`` for the
    /// SMSC's close_notify (NIOSSL's default is 5 s): a session closed by a revoked slot lease or a cancellation
    /// must be gone before another instance may bind in its place (DESIGN scale-out), and a cancelled client must
    /// stop promptly.
    static func baseTLSConfiguration(verify: Bool) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = verify ? .fullVerification : .none
        tls.shutdownTimeout = tlsCloseTimeout
        return tls
    }

    /// How long closing a TLS session waits for the peer's close_notify before the TCP connection closes anyway.
    static let tlsCloseTimeout: TimeAmount = .seconds(1)

    /// A name SNI cannot carry (empty, a NUL, over 255 octets) would fail every connection in the channel
    /// initializer, retried forever; refuse it here instead, so `run()` throws.
    private func checkServerName(_ context: NIOSSLContext) throws(SMPPClientError) {
        guard let name = tlsServerHostname else { return }
        do {
            _ = try NIOSSLClientHandler(context: context, serverHostname: name)
        } catch {
            let key = configuration.tls.serverName == nil ? "smpp.host" : "smpp.tls.server_name"
            throw SMPPClientError(code: .tlsConfiguration, detail: "\(key): \(error)")
        }
    }

    /// The name to send in SNI and verify against, or nil when it is an IP address (SNI cannot carry one; NIOSSL
    /// then verifies the certificate against the peer's address).
    var tlsServerHostname: String? {
        let name = configuration.tls.serverName ?? configuration.host
        return (try? SocketAddress(ipAddress: name, port: 0)) == nil ? name : nil
    }

    func sessionSettings(_ slot: Slot) -> SMPPSessionHandler.Settings {
        var machine = SessionStateMachine<OutboundSubmit>.Configuration()
        machine.window = max(1, configuration.window)
        machine.throughput = max(0, configuration.throughput)
        machine.responseTimeout = configuration.responseTimeout
        machine.enquireLinkInterval = configuration.enquireLinkInterval
        machine.bindTimeout = configuration.bindTimeout
        machine.unbindTimeout = configuration.unbindTimeout
        machine.inboundResponseTimeout = configuration.inboundTimeout
        machine.maxConsecutiveTimeouts = max(0, configuration.maxConsecutiveTimeouts)
        machine.maxInboundInFlight = max(1, configuration.maxInboundInFlight)
        machine.throttlePause = configuration.throttlePause
        return .init(slot: slot.index, kind: slot.kind, bind: configuration.bindRequest, host: configuration.host,
                     port: configuration.port, machine: machine)
    }

    /// One connection of `slot`, from connect to close. Returns once the channel is closed, so the slot never has
    /// two connections open.
    ///
    /// For a host name with several addresses, Happy Eyeballs runs the channel initializer once per address it
    /// tries, each on its own channel: every attempt gets its own session and end promise, and only the channel
    /// that connected is registered with the pool and awaited. (One shared promise let a refused first address end
    /// the session of the second before it began.)
    func runConnection(_ slot: Slot, tlsContext: NIOSSLContext?, logger: Logger) async -> SessionEnd {
        let eventLoop = eventLoopGroup.next()
        let attempts = NIOLockedValueBox<[ConnectionAttempt]>([])
        let settings = sessionSettings(slot)
        let pool = self.pool
        let metrics = self.metrics
        let serverHostname = tlsServerHostname
        let maximumLength = configuration.maximumPDULength
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    let sync = channel.pipeline.syncOperations
                    if let tlsContext {
                        try sync.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname))
                    }
                    try sync.addHandler(ByteToMessageHandler(SMPPFrameDecoder(maximumLength: maximumLength)))
                    let endPromise = channel.eventLoop.makePromise(of: SessionEnd.self)
                    let handler = SMPPSessionHandler(settings: settings, logger: logger, metrics: metrics,
                                                     delegate: pool, endPromise: endPromise,
                                                     now: channel.eventLoop.now)
                    let handle = SessionHandle(slot: slot.index, canSubmit: slot.kind.canSubmit, handler: handler,
                                               eventLoop: channel.eventLoop)
                    handler.handle = handle
                    attempts.withLockedValue {
                        $0.append(ConnectionAttempt(channel: channel, handle: handle, end: endPromise.futureResult))
                    }
                    try sync.addHandler(handler)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        if let makeResolver = resolverOverride.withLockedValue({ $0 }) {
            bootstrap = bootstrap.resolver(makeResolver(eventLoop))
        }
        if let localAddress = configuration.localAddress {
            do {
                bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: localAddress, port: 0))
            } catch {
                logger.error("invalid smpp.local_address", metadata: [SMPPLogKey.error: "\(error)"])
                return SessionEnd(reason: .connectFailed, boundFor: nil)
            }
        }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            logger.warning("connect failed", metadata: [
                SMPPLogKey.port: "\(configuration.port)", SMPPLogKey.error: "\(error)",
            ])
            return SessionEnd(reason: .connectFailed, boundFor: nil)
        }
        let winner = attempts.withLockedValue { attempts in
            defer { attempts.removeAll() }
            return attempts.first { $0.channel === channel }
        }
        var end = SessionEnd(reason: .connectionClosed, boundFor: nil)
        if let winner {
            // Shutdown began or the slot's lease was revoked while we connected: the session winds down at once.
            pool.connectionOpened(winner.handle)
            end = (try? await winner.end.get()) ?? end
        }
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
        pool.connectionClosed(slot: slot.index)
        return end
    }
}

/// One channel Happy Eyeballs opened for a slot, with the session on it.
struct ConnectionAttempt: Sendable {
    let channel: any Channel
    let handle: SessionHandle
    let end: EventLoopFuture<SessionEnd>
}
