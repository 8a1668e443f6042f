public import NIOCore

extension SMPPClientConfiguration {
    /// Checks what the wire or the socket API cannot carry, naming the configuration key at fault (never a secret's
    /// value). `SMPPClient.run()` calls it first.
    /// - Throws: ``SMPPClientError`` with code `.invalidConfiguration`.
    public func validate() throws(SMPPClientError) {
        func fail(_ key: String, _ reason: String) -> SMPPClientError {
            SMPPClientError(code: .invalidConfiguration, detail: "\(key): \(reason)")
        }
        if host.isEmpty { throw fail("smpp.host", "is empty") }
        if !(1...65_535).contains(port) { throw fail("smpp.port", "\(port) is not a TCP port") }
        // C-Octet String maxima of bind (reference/SMPP-3.4.md §3), terminating NUL excluded, counted as the encoder
        // writes them: one octet per character, Latin-1 only, no NUL. A value the encoder refuses would otherwise
        // pass here and end every bind attempt in a bind timeout, retried forever.
        if systemID.isEmpty { throw fail("smpp.system_id", "must be 1–15 characters") }
        for (key, value, maximum) in [("smpp.system_id", systemID, 15), ("smpp.password", password, 8),
                                      ("smpp.system_type", systemType, 12), ("smpp.address_range", addressRange, 40)] {
            if let problem = Self.cOctetStringProblem(value, maximum: maximum) { throw fail(key, problem) }
        }
        if sessions < 1 { throw fail("smpp.sessions", "must be at least 1") }
        if sessions > Self.maximumSessions { throw fail("smpp.sessions", "must be at most \(Self.maximumSessions)") }
        if window < 1 { throw fail("smpp.window", "must be at least 1") }
        if throughput < 0 { throw fail("smpp.throughput", "must be 0 (unlimited) or more") }
        if maxInboundInFlight < 1 { throw fail("maxInboundInFlight", "must be at least 1") }
        if maxConsecutiveTimeouts < 0 { throw fail("smpp.max_consecutive_timeouts", "must be 0 (never) or more") }
        if reconnectResetAfter < .zero { throw fail("smpp.reconnect.reset_after", "must not be negative") }
        // Below ~1 KiB a legal deliver_sm (254-octet short_message plus TLVs) is refused and the session loops
        // through reconnects; above 16 MiB one peer could make us buffer without bound.
        if !Self.pduLengthRange.contains(maximumPDULength) {
            throw fail("maximumPDULength", "must be \(Self.pduLengthRange.lowerBound)…\(Self.pduLengthRange.upperBound) octets")
        }
        // Checked here, not per connection attempt, where it was only logged and retried forever.
        if let localAddress, (try? SocketAddress(ipAddress: localAddress, port: 0)) == nil {
            throw fail("smpp.local_address", "is not an IP address")
        }
        if (tls.certificateFile == nil) != (tls.keyFile == nil) {
            throw fail("smpp.tls.cert_file", "and smpp.tls.key_file go together")
        }
        for (key, value) in [("smpp.response_timeout", responseTimeout), ("smpp.bind_timeout", bindTimeout),
                             ("smpp.connect_timeout", connectTimeout),
                             ("smpp.enquire_link_interval", enquireLinkInterval),
                             ("smpp.reconnect.initial_delay", reconnectInitialDelay),
                             ("smpp.inbound_timeout", inboundTimeout)]
        where value.nanoseconds <= 0 {
            throw fail(key, "must be positive")
        }
        // Timers are added to each other and to the clock; past a day they are a typo, and near Int64.max they trap.
        for (key, value) in [("smpp.response_timeout", responseTimeout), ("smpp.bind_timeout", bindTimeout),
                             ("smpp.connect_timeout", connectTimeout), ("smpp.unbind_timeout", unbindTimeout),
                             ("smpp.enquire_link_interval", enquireLinkInterval),
                             ("smpp.reconnect.initial_delay", reconnectInitialDelay),
                             ("smpp.reconnect.max_delay", reconnectMaxDelay),
                             ("smpp.reconnect.reset_after", reconnectResetAfter),
                             ("smpp.inbound_timeout", inboundTimeout), ("throttlePause", throttlePause)]
        where value > Self.maximumDuration {
            throw fail(key, "must be at most 24 h")
        }
    }

    /// A configuration that works but is risky, one line each naming the key; `run()` logs them as warnings.
    /// Today: `smpp.inbound_timeout` not below `smpp.response_timeout`.
    public var warnings: [String] {
        var warnings: [String] = []
        if inboundTimeout >= responseTimeout {
            warnings.append("smpp.inbound_timeout (\(inboundTimeout)) is not below smpp.response_timeout "
                + "(\(responseTimeout)): the SMSC may give up on a deliver_sm before the application's answer "
                + "and deliver it again")
        }
        return warnings
    }

    /// The most sessions (`smpp.sessions`) the client accepts; operators allow a handful.
    public static let maximumSessions = 1_000
    /// The longest timeout or delay the client accepts: 24 h.
    public static let maximumDuration: TimeAmount = .hours(24)

    /// The command_length caps ``maximumPDULength`` may take, in octets.
    public static let pduLengthRange = 1_024...16_777_216

    /// Why `value` cannot be sent as a C-Octet String of at most `maximum` characters, or nil when it can. Never
    /// quotes the value (it may be the password).
    static func cOctetStringProblem(_ value: String, maximum: Int) -> String? {
        var count = 0
        for scalar in value.unicodeScalars {
            guard scalar.value != 0, scalar.value <= 0xFF else {
                return "contains a character SMPP cannot carry here (only Latin-1, no NUL)"
            }
            count += 1
        }
        return count > maximum ? "is longer than \(maximum) characters" : nil
    }
}
