public import Configuration
import ConfigKeys
import NIOCore

extension SMPPClientConfiguration {
    /// Reads the `smpp.*` keys of DESIGN §1.4 from a reader **already scoped to `smpp`**
    /// (`SMPPClientConfiguration(configReader: config.scoped(to: "smpp"))`), so the keys read here are `host`,
    /// `port`, `tls.ca_file`…; errors name them with the `smpp.` prefix.
    ///
    /// Required: `host`, `system_id`, `password` (read as a secret). Optional, with the defaults of
    /// ``init(host:port:systemID:password:)``: `port`, `system_type`, `address_range`, `bind_type`
    /// (`tx` `rx` `trx` `tx+rx`), `sessions`, `window`, `throughput`, `local_address`, `tls.enabled`, `tls.ca_file`,
    /// `tls.cert_file`, `tls.key_file`, `tls.server_name`, `tls.verify`, and the durations in seconds (fractions
    /// allowed): `enquire_link_interval`, `response_timeout`, `bind_timeout`, `connect_timeout`,
    /// `reconnect.initial_delay`, `reconnect.max_delay`, `reconnect.reset_after`, `inbound_timeout`; and
    /// `max_consecutive_timeouts` (0 = never close). Integers and booleans may also be given as text, as
    /// environment variables carry them. The onboarding keys `smpp.source.*` and `smpp.destination.*` are not
    /// client settings and are not read here.
    ///
    /// The result is checked with ``validate()``.
    /// - Throws: ``SMPPClientError`` with code `.invalidConfiguration` whose detail has one line per key that is
    ///   missing or malformed, each naming the full key (e.g. `smpp.bind_type`); never the password. Once every key
    ///   reads, the first problem ``validate()`` finds.
    public init(configReader: ConfigReader) throws(SMPPClientError) {
        do throws(ConfigValueErrors) {
            try self.init(reading: StrictConfigReader(reader: configReader, prefix: "smpp"))
        } catch {
            // One line per problem: every malformed key at once.
            throw SMPPClientError(code: .invalidConfiguration, detail: error.description)
        }
        try validate()
    }

    private init(reading keys: StrictConfigReader) throws(ConfigValueErrors) {
        var problems = ConfigValueErrorCollector(keys: keys)
        func duration(_ key: String) -> TimeAmount? {
            problems.seconds(key).map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
        }
        self.init(
            host: problems.requiredString("host") ?? "", systemID: problems.requiredString("system_id") ?? "",
            password: problems.requiredString("password", isSecret: true) ?? "")
        if let port = problems.int("port") { self.port = port }
        if let systemType = problems.string("system_type") { self.systemType = systemType }
        if let addressRange = problems.string("address_range") { self.addressRange = addressRange }
        if let text = problems.string("bind_type") {
            if let bindType = BindType(rawValue: text) {
                self.bindType = bindType
            } else {
                let allowed = BindType.allCases.map(\.rawValue).joined(separator: ", ")
                problems.fail("bind_type", "\"\(text)\" is not one of \(allowed)")
            }
        }
        if let sessions = problems.int("sessions") { self.sessions = sessions }
        if let window = problems.int("window") { self.window = window }
        if let throughput = problems.int("throughput") { self.throughput = throughput }
        if let value = duration("enquire_link_interval") { enquireLinkInterval = value }
        if let value = duration("response_timeout") { responseTimeout = value }
        if let value = duration("bind_timeout") { bindTimeout = value }
        if let value = duration("connect_timeout") { connectTimeout = value }
        if let value = duration("reconnect.initial_delay") { reconnectInitialDelay = value }
        if let value = duration("reconnect.max_delay") {
            if value < reconnectInitialDelay {
                problems.fail("reconnect.max_delay", "must not be shorter than smpp.reconnect.initial_delay")
            } else {
                reconnectMaxDelay = value
            }
        } else if reconnectMaxDelay < reconnectInitialDelay {
            // The default ceiling below a longer first delay: the first delay is the longest (as the backoff runs).
            reconnectMaxDelay = reconnectInitialDelay
        }
        if let value = duration("reconnect.reset_after") { reconnectResetAfter = value }
        if let value = duration("inbound_timeout") { inboundTimeout = value }
        if let value = problems.int("max_consecutive_timeouts") { maxConsecutiveTimeouts = value }
        localAddress = problems.string("local_address")
        if let enabled = problems.bool("tls.enabled") { tls.enabled = enabled }
        tls.caFile = problems.string("tls.ca_file")
        tls.certificateFile = problems.string("tls.cert_file")
        tls.keyFile = problems.string("tls.key_file")
        tls.serverName = problems.string("tls.server_name")
        if let verify = problems.bool("tls.verify") { tls.verify = verify }
        try problems.check()
    }
}
