import BridgeCore
import Testing

/// A malformed value and the key its problem must name.
struct BadValue: CustomTestStringConvertible, Sendable {
    let key: String
    let value: String
    var testDescription: String { "\(key)=\(value)" }
}

@Suite struct ConfigurationProblemsTests {
    /// Malformed values of the bridge's own keys (each problem is collected, none stops the others).
    static let bridgeKeys: [BadValue] = [
        BadValue(key: "smpp.source.addr", value: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        BadValue(key: "smpp.source.ton", value: "7"),
        BadValue(key: "smpp.source.npi", value: "2"),
        BadValue(key: "smpp.destination.ton", value: "x"),
        BadValue(key: "smpp.destination.npi", value: "256"),
        BadValue(key: "smpp.registered_delivery", value: "maybe"),
        BadValue(key: "smpp.default_alphabet", value: "utf8"),
        BadValue(key: "smpp.concat", value: "udh"),
        BadValue(key: "smpp.gsm_part_size", value: "134"),
        BadValue(key: "smpp.message_id_format", value: "hex"),
        BadValue(key: "smpp.on_timeout", value: "retry"),
        BadValue(key: "smpp.max_attempts", value: "0"),
        BadValue(key: "smpp.retry.initial_delay", value: "-1"),
        BadValue(key: "smpp.retry.max_delay", value: "soon"),
        BadValue(key: "smpp.retry.max_age", value: "0"),
        BadValue(key: "smpp.service_type", value: "TOOLONG"),
        BadValue(key: "smpp.protocol_id", value: "256"),
        BadValue(key: "smpp.receipt_hold", value: "1e99"),
        BadValue(key: "smpp.mo_reassembly_timeout", value: "-5"),
        BadValue(key: "amqp.queue", value: "amq.outbound"),
        BadValue(key: "amqp.exchanges.results", value: ""),
        BadValue(key: "amqp.exchanges.dlr", value: String(repeating: "d", count: 256)),
        BadValue(key: "amqp.exchanges.mo", value: "amq.topic"),
        BadValue(key: "amqp.exchanges.dead", value: ""),
        BadValue(key: "amqp.dead_queue", value: ""),
        BadValue(key: "amqp.prefetch", value: "65536"),
        BadValue(key: "amqp.declare", value: "sometimes"),
        BadValue(key: "amqp.queue_type", value: "stream"),
        BadValue(key: "amqp.delivery_limit", value: "10001"),
        BadValue(key: "store.path", value: ""),
        BadValue(key: "store.ttl", value: "forever"),
        BadValue(key: "cluster.instance_id", value: ""),
        BadValue(key: "cluster.takeover_after", value: "0"),
        BadValue(key: "http.host", value: ""),
        BadValue(key: "http.port", value: "65536"),
        BadValue(key: "log.level", value: "verbose"),
        BadValue(key: "log.format", value: "xml"),
    ]

    /// Malformed values of keys the session readers own.
    static let sessionKeys: [BadValue] = [
        BadValue(key: "smpp.port", value: "27x5"),
        BadValue(key: "smpp.bind_type", value: "both"),
        BadValue(key: "smpp.window", value: "0"),
        // A line break in a quoted value is escaped: still one line naming its key.
        BadValue(key: "smpp.window", value: "ten\nsmpp.fake: no"),
        BadValue(key: "amqp.heartbeat", value: "x\r\ny"),
        // Passed before and trapped at start (window × 2 overflowed).
        BadValue(key: "smpp.window", value: "9223372036854775807"),
        BadValue(key: "smpp.tls.verify", value: "perhaps"),
        BadValue(key: "smpp.response_timeout", value: "-1"),
        BadValue(key: "amqp.heartbeat", value: "1.5"),
        BadValue(key: "amqp.url", value: "http://127.0.0.1/"),
        BadValue(key: "amqp.url", value: "amqp://u:p@a/,amqp://u:p@a/"),
        BadValue(key: "amqp.address_order", value: "random"),
    ]

    @Test(arguments: bridgeKeys + sessionKeys) func aMalformedValueIsOneLineNamingItsKey(_ bad: BadValue) async {
        let problems = await ConfigFixture.problems(
            environment: ConfigFixture.required.merging([bad.key: bad.value]) { $1 })
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix(bad.key + ": ") == true, "\(problems)")
        #expect(problems.allSatisfy { !$0.contains("\n") })
    }

    @Test(arguments: bridgeKeys) func aMalformedValueInTheFileNamesItsKeyToo(_ bad: BadValue) async {
        let problems = await ConfigFixture.problems(environment: ConfigFixture.required, yaml: [bad.key: bad.value])
        #expect(problems.count == 1 && problems.first?.hasPrefix(bad.key + ": ") == true, "\(problems)")
    }

    @Test func everyProblemIsReportedTogether() async {
        var environment = ConfigFixture.required
        for bad in Self.bridgeKeys { environment[bad.key] = bad.value }
        environment["smpp.port"] = "27x5"
        environment["smpp.window"] = "ten"
        environment["amqp.heartbeat"] = "x"
        environment["amqp.address_order"] = "random"
        let problems = await ConfigFixture.problems(environment: environment)
        let named = problems.map { String($0.prefix { $0 != ":" }) }
        #expect(named == Self.bridgeKeysInReadingOrder(
            smpp: ["smpp.port", "smpp.window"], amqp: ["amqp.heartbeat", "amqp.address_order"]))
    }

    /// The session reader's problems come first in their scope, then the bridge keys of that scope.
    static func bridgeKeysInReadingOrder(smpp sessionProblems: [String], amqp brokerProblems: [String]) -> [String] {
        let smpp = bridgeKeys.map(\.key).filter { $0.hasPrefix("smpp.") }
        let amqp = bridgeKeys.map(\.key).filter { $0.hasPrefix("amqp.") }
        let rest = bridgeKeys.map(\.key).filter { !$0.hasPrefix("smpp.") && !$0.hasPrefix("amqp.") }
        return sessionProblems + smpp + brokerProblems + amqp + rest
    }

    /// The session's range checks report every problem too (they stopped at the first).
    @Test func everySessionRangeProblemIsReported() async {
        let problems = await ConfigFixture.problems(
            environment: ConfigFixture.required.merging(["smpp.window": "0", "smpp.sessions": "0", "smpp.port": "70000"]) {
                $1
            })
        let named = Set(problems.map { String($0.prefix { $0 != ":" }) })
        #expect(named == ["smpp.port", "smpp.sessions", "smpp.window"], "\(problems)")
    }

    /// Every bind field too long at once (the encoder stopped at the first): the onboarding values are typed in
    /// together, so they are checked together.
    @Test func everyBindFieldProblemIsReported() async {
        let problems = await ConfigFixture.problems(
            environment: ConfigFixture.required.merging([
                "smpp.system_id": String(repeating: "s", count: 16), "smpp.password": "123456789",
                "smpp.system_type": String(repeating: "t", count: 13),
            ]) { $1 })
        #expect(problems == [
            "smpp.system_id: is longer than 15 characters", "smpp.password: is longer than 8 characters",
            "smpp.system_type: is longer than 12 characters",
        ], "\(problems)")
        #expect(!problems.joined().contains("123456789"))
    }

    /// Every missing required key at once (the session and broker readers reported only their first).
    @Test func missingRequiredKeysAreNamed() async {
        let problems = await ConfigFixture.problems(environment: [:])
        #expect(problems == [
            "smpp.host: is required", "smpp.system_id: is required", "smpp.password: is required",
            "amqp.url: is required",
        ])
    }

    @Test func retryMaxDelayMustNotBeShorterThanTheInitialDelay() async {
        let problems = await ConfigFixture.problems(
            environment: ConfigFixture.required.merging(["smpp.retry.initial_delay": "10", "smpp.retry.max_delay": "5"]) {
                $1
            })
        #expect(problems == ["smpp.retry.max_delay: must not be shorter than smpp.retry.initial_delay"])
    }

    /// Values valid one by one that contradict each other: a receipt hold as long as the session's own answer
    /// deadline (every held receipt refused), a store TTL within the MO reassembly timeout (parts deleted before
    /// they are published). Each is one line naming the key; the defaults (5 s < 10 s, 72 h > 120 s) pass.
    @Test func contradictoryTimingsAreProblems() async throws {
        func problems(_ values: [String: String]) async -> [String] {
            await ConfigFixture.problems(environment: ConfigFixture.required.merging(values) { $1 })
        }
        _ = try await ConfigFixture.load(environment: ConfigFixture.required)
        #expect(await problems(["smpp.receipt_hold": "10"]) == [
            "smpp.receipt_hold: 10 must be at least 1 shorter than smpp.inbound_timeout (10), which answers a held "
                + "receipt's deliver_sm ESME_RX_T_APPN: after the hold the receipt is still looked up and published",
        ])
        // Within the margin: the receipt that waits out its hold is still looked up, published and confirmed.
        #expect(await problems(["smpp.receipt_hold": "9.5"]).count == 1)
        _ = try await ConfigFixture.load(
            environment: ConfigFixture.required.merging(["smpp.receipt_hold": "9", "smpp.inbound_timeout": "10"]) { $1 })
        _ = try await ConfigFixture.load(
            environment: ConfigFixture.required.merging(["smpp.receipt_hold": "20", "smpp.inbound_timeout": "30"]) { $1 })
        #expect(await problems(["store.ttl": "3599"]) == [
            "store.ttl: 3599 must be at least 3600 (1 h): the id of an MO the broker may hold unconfirmed is kept that "
                + "long for its redelivery",
        ])
        _ = try await ConfigFixture.load(environment: ConfigFixture.required.merging(["store.ttl": "3600"]) { $1 })
    }

    /// Keys that would make a setting not in force, or switch a feature off unnoticed: a takeover too short for a
    /// lease round, a retry age no retry fits in, a reconnect ceiling below its first delay. A first retry delay
    /// longer than the default ceiling raises the ceiling (as the policy runs), and check-config prints that.
    @Test func settingsThatCannotTakeEffectAreProblems() async throws {
        func problems(_ values: [String: String]) async -> [String] {
            await ConfigFixture.problems(environment: ConfigFixture.required.merging(values) { $1 })
        }
        #expect(await problems(["cluster.takeover_after": "2.5"]).first?.hasPrefix("cluster.takeover_after: must be at least 3 seconds") == true)
        _ = try await ConfigFixture.load(environment: ConfigFixture.required.merging(["cluster.takeover_after": "3"]) { $1 })
        #expect(await problems(["smpp.retry.initial_delay": "600"]).first?.hasPrefix("smpp.retry.max_age: must be longer than") == true)
        #expect(await problems(["smpp.reconnect.initial_delay": "120", "smpp.reconnect.max_delay": "90"])
            == ["smpp.reconnect.max_delay: must not be shorter than smpp.reconnect.initial_delay"])
        let raised = try await ConfigFixture.load(environment: ConfigFixture.required.merging([
            "smpp.retry.initial_delay": "45", "smpp.reconnect.initial_delay": "120",
        ]) { $1 })
        #expect(raised.outbound.retryMaxDelay == .seconds(45))
        #expect(raised.effectiveLines().contains("smpp.reconnect.max_delay = 120"))
        // No hold at all is no contradiction, whatever the answer deadline.
        _ = try await ConfigFixture.load(environment: ConfigFixture.required.merging([
            "smpp.receipt_hold": "0", "smpp.inbound_timeout": "0.5", "smpp.response_timeout": "5",
        ]) { $1 })
    }

    /// Loads the YAML `text` with the required keys in the environment; the problems, or [] when it loads.
    func problems(ofYAML text: String) async throws -> (problems: [String], file: String) {
        let directory = try ConfigFixture.directory()
        let file = directory + "/bridge.yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try await BridgeConfiguration.load(
                environment: ConfigFixture.environment(ConfigFixture.required), configFile: file,
                secretsDirectory: directory)
            return ([], file)
        } catch {
            return (error.problems, file)
        }
    }

    /// A list where a value belongs was read as an absent key (the default used, check-config silent); a misspelt
    /// key was ignored the same way. Both are problems now; a file of comments only is an empty configuration.
    @Test func wrongTypesAndUnknownKeysInTheFileAreProblems() async throws {
        let lists = try await problems(ofYAML: "smpp.sessions: [4]\nlog:\n  level: [debug]\n")
        #expect(lists.problems == ["smpp.sessions: must be an integer", "log.level: must be a string"], "\(lists.problems)")
        let misspelt = try await problems(ofYAML: "smpp.sesions: 4\nsmpp:\n  source:\n    address: ACME\nhttp.port: 8081\nsomething_else: 1\n")
        #expect(misspelt.problems == [
            "smpp.sesions: is not a configuration key (in \(misspelt.file)); did you mean smpp.sessions?",
            "smpp.source.address: is not a configuration key (in \(misspelt.file)); did you mean smpp.source.addr?",
            "something_else: is not a configuration key (in \(misspelt.file))",
        ], "\(misspelt.problems)")
        let comments = try await problems(ofYAML: "# everything comes from the environment\n\n")
        #expect(comments.problems.isEmpty, "\(comments.problems)")
        let emptySection = try await problems(ofYAML: "smpp:\n  # window: 50\nlog:\n  level: info\n")
        #expect(emptySection.problems.isEmpty, "a section left empty is no key: \(emptySection.problems)")
        #expect(BridgeConfiguration.keys.count > 60 && BridgeConfiguration.keys.contains("smpp.gsm_part_size"))
    }

    @Test func aMissingConfigFileIsAProblem() async throws {
        let directory = try ConfigFixture.directory()
        do {
            _ = try await BridgeConfiguration.load(
                environment: ConfigFixture.environment(ConfigFixture.required),
                configFile: directory + "/absent.yaml", secretsDirectory: directory)
            Issue.record("loaded without its file")
        } catch {
            #expect(error.problems == ["\(directory)/absent.yaml: the configuration file does not exist"])
        }
    }

    @Test func aMissingSecretsDirectoryGivenExplicitlyIsAProblem() async throws {
        do {
            _ = try await BridgeConfiguration.load(
                environment: ConfigFixture.environment(ConfigFixture.required), configFile: nil,
                secretsDirectory: "/nonexistent/secrets")
            Issue.record("loaded without its secrets directory")
        } catch {
            #expect(error.problems == ["secrets directory /nonexistent/secrets: is not a directory"])
        }
    }
}
