import SMPP

/// Everything an `SMSCSimulator` does, with defaults that make a well-behaved SMSC on 127.0.0.1.
public struct SMSCSimulatorConfiguration: Sendable {
    /// The plain TCP listener; default 127.0.0.1 on an ephemeral port. nil = none.
    public var plainListen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 0)
    /// The TLS listener; nil (the default) = none. Needs `tlsCertificatePath` and `tlsPrivateKeyPath`.
    public var tlsListen: ListenAddress? = nil
    /// PEM file with the server certificate (chain) for the TLS listener.
    public var tlsCertificatePath: String? = nil
    /// PEM file with the server's private key.
    public var tlsPrivateKeyPath: String? = nil
    /// PEM file of the CA that client certificates must chain to; when set, TLS clients without a valid client
    /// certificate fail the handshake (mutual TLS, as some operators require). nil (default) = no client
    /// certificate asked for.
    public var tlsClientCAPath: String? = nil

    /// The accounts ESMEs may bind with.
    public var accounts: [SimulatorAccount] = []
    /// What a bind beyond an account's session limit is answered with; default ESME_RALYBND.
    public var sessionLimitResponse: SessionLimitResponse = .alreadyBound
    /// The system_id the simulator returns in bind responses; default `SMSCSIM`.
    public var systemID: String = "SMSCSIM"
    /// session_init timer: a connection not bound this many milliseconds after it opened is closed; default 10 s.
    public var sessionInitTimeoutMilliseconds: Int64 = 10_000
    /// Send enquire_link on every bound session this often (milliseconds), to check that ESMEs answer it;
    /// nil (default) = never.
    public var enquireLinkIntervalMilliseconds: Int64? = nil
    /// The largest command_length accepted (default the codec's 65 600); larger (or below 16) → generic_nack
    /// ESME_RINVCMDLEN, then close.
    public var maxPDULength: Int = SMPPFrameDecoder.defaultMaximumLength

    /// Base of message ids in submit_sm_resp; default hex.
    public var messageIDFormat: MessageIDFormat = .hex
    /// Base of the id inside receipts (text `id:` and receipted_message_id); nil = same as `messageIDFormat`.
    public var receiptIDFormat: MessageIDFormat? = nil
    /// The first message id; nil = drawn from the random source (between 2^28 and 2^29).
    public var messageIDStart: UInt64? = nil

    /// Delay from submit_sm to its (first) delivery receipt, in milliseconds; default 100.
    public var dlrDelayMilliseconds: Int64 = 100
    /// Delay from an intermediate (ENROUTE) receipt to the final one, in milliseconds; default 100.
    public var dlrFinalDelayMilliseconds: Int64 = 100
    /// The mix of outcomes; default every message DELIVRD.
    public var dlrOutcomes: OutcomeMix = .allDelivered
    /// Send receipts only when registered_delivery asks (bits 1–0 = 1, or 2 and the outcome is a failure);
    /// default true. False sends one for every accepted submit.
    public var dlrOnlyWhenRequested: Bool = true
    /// After a deliver_sm answered ESME_RX_T_APPN (or left unanswered for `deliverResponseTimeoutMilliseconds`),
    /// deliver it again this many milliseconds later; default 1000.
    public var redeliveryDelayMilliseconds: Int64 = 1_000
    /// How long the simulator waits for a deliver_sm_resp before it counts the deliver_sm as unanswered and
    /// schedules a redelivery; default 30 s.
    public var deliverResponseTimeoutMilliseconds: Int64 = 30_000
    /// The most deliveries held while the account has no RX/TRX session bound; beyond it the oldest is dropped
    /// (counted in deliveries_dropped). Default 100 000.
    public var maxWaitingDeliveries: Int = 100_000
    /// The most messages whose state query_sm can report; beyond it the oldest are forgotten (query_sm for
    /// them → ESME_RINVMSGID). Default 1 000 000.
    public var maxTrackedMessages: Int = 1_000_000
    /// The most delivery attempts for one deliver_sm (receipt or MO part) before it is dropped; default 10.
    public var maxDeliveryAttempts: Int = 10

    /// MO messages per second, spread over the bound RX/TRX sessions; 0 (default) = none.
    public var moRatePerSecond: Double = 0
    /// Fraction of MO messages that are long (2–4 parts with an 8-bit-reference UDH, sent out of order).
    public var moLongFraction: Double = 0.25
    /// The MO sender (source_addr, TON 1 NPI 1).
    public var moSourceAddress: String = "573001234567"
    /// The MO recipient (destination_addr, TON 3 NPI 0), e.g. the ESME's short code.
    public var moDestinationAddress: String = "12345"

    /// Faults to inject.
    public var faults: SimulatorFaults = SimulatorFaults()
    /// Seed for every random choice; nil = a different seed each run.
    public var seed: UInt64? = nil
    /// A file to write one JSON line per accepted submit_sm to (created or truncated); nil = none.
    public var recordPath: String? = nil
    /// The client window this SMSC allows per session: submits awaiting an answer beyond it are counted as
    /// `windowOverruns` (still answered); nil = not checked. With latency beyond the client's response timeout, a
    /// slot the client freed at its timeout counts too.
    public var maxOutstandingSubmits: Int? = nil
    /// Keep every accepted submit in memory for `SMSCSimulator.records()`; default true. Long benchmarks may turn
    /// it off (counters and the record file are unaffected).
    public var keepRecordsInMemory: Bool = true

    /// A configuration with the defaults above and the given accounts.
    public init(accounts: [SimulatorAccount] = []) {
        self.accounts = accounts
    }

    /// The longest delay or timeout accepted anywhere, in milliseconds (one day).
    public static let maxMilliseconds: Int64 = 86_400_000

    /// Checks the values that the types alone cannot.
    public func validate() throws(SimulatorConfigurationError) {
        try faults.validate()
        if plainListen == nil && tlsListen == nil {
            throw SimulatorConfigurationError(code: .inconsistent, option: "--listen", value: "", reason: "no listener")
        }
        if tlsListen != nil && (tlsCertificatePath == nil || tlsPrivateKeyPath == nil) {
            throw SimulatorConfigurationError(
                code: .inconsistent, option: "--tls-cert", value: "", reason: "a TLS listener needs --tls-cert and --tls-key")
        }
        if !(moRatePerSecond == 0 || (moRatePerSecond >= 0.001 && moRatePerSecond <= 100_000)) {
            throw SimulatorConfigurationError(
                code: .invalidRate, option: "--mo-rate", value: "\(moRatePerSecond)", reason: "must be 0 or 0.001…100000 per second")
        }
        if !(moLongFraction >= 0 && moLongFraction <= 1) {
            throw SimulatorConfigurationError(
                code: .invalidRate, option: "--mo-long-fraction", value: "\(moLongFraction)", reason: "must be a fraction 0…1")
        }
        let durations: [(String, Int64?)] = [
            ("--dlr-delay", dlrDelayMilliseconds), ("--dlr-final-delay", dlrFinalDelayMilliseconds),
            ("--session-init-timeout", sessionInitTimeoutMilliseconds), ("--redelivery-delay", redeliveryDelayMilliseconds),
            ("--deliver-response-timeout", deliverResponseTimeoutMilliseconds),
            ("--enquire-link-interval", enquireLinkIntervalMilliseconds),
        ]
        // A day at most: NIO's TimeAmount would overflow (and trap) on absurd millisecond counts.
        for (option, value) in durations {
            if let value, !(0...Self.maxMilliseconds).contains(value) {
                throw SimulatorConfigurationError(
                    code: .invalidLatency, option: option, value: "\(value)", reason: "must be 0…\(Self.maxMilliseconds) ms")
            }
        }
        if let interval = enquireLinkIntervalMilliseconds, interval <= 0 {
            throw SimulatorConfigurationError(
                code: .invalidLatency, option: "--enquire-link-interval", value: "\(interval)", reason: "must be > 0")
        }
        if accounts.isEmpty {
            throw SimulatorConfigurationError(code: .invalidAccount, option: "--account", value: "", reason: "at least one account is needed")
        }
    }
}
