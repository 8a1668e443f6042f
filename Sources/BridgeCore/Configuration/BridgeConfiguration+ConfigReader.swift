public import Configuration
import RabbitMQ
import SMPP
import SMPPNIO

extension BridgeConfiguration {
    /// Reads every key of DESIGN §1.4 from an unscoped reader: `smpp.*` session keys through
    /// `SMPPClientConfiguration(configReader:)`, `amqp.*` connection keys through `AMQPConfiguration(configReader:)`,
    /// and the bridge's own keys (see ``OutboundSettings``, ``BrokerSettings``, ``StoreSettings``,
    /// ``ClusterSettings``, ``HTTPSettings``, ``LogSettings``). Integers, numbers and booleans may be text, as
    /// environment variables carry them; durations are seconds, fractions allowed.
    ///
    /// - Throws: ``BridgeConfigurationError`` with every problem found (not just the first), one line each naming
    ///   its key. The two session readers stop at their first problem, so they add at most one line each.
    ///   Secrets (`smpp.password`, `amqp.url`, `amqp.tls.key_password`, `store.url`) never appear.
    public init(configReader: ConfigReader) throws(BridgeConfigurationError) {
        var problems: [String] = []

        var smpp: SMPPClientConfiguration?
        do {
            smpp = try SMPPClientConfiguration(configReader: configReader.scoped(to: "smpp"))
        } catch {
            problems += error.problemLines
        }
        /// Reads one scope's bridge keys, adding its problems to the others.
        func read<Settings>(_ scope: String, _ reading: (inout ConfigKeyCollector) -> Settings) -> Settings {
            var keys = ConfigKeyCollector(scope: scope, of: configReader)
            let settings = reading(&keys)
            problems += keys.problems
            return settings
        }
        let outbound = read("smpp", OutboundSettings.init(reading:))

        var amqp: AMQPConfiguration?
        do {
            amqp = try AMQPConfiguration(configReader: configReader.scoped(to: "amqp"))
        } catch {
            problems += error.problemLines
        }
        var broker = read("amqp", BrokerSettings.init(reading:))
        if let amqp, broker.queueType == nil {
            broker.queueType = amqp.addresses.count > 1 ? QueueTypeChoice.quorum.rawValue : QueueTypeChoice.classic.rawValue
        }
        let store = read("store", StoreSettings.init(reading:))
        let cluster = read("cluster", ClusterSettings.init(reading:))
        let http = read("http", HTTPSettings.init(reading:))
        let log = read("log", LogSettings.init(reading:))

        problems += Self.timingProblems(smpp: smpp, outbound: outbound, store: store)

        guard problems.isEmpty, let smpp, let amqp else { throw BridgeConfigurationError(problems: problems) }
        self.init(
            smpp: smpp, amqp: amqp, outbound: outbound, broker: broker, store: store, cluster: cluster, http: http,
            log: log)
    }
}

extension BridgeConfiguration {
    /// Settings that are each valid but contradict one another.
    /// - A receipt's deliver_sm is answered only once the receipt is matched or its hold ends (then looked up and
    ///   published), and the session answers ESME_RX_T_APPN itself at `smpp.inbound_timeout`: a hold that long, or
    ///   within ``receiptHoldMargin`` of it, refuses every held receipt.
    /// - `store.ttl` of at least an hour: an unconfirmed MO's id is given to its redelivery within an hour of being
    ///   stored (DESIGN §4 "MO event ids"), and the hourly cleanup would delete it sooner.
    /// The shortest `store.ttl` accepted.
    static let minimumTTL = Duration.seconds(3600)
    /// How much shorter than `smpp.inbound_timeout` `smpp.receipt_hold` must be: a receipt that waited out its hold
    /// is looked up once more and published, and its deliver_sm answered only after the broker's confirm.
    static let receiptHoldMargin = Duration.seconds(1)

    static func timingProblems(smpp: SMPPClientConfiguration?, outbound: OutboundSettings, store: StoreSettings)
        -> [String]
    {
        var problems: [String] = []
        if let smpp {
            let inboundTimeout = Duration.nanoseconds(smpp.inboundTimeout.nanoseconds)
            if outbound.receiptHold > .zero, outbound.receiptHold > inboundTimeout - receiptHoldMargin {
                problems.append(
                    "smpp.receipt_hold: \(seconds(outbound.receiptHold)) must be at least \(seconds(receiptHoldMargin)) "
                        + "shorter than smpp.inbound_timeout (\(seconds(inboundTimeout))), which answers a held "
                        + "receipt's deliver_sm ESME_RX_T_APPN: after the hold the receipt is still looked up and "
                        + "published")
            }
        }
        if store.ttl < minimumTTL {
            problems.append(
                "store.ttl: \(seconds(store.ttl)) must be at least \(seconds(minimumTTL)) (1 h): the id of an MO the "
                    + "broker may hold unconfirmed is kept that long for its redelivery")
        }
        return problems
    }
}

extension OutboundSettings {
    /// Reads the bridge's `smpp.*` keys; problems go to `keys`.
    init(reading keys: inout ConfigKeyCollector) {
        self.init()
        sourceAddress = keys.string("source.addr", maxLength: 20, allowEmpty: false)
        sourceTON = keys.int("source.ton", in: 0...6).map { UInt8($0) }
        sourceNPI = Self.npi("source.npi", &keys)
        destinationTON = keys.int("destination.ton", in: 0...6).map { UInt8($0) }
        destinationNPI = Self.npi("destination.npi", &keys)
        if let value = keys.bool("registered_delivery") { registeredDelivery = value }
        if let value = keys.choice("default_alphabet", as: DefaultAlphabet.self) { defaultAlphabet = value }
        if let value = keys.choice("concat", as: ConcatenationMethod.self) { concat = value }
        if let value = keys.choice("gsm_part_size", as: GSMPartSize.self) { gsmPartSize = value }
        if let value = keys.choice("message_id_format", as: MessageIDFormat.self) { messageIDFormat = value }
        if let value = keys.choice("on_timeout", as: TimeoutPolicy.self) { onTimeout = value }
        if let value = keys.int("max_attempts", in: 1...100) { maxAttempts = value }
        if let value = keys.duration("retry.initial_delay", maximum: .seconds(86_400)) { retryInitialDelay = value }
        if let value = keys.duration("retry.max_delay", maximum: .seconds(86_400)) {
            if value < retryInitialDelay {
                keys.fail("retry.max_delay", "must not be shorter than smpp.retry.initial_delay")
            } else {
                retryMaxDelay = value
            }
        } else if retryMaxDelay < retryInitialDelay {
            // The default longest delay below a longer first one: the first one is the longest (as the policy runs).
            retryMaxDelay = retryInitialDelay
        }
        if let value = keys.duration("retry.max_age", maximum: .seconds(7 * 86_400)) { retryMaxAge = value }
        if retryMaxAge <= retryInitialDelay {
            keys.fail("retry.max_age", "must be longer than smpp.retry.initial_delay (\(BridgeConfiguration.seconds(retryInitialDelay))): "
                + "no retry could start within it")
        }
        if let value = keys.string("service_type", maxLength: 5) { serviceType = value }
        if let value = keys.int("protocol_id", in: 0...255) { protocolID = UInt8(value) }
        if let value = keys.duration("receipt_hold", allowZero: true, maximum: .seconds(3_600)) { receiptHold = value }
        if let value = keys.duration("mo_reassembly_timeout", maximum: .seconds(7 * 86_400)) {
            moReassemblyTimeout = value
        }
    }

    /// The NPI values of reference/SMPP-3.4.md §6.
    static let knownNPIs: [Int] = [0, 1, 3, 4, 6, 8, 9, 10, 14, 18]

    private static func npi(_ key: String, _ keys: inout ConfigKeyCollector) -> UInt8? {
        guard let value = keys.int(key, in: 0...255) else { return nil }
        guard knownNPIs.contains(value) else {
            keys.fail(key, "\(value) is not an NPI (\(knownNPIs.map(String.init).joined(separator: ", ")))")
            return nil
        }
        return UInt8(value)
    }
}

extension BrokerSettings {
    /// Reads the bridge's `amqp.*` keys; problems go to `keys`.
    init(reading keys: inout ConfigKeyCollector) {
        self.init()
        if let value = Self.name("queue", &keys) { queue = value }
        if let value = Self.name("exchanges.results", &keys) { resultsExchange = value }
        if let value = Self.name("exchanges.dlr", &keys) { dlrExchange = value }
        if let value = Self.name("exchanges.mo", &keys) { moExchange = value }
        if let value = Self.name("exchanges.dead", &keys) { deadExchange = value }
        if let value = Self.name("dead_queue", &keys) { deadQueue = value }
        prefetch = keys.int("prefetch", in: 1...65_535)
        if let value = keys.bool("declare") { declare = value }
        if let value = keys.choice("queue_type", as: QueueTypeChoice.self) { queueType = value.rawValue }
        if let value = keys.int("delivery_limit", in: 0...10_000) { deliveryLimit = value }
    }

    /// A queue or exchange name: 1–255 octets (an AMQP short string), not in the broker's reserved `amq.` space.
    private static func name(_ key: String, _ keys: inout ConfigKeyCollector) -> String? {
        guard let value = keys.string(key, maxLength: 255, allowEmpty: false) else { return nil }
        guard !value.hasPrefix("amq.") else {
            keys.fail(key, "names starting with amq. are reserved by the broker")
            return nil
        }
        return value
    }
}

/// The values of `amqp.queue_type` (those of `AMQPQueueType`, which is not `CaseIterable`).
enum QueueTypeChoice: String, CaseIterable {
    case classic
    case quorum
}

extension OutboundSettings {
    /// Reads only the bridge's `smpp.*` keys (not the session keys) from an unscoped reader, for tools.
    /// - Throws: ``BridgeConfigurationError`` with every problem, one line each naming its key.
    public init(configReader: ConfigReader) throws(BridgeConfigurationError) {
        var keys = ConfigKeyCollector(scope: "smpp", of: configReader)
        self.init(reading: &keys)
        guard keys.problems.isEmpty else { throw BridgeConfigurationError(problems: keys.problems) }
    }
}

extension BrokerSettings {
    /// Reads only the bridge's `amqp.*` keys (names, prefetch, declare) from an unscoped reader, for tools.
    /// - Throws: ``BridgeConfigurationError`` with every problem, one line each naming its key.
    public init(configReader: ConfigReader) throws(BridgeConfigurationError) {
        var keys = ConfigKeyCollector(scope: "amqp", of: configReader)
        self.init(reading: &keys)
        guard keys.problems.isEmpty else { throw BridgeConfigurationError(problems: keys.problems) }
    }
}
