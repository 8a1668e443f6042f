import NIOCore
import RabbitMQ
import SMPPNIO

extension BridgeConfiguration {
    /// What a secret prints as.
    public static let maskedSecret = "********"

    /// The effective configuration as `key = value` lines, one per key of DESIGN §1.4 in a fixed order, with
    /// durations in seconds, `(none)` for an unset optional value and secrets as `********` (`(none)` when unset).
    /// What `smpp-bridge check-config` prints.
    public func effectiveLines() -> [String] {
        var lines: [(String, String)] = []
        func add(_ key: String, _ value: String?) { lines.append((key, value ?? "(none)")) }
        func number(_ key: String, _ value: Int) { lines.append((key, String(value))) }
        func flag(_ key: String, _ value: Bool) { lines.append((key, String(value))) }
        func seconds(_ key: String, _ value: Duration) { lines.append((key, Self.seconds(value))) }
        func seconds(_ key: String, nio value: TimeAmount) { seconds(key, Duration.nanoseconds(value.nanoseconds)) }
        func secret(_ key: String, isSet: Bool) { lines.append((key, isSet ? Self.maskedSecret : "(none)")) }
        func automatic(_ key: String, _ value: UInt8?) { lines.append((key, value.map { String($0) } ?? "(auto)")) }

        add("smpp.host", smpp.host)
        number("smpp.port", smpp.port)
        add("smpp.system_id", smpp.systemID)
        if smpp.password.isEmpty { add("smpp.password", "(empty)") } else { secret("smpp.password", isSet: true) }
        add("smpp.system_type", smpp.systemType)
        add("smpp.address_range", smpp.addressRange)
        add("smpp.bind_type", smpp.bindType.rawValue)
        number("smpp.sessions", smpp.sessions)
        number("smpp.window", smpp.window)
        number("smpp.throughput", smpp.throughput)
        add("smpp.local_address", smpp.localAddress)
        flag("smpp.tls.enabled", smpp.tls.enabled)
        add("smpp.tls.ca_file", smpp.tls.caFile)
        add("smpp.tls.cert_file", smpp.tls.certificateFile)
        add("smpp.tls.key_file", smpp.tls.keyFile)
        add("smpp.tls.server_name", smpp.tls.serverName)
        flag("smpp.tls.verify", smpp.tls.verify)
        seconds("smpp.enquire_link_interval", nio: smpp.enquireLinkInterval)
        seconds("smpp.response_timeout", nio: smpp.responseTimeout)
        seconds("smpp.bind_timeout", nio: smpp.bindTimeout)
        seconds("smpp.connect_timeout", nio: smpp.connectTimeout)
        seconds("smpp.reconnect.initial_delay", nio: smpp.reconnectInitialDelay)
        seconds("smpp.reconnect.max_delay", nio: smpp.reconnectMaxDelay)
        seconds("smpp.reconnect.reset_after", nio: smpp.reconnectResetAfter)
        seconds("smpp.inbound_timeout", nio: smpp.inboundTimeout)
        number("smpp.max_consecutive_timeouts", smpp.maxConsecutiveTimeouts)
        add("smpp.source.addr", outbound.sourceAddress)
        automatic("smpp.source.ton", outbound.sourceTON)
        automatic("smpp.source.npi", outbound.sourceNPI)
        automatic("smpp.destination.ton", outbound.destinationTON)
        automatic("smpp.destination.npi", outbound.destinationNPI)
        flag("smpp.registered_delivery", outbound.registeredDelivery)
        add("smpp.default_alphabet", outbound.defaultAlphabet.rawValue)
        add("smpp.concat", outbound.concat.rawValue)
        add("smpp.gsm_part_size", outbound.gsmPartSize.rawValue)
        add("smpp.message_id_format", outbound.messageIDFormat.rawValue)
        add("smpp.on_timeout", outbound.onTimeout.rawValue)
        number("smpp.max_attempts", outbound.maxAttempts)
        seconds("smpp.retry.initial_delay", outbound.retryInitialDelay)
        seconds("smpp.retry.max_delay", outbound.retryMaxDelay)
        seconds("smpp.retry.max_age", outbound.retryMaxAge)
        add("smpp.service_type", outbound.serviceType)
        number("smpp.protocol_id", Int(outbound.protocolID))
        seconds("smpp.receipt_hold", outbound.receiptHold)
        seconds("smpp.mo_reassembly_timeout", outbound.moReassemblyTimeout)

        secret("amqp.url", isSet: true)
        add("amqp.address_order", amqp.addressOrder.rawValue)
        seconds("amqp.heartbeat", amqp.heartbeat)
        number("amqp.max_message_size", amqp.maxMessageSize)
        add("amqp.connection_name", amqp.connectionName)
        add("amqp.tls.ca_file", amqp.tls?.caFile)
        add("amqp.tls.cert_file", amqp.tls?.certificateFile)
        add("amqp.tls.key_file", amqp.tls?.keyFile)
        secret("amqp.tls.key_password", isSet: amqp.tls?.keyPassword != nil)
        add("amqp.tls.verify_peer", amqp.tls.map { String($0.verifyPeer) })
        add("amqp.tls.verify_hostname", amqp.tls.map { String($0.verifyHostname) })
        add("amqp.queue", broker.queue)
        add("amqp.exchanges.results", broker.resultsExchange)
        add("amqp.exchanges.dlr", broker.dlrExchange)
        add("amqp.exchanges.mo", broker.moExchange)
        add("amqp.exchanges.dead", broker.deadExchange)
        add("amqp.dead_queue", broker.deadQueue)
        let prefetch = broker.effectivePrefetch(sessions: smpp.sessions, window: smpp.window)
        add("amqp.prefetch", broker.prefetch.map(String.init) ?? "(auto: \(prefetch))")
        flag("amqp.declare", broker.declare)
        add("amqp.queue_type", broker.queueType ?? "classic")
        number("amqp.delivery_limit", broker.deliveryLimit)

        add("store.path", store.path)
        secret("store.url", isSet: store.url != nil)
        seconds("store.ttl", store.ttl)
        add("cluster.instance_id", cluster.instanceID)
        seconds("cluster.takeover_after", cluster.takeoverAfter)
        add("http.host", http.host)
        number("http.port", http.port)
        add("log.level", log.level.rawValue)
        add("log.format", log.format.rawValue)
        return lines.map { "\($0.0) = \($0.1)" }
    }

    /// Seconds as the keys take them: `30`, `0.25`.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return String(seconds) }
        let millionths = (Double(seconds) + Double(attoseconds) / 1e18) * 1e6
        return String(millionths.rounded() / 1e6)
    }
}
