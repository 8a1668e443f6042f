import Configuration
import NIOCore
import SMPPNIO
import Testing

@Suite struct SMPPConfigReaderTests {
    static let required: [AbsoluteConfigKey: ConfigValue] = [
        "smpp.host": "smsc.example", "smpp.system_id": "acme", "smpp.password": "s3cr3t!",
    ]

    /// A reader over `values` (merged over the required keys), scoped to `smpp` as the initializer expects.
    func configuration(_ values: [AbsoluteConfigKey: ConfigValue]) throws(SMPPClientError) -> SMPPClientConfiguration {
        let merged = Self.required.merging(values) { $1 }
        let reader = ConfigReader(provider: InMemoryProvider(values: merged)).scoped(to: "smpp")
        return try SMPPClientConfiguration(configReader: reader)
    }

    /// The error text for `values`, or nil when they are accepted.
    func failure(_ values: [AbsoluteConfigKey: ConfigValue], dropping: AbsoluteConfigKey? = nil) -> String? {
        var merged = Self.required.merging(values) { $1 }
        if let dropping { merged[dropping] = nil }
        let reader = ConfigReader(provider: InMemoryProvider(values: merged)).scoped(to: "smpp")
        do throws(SMPPClientError) {
            _ = try SMPPClientConfiguration(configReader: reader)
            return nil
        } catch {
            #expect(error.code == .invalidConfiguration)
            let text = "\(error) \(error.detail ?? "")"
            #expect(!text.contains("s3cr3t!"))
            return error.detail
        }
    }

    @Test func defaultsMatchTheStruct() throws {
        let read = try configuration([:])
        let plain = SMPPClientConfiguration(host: "smsc.example", systemID: "acme", password: "s3cr3t!")
        #expect(read.host == "smsc.example" && read.systemID == "acme" && read.password == "s3cr3t!")
        #expect(read.port == plain.port && read.systemType == plain.systemType)
        #expect(read.addressRange == plain.addressRange && read.bindType == plain.bindType)
        #expect(read.sessions == plain.sessions && read.window == plain.window && read.throughput == plain.throughput)
        #expect(read.enquireLinkInterval == plain.enquireLinkInterval)
        #expect(read.responseTimeout == plain.responseTimeout && read.bindTimeout == plain.bindTimeout)
        #expect(read.connectTimeout == plain.connectTimeout)
        #expect(read.reconnectInitialDelay == plain.reconnectInitialDelay)
        #expect(read.reconnectMaxDelay == plain.reconnectMaxDelay && read.localAddress == nil)
        #expect(read.tls.enabled && read.tls.verify && read.tls.caFile == nil && read.tls.certificateFile == nil)
        #expect(read.tls.keyFile == nil && read.tls.serverName == nil)
    }

    /// Issue 10 items 6, 11, 14: the new keys, their defaults, and their checks naming the key.
    @Test func inboundTimeoutResetAfterAndConsecutiveTimeoutKeys() throws {
        let defaults = try configuration([:])
        #expect(defaults.inboundTimeout == .seconds(10))
        #expect(defaults.reconnectResetAfter == .seconds(30))
        #expect(defaults.maxConsecutiveTimeouts == 3)
        #expect(defaults.warnings.isEmpty)
        let read = try configuration([
            "smpp.inbound_timeout": 2.5, "smpp.reconnect.reset_after": "45", "smpp.max_consecutive_timeouts": 0,
        ])
        #expect(read.inboundTimeout == .milliseconds(2_500))
        #expect(read.reconnectResetAfter == .seconds(45))
        #expect(read.maxConsecutiveTimeouts == 0)
        #expect(failure(["smpp.inbound_timeout": 0])?.contains("smpp.inbound_timeout") == true)
        #expect(failure(["smpp.max_consecutive_timeouts": -1])?.contains("smpp.max_consecutive_timeouts") == true)
        #expect(failure(["smpp.reconnect.reset_after": -1])?.contains("smpp.reconnect.reset_after") == true)
        let risky = try configuration(["smpp.inbound_timeout": 30, "smpp.response_timeout": 20])
        #expect(risky.warnings.count == 1)
        #expect(risky.warnings.first?.contains("smpp.inbound_timeout") == true)
    }

    @Test func everyKeyIsRead() throws {
        let read = try configuration([
            "smpp.port": 3775, "smpp.system_type": "VMA", "smpp.address_range": "^123",
            "smpp.bind_type": "tx+rx", "smpp.sessions": 3, "smpp.window": 20, "smpp.throughput": 50,
            "smpp.enquire_link_interval": 0.5, "smpp.response_timeout": 12, "smpp.bind_timeout": 7.25,
            "smpp.connect_timeout": "4", "smpp.reconnect.initial_delay": 0.1, "smpp.reconnect.max_delay": 90,
            "smpp.local_address": "192.0.2.7", "smpp.tls.enabled": false, "smpp.tls.ca_file": "/etc/ca.pem",
            "smpp.tls.cert_file": "/etc/c.pem", "smpp.tls.key_file": "/etc/c.key",
            "smpp.tls.server_name": "smsc.test", "smpp.tls.verify": "false",
        ])
        #expect(read.port == 3775 && read.systemType == "VMA" && read.addressRange == "^123")
        #expect(read.bindType == .transmitterAndReceiver && read.sessions == 3 && read.window == 20)
        #expect(read.throughput == 50)
        #expect(read.enquireLinkInterval == .milliseconds(500) && read.responseTimeout == .seconds(12))
        #expect(read.bindTimeout == .milliseconds(7250) && read.connectTimeout == .seconds(4))
        #expect(read.reconnectInitialDelay == .milliseconds(100) && read.reconnectMaxDelay == .seconds(90))
        #expect(read.localAddress == "192.0.2.7")
        #expect(!read.tls.enabled && !read.tls.verify && read.tls.caFile == "/etc/ca.pem")
        #expect(read.tls.certificateFile == "/etc/c.pem" && read.tls.keyFile == "/etc/c.key")
        #expect(read.tls.serverName == "smsc.test")
    }

    @Test func textValuesAsEnvironmentVariablesCarryThem() throws {
        let read = try configuration(["smpp.port": "2776", "smpp.window": " 5 ", "smpp.tls.enabled": "no",
                                      "smpp.response_timeout": "2.5"])
        #expect(read.port == 2776 && read.window == 5 && !read.tls.enabled)
        #expect(read.responseTimeout == .milliseconds(2500))
    }

    @Test func everyBindTypeIsAccepted() throws {
        for bindType in SMPPClientConfiguration.BindType.allCases {
            #expect(try configuration(["smpp.bind_type": .init(stringLiteral: bindType.rawValue)]).bindType == bindType)
        }
    }

    @Test(arguments: ["smpp.host", "smpp.system_id", "smpp.password"] as [AbsoluteConfigKey])
    func missingRequiredKeyIsNamed(key: AbsoluteConfigKey) {
        #expect(failure([:], dropping: key) == "\(key): is required")
    }

    @Test func wrongValuesNameTheirKey() {
        let cases: [(AbsoluteConfigKey, ConfigValue)] = [
            ("smpp.bind_type", "foo"), ("smpp.port", "27x5"), ("smpp.port", 70_000), ("smpp.port", true),
            ("smpp.host", 5), ("smpp.system_type", 1.5), ("smpp.address_range", false), ("smpp.sessions", "many"),
            ("smpp.sessions", 0), ("smpp.window", 0.5), ("smpp.throughput", -1), ("smpp.throughput", "x"),
            ("smpp.enquire_link_interval", "soon"), ("smpp.response_timeout", -1), ("smpp.bind_timeout", true),
            ("smpp.connect_timeout", 1e300), ("smpp.reconnect.initial_delay", 0),
            ("smpp.reconnect.max_delay", "later"), ("smpp.local_address", "not-an-ip"),
            ("smpp.tls.enabled", "maybe"), ("smpp.tls.enabled", 2.5), ("smpp.tls.ca_file", 1),
            ("smpp.tls.cert_file", "/only/cert.pem"), ("smpp.tls.key_file", true), ("smpp.tls.server_name", 3),
            ("smpp.tls.verify", "sometimes"), ("smpp.system_id", "a-very-long-system-id"),
        ]
        for (key, value) in cases {
            let detail = failure([key: value])
            #expect(detail?.hasPrefix("\(key):") == true, "\(key) = \(value): \(detail ?? "accepted")")
        }
        #expect(failure(["smpp.bind_type": "foo"]) == "smpp.bind_type: \"foo\" is not one of tx, rx, trx, tx+rx")
    }

    @Test func thePasswordIsNeverInTheError() {
        #expect(failure(["smpp.password": 12_345]) == "smpp.password: must be a string")
        #expect(failure(["smpp.password": "s3cr3t!-too-long"]) == "smpp.password: is longer than 8 characters")
        #expect(failure(["smpp.password": .init(.string("s3cr3t!"), isSecret: true), "smpp.port": "x"]) != nil)
    }
}
