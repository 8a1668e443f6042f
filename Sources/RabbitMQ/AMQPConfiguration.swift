/// How to reach and talk to the broker. Build it from an `amqp://` / `amqps://` URL with
/// ``init(url:tls:)`` or field by field. Its `description` never shows the password.
public struct AMQPConfiguration: Sendable, CustomStringConvertible {
    /// The broker's addresses: one node, or the nodes of a cluster. A connection uses one at a time, taken in
    /// ``addressOrder``; after a failed attempt or a lost connection it tries the next. Never empty.
    public var addresses: [AMQPAddress]
    /// The order the addresses are tried in, starting with the first connection. Default `.shuffled`, so the
    /// connections of one or many bridges spread across a cluster's nodes.
    public var addressOrder: AMQPAddressOrder = .shuffled
    /// The first address's host name or IP address. For TLS with hostname verification use a DNS name: librabbitmq
    /// 0.11 only matches DNS names, never IP addresses. Default `localhost`.
    public var host: String {
        get { addresses[0].host }
        set { addresses[0].host = newValue }
    }
    /// The first address's port. Default 5672, or 5671 with TLS.
    public var port: Int {
        get { addresses[0].port }
        set { addresses[0].port = newValue }
    }
    /// User name. Default `guest`.
    public var user: String
    /// Password (never logged). Default `guest`.
    public var password: String
    /// Virtual host. Default `/`.
    public var virtualHost: String
    /// TLS settings; `nil` means plain TCP.
    public var tls: AMQPTLSConfiguration?
    /// Heartbeat interval proposed to the broker, whole seconds (1...65535). Default 30 s. Zero (no heartbeats) is
    /// refused: without them a broker that stops reading or a dead peer is never noticed.
    public var heartbeat: Duration
    /// Largest frame proposed to the broker, bytes (4096...). Default 131072.
    public var frameMax: Int
    /// Name shown for the connection in the broker's management tools. Default `nil`.
    public var connectionName: String?
    /// Bound on TCP connect, TLS and AMQP handshake. Default 10 s.
    public var connectTimeout: Duration
    /// Bound on each synchronous broker call (declare, qos, consume); on expiry the connection is dropped and
    /// re-established. Default 30 s.
    public var rpcTimeout: Duration
    /// How long a publish may wait for its confirm (or for a connection, if it has not been sent yet). Default 30 s.
    public var confirmTimeout: Duration
    /// First delay before reconnecting after a loss; doubles per failed attempt, with jitter. Default 200 ms.
    public var reconnectInitialDelay: Duration
    /// Upper bound of the reconnect delay. Default 15 s.
    public var reconnectMaxDelay: Duration
    /// Largest delivery body a consumer accepts, bytes. A larger one is rejected without requeue (to the queue's
    /// dead-letter exchange, if any) without being read into memory whole. Default 1 MiB.
    public var maxMessageSize: Int

    /// Creates a configuration; every parameter has the documented default.
    public init(
        host: String = "localhost",
        port: Int? = nil,
        user: String = "guest",
        password: String = "guest",
        virtualHost: String = "/",
        tls: AMQPTLSConfiguration? = nil,
        heartbeat: Duration = .seconds(30),
        frameMax: Int = 131_072,
        connectionName: String? = nil,
        connectTimeout: Duration = .seconds(10),
        rpcTimeout: Duration = .seconds(30),
        confirmTimeout: Duration = .seconds(30),
        reconnectInitialDelay: Duration = .milliseconds(200),
        reconnectMaxDelay: Duration = .seconds(15),
        maxMessageSize: Int = 1_048_576
    ) {
        self.addresses = [AMQPAddress(host: host, port: port ?? (tls == nil ? 5672 : 5671))]
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
        self.tls = tls
        self.heartbeat = heartbeat
        self.frameMax = frameMax
        self.connectionName = connectionName
        self.connectTimeout = connectTimeout
        self.rpcTimeout = rpcTimeout
        self.confirmTimeout = confirmTimeout
        self.reconnectInitialDelay = reconnectInitialDelay
        self.reconnectMaxDelay = reconnectMaxDelay
        self.maxMessageSize = maxMessageSize
    }

    /// The URL with the password masked, e.g. `amqps://bridge:***@broker:5671/prod`; several addresses are listed
    /// comma-separated (`amqps://bridge:***@node1:5671,node2:5671/prod`).
    public var description: String {
        let scheme = tls == nil ? "amqp" : "amqps"
        let vhost = virtualHost == "/" ? "" : virtualHost.percentEncodedForURL()
        let nodes = addresses.map(\.description).joined(separator: ",")
        return "\(scheme)://\(user.percentEncodedForURL()):***@\(nodes)/\(vhost)"
    }

    /// Heartbeat in whole seconds, as the protocol carries it.
    var heartbeatSeconds: Int { Int(clamping: heartbeat.components.seconds) }

    /// How long a C call without a deadline of its own (sending a frame, reading the rest of a message) may make no
    /// progress before the socket is shut down: half the shortest of the confirm timeout and twice the heartbeat,
    /// at least one second. Also the socket's `TCP_USER_TIMEOUT`.
    var stallTimeout: Duration {
        var limit = confirmTimeout
        if heartbeatSeconds > 0 { limit = min(limit, .seconds(2 * heartbeatSeconds)) }
        return max(limit / 2, .seconds(1))
    }

    func validated() throws(AMQPError) -> AMQPConfiguration {
        func invalid(_ what: String) -> AMQPError { AMQPError(code: .invalidConfiguration, message: what) }
        guard !addresses.isEmpty else { throw invalid("amqp has no address") }
        for address in addresses {
            guard !address.host.isEmpty else { throw invalid("amqp host is empty") }
            guard (1...65_535).contains(address.port) else { throw invalid("amqp port \(address.port) is out of range") }
        }
        if let repeated = addresses.indices.first(where: { addresses[..<$0].contains(addresses[$0]) }) {
            throw invalid("amqp address \(addresses[repeated]) is listed twice")
        }
        guard (0...65_535).contains(heartbeatSeconds) else { throw invalid("amqp heartbeat is out of range") }
        guard heartbeatSeconds > 0 else {
            throw invalid("amqp heartbeat must be at least 1 second (0 would never notice a broker that stopped)")
        }
        guard maxMessageSize > 0 else { throw invalid("amqp max message size must be positive") }
        guard (4096...Int(Int32.max)).contains(frameMax) else { throw invalid("amqp frame max must be >= 4096") }
        guard connectTimeout > .zero, rpcTimeout > .zero, confirmTimeout > .zero else {
            throw invalid("amqp timeouts must be positive")
        }
        guard reconnectInitialDelay > .zero, reconnectMaxDelay >= reconnectInitialDelay else {
            throw invalid("amqp reconnect delays must be positive and max >= initial")
        }
        return self
    }
}

/// TLS settings for an `amqps` connection. Peer and hostname verification are on by default.
public struct AMQPTLSConfiguration: Sendable {
    /// PEM file with the CA certificate(s) that sign the broker's certificate. Required when ``verifyPeer`` is on.
    public var caFile: String?
    /// PEM client certificate, for brokers that require one (with ``keyFile``).
    public var certificateFile: String?
    /// PEM private key of the client certificate.
    public var keyFile: String?
    /// Password of an encrypted ``keyFile`` (never logged).
    public var keyPassword: String?
    /// Verify the broker's certificate chain against ``caFile``. Default true.
    public var verifyPeer: Bool
    /// Verify that the certificate names the host connected to (DNS names only in librabbitmq 0.11). Default true.
    public var verifyHostname: Bool

    /// Creates TLS settings; verification is on unless turned off explicitly.
    public init(
        caFile: String? = nil,
        certificateFile: String? = nil,
        keyFile: String? = nil,
        keyPassword: String? = nil,
        verifyPeer: Bool = true,
        verifyHostname: Bool = true
    ) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.keyPassword = keyPassword
        self.verifyPeer = verifyPeer
        self.verifyHostname = verifyHostname
    }
}
