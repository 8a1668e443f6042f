import BridgeCore
import Foundation
import Testing

/// Builds environments, YAML files and secrets directories for ``BridgeConfiguration/load``.
enum ConfigFixture {
    /// The four required keys, as environment variables.
    static let required: [String: String] = [
        "smpp.host": "smsc.test", "smpp.system_id": "bridge", "smpp.password": "pw", "amqp.url": "amqp://127.0.0.1/",
    ]

    static func environment(_ keys: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: keys.map { (BridgeConfiguration.environmentVariable(for: $0.key), $0.value) })
    }

    /// A fresh empty directory (also used as the secrets directory, so the machine's /run/secrets never leaks in).
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "bridge-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `keys` as nested YAML (numbers and booleans bare, everything else double-quoted) and returns the path.
    static func yamlFile(_ keys: [String: String], in directory: String) throws -> String {
        let path = directory + "/bridge.yaml"
        try yaml(keys).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func yaml(_ keys: [String: String]) -> String {
        var lines: [String] = []
        var open: [String] = []
        for key in keys.keys.sorted() {
            let parts = key.split(separator: ".").map(String.init)
            var common = 0
            while common < min(open.count, parts.count - 1), open[common] == parts[common] { common += 1 }
            open = Array(open.prefix(common))
            for part in parts[common..<(parts.count - 1)] {
                lines.append(String(repeating: "  ", count: open.count) + part + ":")
                open.append(part)
            }
            lines.append(String(repeating: "  ", count: open.count) + parts.last! + ": " + scalar(keys[key]!))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func scalar(_ value: String) -> String {
        if value == "true" || value == "false" || (!value.isEmpty && value.allSatisfy({ $0.isNumber || $0 == "." }))
            && value.filter({ $0 == "." }).count <= 1
        {
            return value
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    /// Loads with `environment` keys, `yaml` keys in a file (when any), and an empty secrets directory.
    static func load(
        environment: [String: String], yaml: [String: String] = [:], rawEnvironment: [String: String] = [:]
    ) async throws(BridgeConfigurationError) -> BridgeConfiguration {
        let directory: String
        let file: String?
        do {
            directory = try Self.directory()
            file = yaml.isEmpty ? nil : try yamlFile(yaml, in: directory)
        } catch {
            Issue.record("cannot write the fixture: \(error)")
            throw BridgeConfigurationError(problems: ["fixture"])
        }
        return try await BridgeConfiguration.load(
            environment: Self.environment(environment).merging(rawEnvironment) { $1 }, configFile: file,
            secretsDirectory: directory)
    }

    /// The problems of a configuration that must fail.
    static func problems(
        environment: [String: String], yaml: [String: String] = [:], rawEnvironment: [String: String] = [:]
    ) async -> [String] {
        do {
            let configuration = try await load(environment: environment, yaml: yaml, rawEnvironment: rawEnvironment)
            Issue.record("loaded although it should not: \(configuration.effectiveLines())")
            return []
        } catch {
            return error.problems
        }
    }
}

/// One non-secret key of DESIGN §1.4: a value other than the default, a second one for the precedence check, and
/// the keys it needs beside it.
struct KeyCase: CustomTestStringConvertible, Sendable {
    let key: String
    let value: String
    let other: String
    var companions: [String: String] = [:]
    var testDescription: String { key }
}

@Suite struct ConfigurationKeysTests {
    static let amqps = ["amqp.url": "amqps://guest:guest@localhost:5671/"]
    static let keyFile = ["smpp.tls.key_file": "/etc/bridge/client.key"]
    static let certFile = ["smpp.tls.cert_file": "/etc/bridge/client.pem"]

    /// Every non-secret key of DESIGN §1.4.
    static let cases: [KeyCase] = [
        KeyCase(key: "smpp.host", value: "smsc.example.net", other: "smsc2.example.net"),
        KeyCase(key: "smpp.port", value: "2776", other: "3775"),
        KeyCase(key: "smpp.system_id", value: "acme", other: "acme2"),
        KeyCase(key: "smpp.system_type", value: "VMA", other: "OTA"),
        KeyCase(key: "smpp.address_range", value: "^57", other: "^58"),
        KeyCase(key: "smpp.bind_type", value: "tx+rx", other: "tx"),
        KeyCase(key: "smpp.sessions", value: "3", other: "4"),
        KeyCase(key: "smpp.window", value: "25", other: "50"),
        KeyCase(key: "smpp.throughput", value: "50", other: "80"),
        KeyCase(key: "smpp.local_address", value: "127.0.0.1", other: "127.0.0.2"),
        KeyCase(key: "smpp.tls.enabled", value: "false", other: "true"),
        KeyCase(key: "smpp.tls.ca_file", value: "/etc/bridge/ca.pem", other: "/etc/ca2.pem"),
        KeyCase(key: "smpp.tls.cert_file", value: "/etc/bridge/client.pem", other: "/etc/c2.pem", companions: keyFile),
        KeyCase(key: "smpp.tls.key_file", value: "/etc/bridge/client.key", other: "/etc/k2.key", companions: certFile),
        KeyCase(key: "smpp.tls.server_name", value: "smsc.example.net", other: "other.example.net"),
        KeyCase(key: "smpp.tls.verify", value: "false", other: "true"),
        KeyCase(key: "smpp.enquire_link_interval", value: "15", other: "20"),
        KeyCase(key: "smpp.response_timeout", value: "2.5", other: "3"),
        KeyCase(key: "smpp.bind_timeout", value: "7", other: "8"),
        KeyCase(key: "smpp.connect_timeout", value: "4", other: "5"),
        KeyCase(key: "smpp.reconnect.initial_delay", value: "0.5", other: "0.25"),
        KeyCase(key: "smpp.reconnect.max_delay", value: "90", other: "120"),
        KeyCase(key: "smpp.reconnect.reset_after", value: "45", other: "60"),
        KeyCase(key: "smpp.inbound_timeout", value: "12", other: "15"),
        KeyCase(key: "smpp.max_consecutive_timeouts", value: "5", other: "0"),
        KeyCase(key: "smpp.source.addr", value: "ACME", other: "12345"),
        KeyCase(key: "smpp.source.ton", value: "5", other: "3"),
        KeyCase(key: "smpp.source.npi", value: "0", other: "1"),
        KeyCase(key: "smpp.destination.ton", value: "1", other: "2"),
        KeyCase(key: "smpp.destination.npi", value: "1", other: "8"),
        KeyCase(key: "smpp.registered_delivery", value: "false", other: "true"),
        KeyCase(key: "smpp.default_alphabet", value: "latin1", other: "gsm7-packed"),
        KeyCase(key: "smpp.concat", value: "sar", other: "payload"),
        KeyCase(key: "smpp.message_id_format", value: "hex-to-dec", other: "auto"),
        KeyCase(key: "smpp.on_timeout", value: "report", other: "resubmit"),
        KeyCase(key: "smpp.max_attempts", value: "5", other: "7"),
        KeyCase(key: "smpp.retry.initial_delay", value: "2", other: "0.5"),
        KeyCase(key: "smpp.retry.max_delay", value: "60", other: "45"),
        KeyCase(key: "smpp.retry.max_age", value: "900", other: "1200"),
        KeyCase(key: "smpp.service_type", value: "CMT", other: "WAP"),
        KeyCase(key: "smpp.protocol_id", value: "64", other: "127"),
        KeyCase(key: "smpp.gsm_part_size", value: "short-message-140", other: "standard"),
        KeyCase(key: "smpp.receipt_hold", value: "3", other: "0"),
        KeyCase(key: "smpp.mo_reassembly_timeout", value: "300", other: "60"),
        KeyCase(key: "amqp.heartbeat", value: "15", other: "45"),
        KeyCase(key: "amqp.max_message_size", value: "2097152", other: "524288"),
        KeyCase(key: "amqp.connection_name", value: "bridge-1", other: "bridge-2"),
        KeyCase(key: "amqp.tls.ca_file", value: "/etc/amqp/ca.pem", other: "/ca2.pem", companions: amqps),
        KeyCase(key: "amqp.tls.cert_file", value: "/etc/amqp/c.pem", other: "/c2.pem", companions: amqps),
        KeyCase(key: "amqp.tls.key_file", value: "/etc/amqp/k.pem", other: "/k2.pem", companions: amqps),
        KeyCase(key: "amqp.tls.verify_peer", value: "false", other: "true", companions: amqps),
        KeyCase(key: "amqp.tls.verify_hostname", value: "false", other: "true", companions: amqps),
        KeyCase(key: "amqp.queue", value: "sms.out", other: "sms.out2"),
        KeyCase(key: "amqp.exchanges.results", value: "ev.results", other: "ev.r2"),
        KeyCase(key: "amqp.exchanges.dlr", value: "ev.dlr", other: "ev.d2"),
        KeyCase(key: "amqp.exchanges.mo", value: "ev.mo", other: "ev.m2"),
        KeyCase(key: "amqp.exchanges.dead", value: "ev.dead", other: "ev.x2"),
        KeyCase(key: "amqp.dead_queue", value: "ev.deadq", other: "ev.q2"),
        KeyCase(key: "amqp.prefetch", value: "500", other: "1"),
        KeyCase(key: "amqp.declare", value: "false", other: "true"),
        KeyCase(key: "amqp.queue_type", value: "quorum", other: "classic"),
        KeyCase(key: "amqp.delivery_limit", value: "5", other: "0"),
        KeyCase(key: "amqp.address_order", value: "in_order", other: "shuffled"),
        KeyCase(key: "store.path", value: "/var/lib/bridge/store.sqlite", other: "/tmp/s.sqlite"),
        KeyCase(key: "store.ttl", value: "3600", other: "7200"),
        KeyCase(key: "cluster.instance_id", value: "node-7", other: "node-8"),
        KeyCase(key: "cluster.takeover_after", value: "45", other: "60"),
        KeyCase(key: "http.host", value: "0.0.0.0", other: "::1"),
        KeyCase(key: "http.port", value: "9090", other: "0"),
        KeyCase(key: "log.level", value: "debug", other: "error"),
        KeyCase(key: "log.format", value: "json", other: "text"),
    ]

    /// The required keys and the case's companions, without the key under test.
    static func base(for keyCase: KeyCase) -> [String: String] {
        ConfigFixture.required.merging(keyCase.companions) { $1 }.filter { $0.key != keyCase.key }
    }

    @Test(arguments: cases) func readsTheKeyFromTheEnvironment(_ keyCase: KeyCase) async throws {
        let configuration = try await ConfigFixture.load(environment: Self.base(for: keyCase).merging([keyCase.key: keyCase.value]) { $1 })
        #expect(configuration.effectiveLines().contains("\(keyCase.key) = \(keyCase.value)"))
    }

    @Test(arguments: cases) func readsTheKeyFromTheYAMLFile(_ keyCase: KeyCase) async throws {
        let configuration = try await ConfigFixture.load(
            environment: Self.base(for: keyCase), yaml: [keyCase.key: keyCase.value])
        #expect(configuration.effectiveLines().contains("\(keyCase.key) = \(keyCase.value)"))
    }

    @Test(arguments: cases) func theEnvironmentWinsOverTheFile(_ keyCase: KeyCase) async throws {
        let configuration = try await ConfigFixture.load(
            environment: Self.base(for: keyCase).merging([keyCase.key: keyCase.value]) { $1 },
            yaml: [keyCase.key: keyCase.other])
        #expect(configuration.effectiveLines().contains("\(keyCase.key) = \(keyCase.value)"))
        let fromFile = try await ConfigFixture.load(
            environment: Self.base(for: keyCase), yaml: [keyCase.key: keyCase.other])
        #expect(fromFile.effectiveLines().contains("\(keyCase.key) = \(keyCase.other)"))
    }

    @Test(arguments: cases) func anUnsetKeyKeepsItsDefault(_ keyCase: KeyCase) async throws {
        let configuration = try await ConfigFixture.load(environment: Self.base(for: keyCase).merging([keyCase.key: keyCase.value]) { $1 })
        let defaults = try await ConfigFixture.load(environment: ConfigFixture.required)
        // The value under test is not the default, so setting it changes its own line (and its companions').
        let changed = zip(configuration.effectiveLines(), defaults.effectiveLines()).filter { $0 != $1 }.map(\.0)
        #expect(changed.contains("\(keyCase.key) = \(keyCase.value)"))
        let allowed = [keyCase.key, "amqp.prefetch"] + keyCase.companions.keys + (keyCase.companions["amqp.url"] == nil ? [] : ["amqp.tls."])
        #expect(changed.allSatisfy { line in allowed.contains { line.hasPrefix($0) } }, "\(changed)")
    }

    @Test func theDefaultsAreTheDocumentedOnes() async throws {
        let configuration = try await ConfigFixture.load(environment: ConfigFixture.required)
        let outbound = configuration.outbound
        #expect(outbound.sourceAddress == nil && outbound.sourceTON == nil && outbound.sourceNPI == nil)
        #expect(outbound.destinationTON == nil && outbound.destinationNPI == nil)
        #expect(outbound.registeredDelivery)
        #expect(outbound.defaultAlphabet == .gsm7 && outbound.concat == .udh8 && outbound.messageIDFormat == .raw)
        #expect(outbound.onTimeout == .resubmit && outbound.maxAttempts == 3)
        #expect(outbound.retryInitialDelay == .seconds(1) && outbound.retryMaxDelay == .seconds(30))
        #expect(outbound.retryMaxAge == .seconds(600) && outbound.serviceType == "" && outbound.protocolID == 0)
        #expect(outbound.gsmPartSize == .standard)
        #expect(outbound.receiptHold == .seconds(5) && outbound.moReassemblyTimeout == .seconds(120))
        let broker = configuration.broker
        #expect(broker.queue == "smpp.outbound" && broker.resultsExchange == "smpp.results")
        #expect(broker.dlrExchange == "smpp.dlr" && broker.moExchange == "smpp.mo")
        #expect(broker.deadExchange == "smpp.dead" && broker.deadQueue == "smpp.dead")
        #expect(broker.prefetch == nil && broker.declare && broker.queueType == "classic" && broker.deliveryLimit == 20)
        #expect(configuration.amqp.addressOrder == .shuffled && configuration.amqp.addresses.count == 1)
        #expect(configuration.store.path == "smpp-bridge.sqlite" && configuration.store.url == nil)
        #expect(configuration.store.ttl == .seconds(72 * 3600))
        #expect(!configuration.cluster.instanceID.isEmpty && configuration.cluster.takeoverAfter == .seconds(30))
        #expect(configuration.http.host == "127.0.0.1" && configuration.http.port == 8080)
        #expect(configuration.log.level == .info && configuration.log.format == .text)
        #expect(configuration.effectiveLines().contains("amqp.prefetch = (auto: 20)"))
    }

    @Test func typedValuesReachTheSettings() async throws {
        let configuration = try await ConfigFixture.load(
            environment: ConfigFixture.required,
            yaml: [
                "smpp.source.addr": "12345", "smpp.source.ton": "3", "smpp.retry.max_age": "1.75",
                "amqp.prefetch": "64", "log.level": "trace", "smpp.on_timeout": "report",
            ])
        #expect(configuration.outbound.sourceAddress == "12345")
        #expect(configuration.outbound.sourceTON == 3)
        #expect(configuration.outbound.retryMaxAge == .milliseconds(1750))
        #expect(configuration.outbound.onTimeout == .report)
        #expect(configuration.broker.effectivePrefetch(sessions: 9, window: 9) == 64)
        #expect(configuration.log.level == .trace)
    }

    @Test func effectiveLinesCoverEveryKeyOnce() async throws {
        let configuration = try await ConfigFixture.load(environment: ConfigFixture.required)
        let keys = configuration.effectiveLines().map { String($0.prefix { $0 != " " }) }
        let secrets = ["smpp.password", "amqp.url", "amqp.tls.key_password", "store.url"]
        #expect(Set(keys) == Set(Self.cases.map(\.key) + secrets))
        #expect(keys.count == Set(keys).count)
        #expect(configuration.effectiveLines().allSatisfy { $0.contains(" = ") })
    }

    @Test func derivedPrefetchIsSessionsTimesWindowTimesTwoCapped() {
        var broker = BrokerSettings()
        #expect(broker.effectivePrefetch(sessions: 4, window: 100) == 800)
        #expect(broker.effectivePrefetch(sessions: 1, window: 10) == 20)
        #expect(broker.effectivePrefetch(sessions: 0, window: 10) == 1)
        #expect(broker.effectivePrefetch(sessions: 1_000, window: 1_000) == UInt16(BrokerSettings.derivedPrefetchCap))
        #expect(broker.effectivePrefetch(sessions: .max, window: .max) == UInt16(BrokerSettings.derivedPrefetchCap))
        broker.prefetch = 7
        #expect(broker.effectivePrefetch(sessions: 4, window: 100) == 7)
    }
}
