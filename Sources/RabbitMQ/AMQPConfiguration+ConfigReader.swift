public import Configuration
import ConfigKeys

extension AMQPConfiguration {
    /// Reads the `amqp.*` keys of DESIGN §1.4 from a reader **already scoped to `amqp`**
    /// (`AMQPConfiguration(configReader: config.scoped(to: "amqp"))`); errors name the keys with the `amqp.` prefix.
    ///
    /// - `url` (required, secret): `amqp://` or `amqps://user:password@host:port/vhost`, as ``init(url:tls:)``; a
    ///   cluster is a comma-separated list of such URLs, one per node, sharing scheme, credentials and vhost.
    /// - `address_order`: `shuffled` (default: each connection starts at a random node) or `in_order` (the first
    ///   listed node is preferred); only matters with several addresses.
    /// - `heartbeat`: whole seconds, 1...65535 (0 is refused); default 30.
    /// - `max_message_size`: bytes, the largest delivery a consumer accepts; default 1048576 (1 MiB).
    /// - `connection_name`: shown in the broker's management tools; default none.
    /// - `tls.ca_file`, `tls.cert_file`, `tls.key_file`, `tls.key_password` (secret), `tls.verify_peer` (default
    ///   true), `tls.verify_hostname` (default true): used with an `amqps://` URL; set with `amqp://` they are an
    ///   error rather than a silent plain-text connection.
    ///
    /// Other fields keep the defaults of ``init(host:port:user:password:virtualHost:tls:heartbeat:frameMax:connectionName:connectTimeout:rpcTimeout:confirmTimeout:reconnectInitialDelay:reconnectMaxDelay:)``.
    /// - Throws: ``AMQPError`` with code `.invalidConfiguration` naming the full key (e.g. `amqp.heartbeat`) that is
    ///   missing or malformed; never the URL's password or the key password.
    public init(configReader: ConfigReader) throws(AMQPError) {
        let keys = StrictConfigReader(reader: configReader, prefix: "amqp")
        do throws(ConfigValueErrors) {
            try self.init(reading: keys)
        } catch {
            // One line per problem: every malformed key at once.
            throw AMQPError(code: .invalidConfiguration, message: error.description)
        }
        do {
            _ = try validated()
        } catch {
            throw AMQPError(code: .invalidConfiguration, message: keys.fail("url", error.message).description)
        }
    }

    private init(reading keys: StrictConfigReader) throws(ConfigValueErrors) {
        var problems = ConfigValueErrorCollector(keys: keys)
        let url = problems.requiredString("url", isSecret: true)
        let tls = AMQPTLSConfiguration(
            caFile: problems.string("tls.ca_file"),
            certificateFile: problems.string("tls.cert_file"),
            keyFile: problems.string("tls.key_file"),
            keyPassword: problems.string("tls.key_password", isSecret: true),
            verifyPeer: problems.bool("tls.verify_peer") ?? true,
            verifyHostname: problems.bool("tls.verify_hostname") ?? true
        )
        let tlsKeys = ["tls.ca_file", "tls.cert_file", "tls.key_file", "tls.key_password", "tls.verify_peer",
                       "tls.verify_hostname"]
        let tlsKeySet = tlsKeys.first { keys.isPresent($0, isSecret: $0 == "tls.key_password") }
        // The URL gives the addresses and credentials; without a usable one the other keys are still checked, on
        // a placeholder that is never used.
        self.init(host: "127.0.0.1")
        if let url {
            do {
                try self.init(url: url, tls: tls)
                if self.tls == nil, let tlsKeySet {
                    problems.fail(tlsKeySet, "is set but amqp.url is not amqps://")
                }
            } catch {
                let reason = error.message.hasPrefix("amqp url: ") ? String(error.message.dropFirst(10)) : error.message
                problems.fail("url", reason)
            }
        }
        if let heartbeat = problems.wholeSeconds("heartbeat") {
            if heartbeat > 65_535 {
                problems.fail("heartbeat", "must be at most 65535 seconds")
            } else if heartbeat < 1 {
                problems.fail("heartbeat", "must be at least 1 second (0 would never notice a broker that stopped)")
            } else {
                self.heartbeat = .seconds(heartbeat)
            }
        }
        if let size = problems.int("max_message_size") {
            if size > 0 {
                maxMessageSize = size
            } else {
                problems.fail("max_message_size", "must be a positive number of bytes")
            }
        }
        connectionName = problems.string("connection_name")
        if let order = problems.string("address_order") {
            if let value = AMQPAddressOrder(rawValue: order) {
                addressOrder = value
            } else {
                problems.fail(
                    "address_order",
                    "must be one of \(AMQPAddressOrder.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        try problems.check()
    }
}
