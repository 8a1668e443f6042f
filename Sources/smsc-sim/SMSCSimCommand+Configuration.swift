import SMSCSimulator

extension SMSCSimCommand {
    /// Turns the options into a simulator configuration; every malformed value is a `SimulatorConfigurationError`
    /// naming its option.
    func makeConfiguration() throws(SimulatorConfigurationError) -> SMSCSimulatorConfiguration {
        var configuration = SMSCSimulatorConfiguration()
        let listenAddress = try ListenAddress(parsing: listen, option: "--listen")
        let tlsAddress = try tlsListen.map { text throws(SimulatorConfigurationError) in
            try ListenAddress(parsing: text, option: "--tls-listen")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw SimulatorConfigurationError(
                code: .inconsistent, option: "--tls-cert", value: tlsCert ?? tlsKey ?? "",
                reason: "--tls-cert and --tls-key go together")
        }
        let plan = try ListenerPlan(listen: listenAddress, tlsListen: tlsAddress, hasCertificate: tlsCert != nil)
        configuration.plainListen = plan.plain
        configuration.tlsListen = plan.tls
        configuration.tlsCertificatePath = tlsCert
        configuration.tlsPrivateKeyPath = tlsKey
        configuration.tlsClientCAPath = tlsClientCA

        configuration.accounts = try account.map { text throws(SimulatorConfigurationError) in
            try SimulatorAccount(parsing: text)
        }
        guard let limit = SessionLimitResponse(rawValue: sessionLimitStatus.lowercased()) else {
            throw SimulatorConfigurationError(
                code: .inconsistent, option: "--session-limit-status", value: sessionLimitStatus,
                reason: "use ralybnd or rbindfail")
        }
        configuration.sessionLimitResponse = limit
        configuration.systemID = systemID
        configuration.sessionInitTimeoutMilliseconds = sessionInitTimeout
        configuration.enquireLinkIntervalMilliseconds = try enquireLinkInterval.map { seconds throws(SimulatorConfigurationError) in
            try Self.milliseconds(seconds, option: "--enquire-link-interval")
        }

        configuration.dlrDelayMilliseconds = dlrDelay
        configuration.dlrFinalDelayMilliseconds = dlrFinalDelay
        configuration.dlrOutcomes = try OutcomeMix(parsing: dlrOutcomes)
        configuration.dlrOnlyWhenRequested = !dlrAlways
        configuration.messageIDFormat = try Self.idFormat(messageIDFormat, option: "--message-id-format")
        configuration.receiptIDFormat = try receiptIDFormat.map { text throws(SimulatorConfigurationError) in
            try Self.idFormat(text, option: "--receipt-id-format")
        }
        configuration.messageIDStart = messageIDStart
        configuration.redeliveryDelayMilliseconds = redeliveryDelay

        var faults = SimulatorFaults()
        faults.latency = try LatencyDistribution(latency: latency, latencyMax: latencyMax)
        faults.throttleRate = throttleRate
        faults.queueFullRate = queueFullRate
        faults.noResponseRate = noResponseRate
        faults.acceptWithoutResponseRate = acceptWithoutResponseRate
        faults.genericNackRate = genericNackRate
        faults.malformedRate = malformedRate
        faults.dropAfterPDUs = dropAfter
        faults.dropRate = dropRate
        faults.ignoreEnquireLink = ignoreEnquireLink
        faults.refuseFirstBinds = refuseBinds
        faults.receiptBeforeResponseRate = receiptBeforeResponseRate
        faults.sendUnbindAfterMilliseconds = try sendUnbindAfter.map { seconds throws(SimulatorConfigurationError) in
            try Self.milliseconds(seconds, option: "--send-unbind-after")
        }
        configuration.faults = faults

        configuration.moRatePerSecond = moRate
        configuration.moLongFraction = moLongFraction
        configuration.moSourceAddress = moSource
        configuration.moDestinationAddress = moDestination
        configuration.recordPath = record
        // The command never reads records back; a long-running simulator must not grow without bound.
        configuration.keepRecordsInMemory = false
        configuration.seed = seed
        return configuration
    }

    /// Seconds as given on the command line → whole milliseconds; refuses NaN, negative and absurd values
    /// (more than 10⁶ s) instead of trapping on the conversion.
    static func milliseconds(_ seconds: Double, option: String) throws(SimulatorConfigurationError) -> Int64 {
        guard seconds.isFinite, seconds >= 0, seconds <= 1_000_000 else {
            throw SimulatorConfigurationError(code: .invalidLatency, option: option, value: "\(seconds)", reason: "must be 0…1000000 seconds")
        }
        return Int64((seconds * 1000).rounded())
    }

    private static func idFormat(_ text: String, option: String) throws(SimulatorConfigurationError) -> MessageIDFormat {
        guard let format = MessageIDFormat(rawValue: text.lowercased()) else {
            throw SimulatorConfigurationError(code: .inconsistent, option: option, value: text, reason: "use hex or dec")
        }
        return format
    }
}
