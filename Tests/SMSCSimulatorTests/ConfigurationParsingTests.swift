import Testing

@testable import SMSCSimulator

@Suite struct ConfigurationParsingTests {
    @Test func accounts() throws {
        #expect(try SimulatorAccount(parsing: "acme:secret") == SimulatorAccount(systemID: "acme", password: "secret", maxSessions: 10))
        #expect(try SimulatorAccount(parsing: "acme:secret:2").maxSessions == 2)
        #expect(try SimulatorAccount(parsing: "acme::1").password == "")
        for bad in ["acme", ":pw", "acme:pw:0", "acme:pw:x", "acme:toolongpassword", "a:b:1:2", "sixteencharacter:pw"] {
            #expect(throws: SimulatorConfigurationError.self, "\(bad)") { try SimulatorAccount(parsing: bad) }
        }
    }

    @Test func listenAddresses() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:2775", option: "--listen") == ListenAddress(host: "127.0.0.1", port: 2775))
        #expect(try ListenAddress(parsing: "[::1]:0", option: "--listen") == ListenAddress(host: "::1", port: 0))
        #expect(try ListenAddress(parsing: "2776", option: "--listen") == ListenAddress(host: "127.0.0.1", port: 2776))
        for bad in ["host:", ":1", "h:70000", "[::1]2775", "h:-1"] {
            #expect(throws: SimulatorConfigurationError.self, "\(bad)") { try ListenAddress(parsing: bad, option: "--listen") }
        }
    }

    @Test func listenerPlan() throws {
        let listen = ListenAddress(host: "127.0.0.1", port: 2775)
        let tlsListen = ListenAddress(host: "127.0.0.1", port: 2776)
        #expect(try ListenerPlan(listen: listen, tlsListen: nil, hasCertificate: false) == ListenerPlan(plain: listen, tls: nil))
        #expect(try ListenerPlan(listen: listen, tlsListen: nil, hasCertificate: true) == ListenerPlan(plain: nil, tls: listen))
        #expect(try ListenerPlan(listen: listen, tlsListen: tlsListen, hasCertificate: true) == ListenerPlan(plain: listen, tls: tlsListen))
        #expect(throws: SimulatorConfigurationError.self) { try ListenerPlan(listen: listen, tlsListen: tlsListen, hasCertificate: false) }
    }

    @Test func latency() throws {
        #expect(try LatencyDistribution(latency: nil, latencyMax: nil) == .none)
        #expect(try LatencyDistribution(latency: 20, latencyMax: nil) == .fixed(milliseconds: 20))
        #expect(try LatencyDistribution(latency: 10, latencyMax: 50) == .uniform(minMilliseconds: 10, maxMilliseconds: 50))
        #expect(try LatencyDistribution(latency: nil, latencyMax: 5) == .uniform(minMilliseconds: 0, maxMilliseconds: 5))
        #expect(throws: SimulatorConfigurationError.self) { try LatencyDistribution(latency: 50, latencyMax: 10) }
        #expect(throws: SimulatorConfigurationError.self) { try LatencyDistribution(latency: -1, latencyMax: nil) }
        var random = SimulatorRandom(seed: 3)
        let samples = (0..<2000).map { _ in LatencyDistribution.uniform(minMilliseconds: 10, maxMilliseconds: 12).sample(using: &random) }
        #expect(Set(samples) == [10, 11, 12])
        #expect(LatencyDistribution.fixed(milliseconds: 7).sample(using: &random) == 7)
    }

    @Test func configurationValidation() throws {
        var configuration = SMSCSimulatorConfiguration(accounts: [SimulatorAccount(systemID: "a", password: "b")])
        try configuration.validate()
        configuration.faults.throttleRate = 0.7
        configuration.faults.queueFullRate = 0.4
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        configuration.faults.queueFullRate = 0.3
        try configuration.validate()
        configuration.faults.dropRate = 1.5
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        configuration.faults.dropRate = 0
        configuration.tlsListen = ListenAddress(host: "127.0.0.1", port: 0)
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        #expect(throws: SimulatorConfigurationError.self) { try SMSCSimulatorConfiguration().validate() }
    }

    @Test func absurdValuesAreRefusedNotTrapped() throws {
        let base = SMSCSimulatorConfiguration(accounts: [SimulatorAccount(systemID: "a", password: "b")])
        var configuration = base
        configuration.faults.throttleRate = .nan
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        configuration = base
        configuration.dlrDelayMilliseconds = Int64.max
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        configuration = base
        configuration.faults.latency = .fixed(milliseconds: Int64.max)
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        configuration = base
        configuration.faults.sendUnbindAfterMilliseconds = -1
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        configuration = base
        configuration.moRatePerSecond = 1e-300
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        configuration = base
        configuration.enquireLinkIntervalMilliseconds = 0
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
    }
}
