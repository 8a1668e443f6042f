public import NIOCore
import SMPP

/// Everything an ``SMPPClient`` needs to keep its sessions bound to one SMSC account (DESIGN §1.4, keys `smpp.*`).
///
/// The password never appears in `description`, logs or errors.
public struct SMPPClientConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// How each session binds.
    public enum BindType: String, Sendable, CaseIterable {
        /// bind_transmitter: submits only.
        case transmitter = "tx"
        /// bind_receiver: receives deliver_sm / data_sm only.
        case receiver = "rx"
        /// bind_transceiver: both on one connection.
        case transceiver = "trx"
        /// A transmitter and a receiver connection per session (two connections per configured session).
        case transmitterAndReceiver = "tx+rx"
    }

    /// The SMSC host name or address (`smpp.host`).
    public var host: String
    /// The SMSC port (`smpp.port`); default 2775.
    public var port: Int
    /// The account's system_id (`smpp.system_id`), at most 15 characters.
    public var systemID: String
    /// The account's password (`smpp.password`), at most 8 characters. Secret: never logged or printed.
    public var password: String
    /// system_type sent in bind (`smpp.system_type`); default empty.
    public var systemType: String = ""
    /// address_range sent in bind (`smpp.address_range`); default empty.
    public var addressRange: String = ""
    /// How sessions bind (`smpp.bind_type`); default transceiver.
    public var bindType: BindType = .transceiver
    /// Sessions kept bound (`smpp.sessions`); default 1. With ``BindType/transmitterAndReceiver`` each one is a pair.
    public var sessions: Int = 1
    /// Requests outstanding per session (`smpp.window`); default 10.
    public var window: Int = 10
    /// Segments per second per session (`smpp.throughput`); default 0 = unlimited.
    public var throughput: Int = 0
    /// Idle time before enquire_link (`smpp.enquire_link_interval`); default 30 s.
    public var enquireLinkInterval: TimeAmount = .seconds(30)
    /// How long a request waits for its response (`smpp.response_timeout`); default 30 s.
    public var responseTimeout: TimeAmount = .seconds(30)
    /// How long bind waits for bind_resp (`smpp.bind_timeout`); default 10 s.
    public var bindTimeout: TimeAmount = .seconds(10)
    /// TCP connect plus TLS handshake limit (`smpp.connect_timeout`); default 10 s.
    public var connectTimeout: TimeAmount = .seconds(10)
    /// How long graceful unbind waits for unbind_resp; default 5 s.
    public var unbindTimeout: TimeAmount = .seconds(5)
    /// First reconnect delay before jitter (`smpp.reconnect.initial_delay`); default 1 s.
    public var reconnectInitialDelay: TimeAmount = .seconds(1)
    /// Longest reconnect delay (`smpp.reconnect.max_delay`), also used after a credentials rejection; default 60 s.
    public var reconnectMaxDelay: TimeAmount = .seconds(60)
    /// Local address to connect from (`smpp.local_address`, the whitelisted source IP); default any.
    public var localAddress: String?
    /// How long the application has to answer an inbound deliver_sm / data_sm before the client answers
    /// ESME_RX_T_APPN itself (`smpp.inbound_timeout`); default 10 s. Must be positive; `run()` logs a warning when it
    /// is not below ``responseTimeout`` (the SMSC's own wait for deliver_sm_resp is usually about as long as ours
    /// for submit_sm_resp: answering later than that makes it redeliver, a duplicate).
    public var inboundTimeout: TimeAmount = .seconds(10)
    /// Inbound requests per session handed to the application and not yet answered; more are answered
    /// ESME_RX_T_APPN at once (the socket keeps being read); default 32.
    public var maxInboundInFlight: Int = 32
    /// Close a session after this many submits in a row got no response within ``responseTimeout``
    /// (`smpp.max_consecutive_timeouts`); its queue goes to the other sessions and the slot reconnects.
    /// Default 3; 0 = never close for that.
    public var maxConsecutiveTimeouts: Int = 3
    /// How long a session must stay bound before its end restarts the reconnect backoff from
    /// ``reconnectInitialDelay`` (`smpp.reconnect.reset_after`); default 30 s. Shorter-lived sessions keep backing off.
    public var reconnectResetAfter: TimeAmount = .seconds(30)
    /// How long a session stops sending after ESME_RTHROTTLED / ESME_RMSGQFUL; default 1 s.
    public var throttlePause: TimeAmount = .seconds(1)
    /// Largest PDU accepted from the SMSC, in bytes; default the codec's `SMPPFrameDecoder.defaultMaximumLength`
    /// (65 600: a 65 535-octet message_payload with its header and fields).
    public var maximumPDULength: Int = SMPPFrameDecoder.defaultMaximumLength
    /// TLS settings (`smpp.tls.*`).
    public var tls: TLS = TLS()

    /// TLS settings. On by default; plain TCP only when ``enabled`` is false.
    public struct TLS: Sendable {
        /// Whether to use TLS (`smpp.tls.enabled`); default true.
        public var enabled: Bool = true
        /// PEM file of the CA(s) to trust (`smpp.tls.ca_file`); nil = the system roots.
        public var caFile: String?
        /// PEM client certificate chain (`smpp.tls.cert_file`), with ``keyFile``; default none.
        public var certificateFile: String?
        /// PEM private key of the client certificate (`smpp.tls.key_file`).
        public var keyFile: String?
        /// Name to send in SNI and to verify the certificate against (`smpp.tls.server_name`); default the host.
        public var serverName: String?
        /// Whether to verify the server certificate and name (`smpp.tls.verify`); default true.
        public var verify: Bool = true

        /// TLS on, system roots, verification on. TLS 1.2 is always the minimum.
        public init() {}
    }

    /// A configuration with the given account and every other setting at its default.
    public init(host: String, port: Int = 2775, systemID: String, password: String) {
        self.host = host
        self.port = port
        self.systemID = systemID
        self.password = password
    }

    /// The connections the client keeps: one per session, two per session for tx+rx.
    public var connectionCount: Int {
        guard bindType == .transmitterAndReceiver else { return max(0, sessions) }
        let (pairs, overflow) = max(0, sessions).multipliedReportingOverflow(by: 2)
        return overflow ? Int.max : pairs
    }

    /// Inbound requests the client's sessions may hold unanswered together (``connectionCount`` ×
    /// ``maxInboundInFlight``, saturating): the most an application's queue of them ever needs to buffer.
    public var unansweredInboundLimit: Int {
        let (product, overflow) = connectionCount.multipliedReportingOverflow(by: max(1, maxInboundInFlight))
        return overflow ? Int.max : max(1, product)
    }

    /// The same as ``description``: the password masked.
    public var debugDescription: String { description }

    /// The configuration with the password masked.
    public var description: String {
        "SMPPClientConfiguration(host: \(host), port: \(port), system_id: \(systemID), password: ********, "
            + "bind_type: \(bindType.rawValue), sessions: \(sessions), window: \(window), throughput: \(throughput), "
            + "tls: \(tls.enabled ? "on" : "off"), verify: \(tls.verify))"
    }
}
