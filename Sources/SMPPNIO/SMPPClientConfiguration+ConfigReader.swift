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
    /// - Throws: ``SMPPClientError`` with code `.invalidConfiguration` naming the full key (e.g.
    ///   `smpp.bind_type`) that is missing or malformed; never the password.
    public init(configReader: ConfigReader) throws(SMPPClientError) {
        do throws(ConfigValueError) {
            try self.init(reading: StrictConfigReader(reader: configReader, prefix: "smpp"))
        } catch {
            throw SMPPClientError(code: .invalidConfiguration, detail: error.description)
        }
        try validate()
    }

    private init(reading keys: StrictConfigReader) throws(ConfigValueError) {
        func duration(_ key: String) throws(ConfigValueError) -> TimeAmount? {
            try keys.seconds(key).map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
        }
        self.init(
            host: try keys.requiredString("host"),
            systemID: try keys.requiredString("system_id"),
            password: try keys.requiredString("password", isSecret: true)
        )
        if let port = try keys.int("port") { self.port = port }
        if let systemType = try keys.string("system_type") { self.systemType = systemType }
        if let addressRange = try keys.string("address_range") { self.addressRange = addressRange }
        if let text = try keys.string("bind_type") {
            guard let bindType = BindType(rawValue: text) else {
                let allowed = BindType.allCases.map(\.rawValue).joined(separator: ", ")
                throw keys.fail("bind_type", "\"\(text)\" is not one of \(allowed)")
            }
            self.bindType = bindType
        }
        if let sessions = try keys.int("sessions") { self.sessions = sessions }
        if let window = try keys.int("window") { self.window = window }
        if let throughput = try keys.int("throughput") { self.throughput = throughput }
        if let value = try duration("enquire_link_interval") { enquireLinkInterval = value }
        if let value = try duration("response_timeout") { responseTimeout = value }
        if let value = try duration("bind_timeout") { bindTimeout = value }
        if let value = try duration("connect_timeout") { connectTimeout = value }
        if let value = try duration("reconnect.initial_delay") { reconnectInitialDelay = value }
        if let value = try duration("reconnect.max_delay") { reconnectMaxDelay = value }
        if let value = try duration("reconnect.reset_after") { reconnectResetAfter = value }
        if let value = try duration("inbound_timeout") { inboundTimeout = value }
        if let value = try keys.int("max_consecutive_timeouts") { maxConsecutiveTimeouts = value }
        localAddress = try keys.string("local_address")
        if let enabled = try keys.bool("tls.enabled") { tls.enabled = enabled }
        tls.caFile = try keys.string("tls.ca_file")
        tls.certificateFile = try keys.string("tls.cert_file")
        tls.keyFile = try keys.string("tls.key_file")
        tls.serverName = try keys.string("tls.server_name")
        if let verify = try keys.bool("tls.verify") { tls.verify = verify }
    }
}
