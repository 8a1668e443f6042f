public import NIOCore
import SMPP

extension SMPPClientConfiguration {
    /// Checks what the wire or the socket API cannot carry, naming the configuration key at fault (never a secret's
    /// value). `SMPPClient.run()` calls it first.
    /// - Throws: ``SMPPClientError`` with code `.invalidConfiguration`, one line per problem in its detail
    ///   (``SMPPClientError/problemLines``).
    public func validate() throws(SMPPClientError) {
        var problems: [String] = []
        func fail(_ key: String, _ reason: String) {
            problems.append("\(key): \(reason)")
        }
        if host.isEmpty { fail("smpp.host", "is empty") }
        if !(1...65_535).contains(port) { fail("smpp.port", "\(port) is not a TCP port") }
        if systemID.isEmpty { fail("smpp.system_id", "must be 1–15 characters") }
        // The bind PDU as the sessions will send it, through the encoder itself: a value it refuses (too long for its
        // C-Octet String, a NUL, a character beyond Latin-1) would otherwise pass here and end every bind attempt in
        // a bind timeout, retried forever. The message never quotes the value (it may be the password). Each field
        // alone (the others empty), so every bad one is reported, not only the first the encoder meets.
        let fields: [(key: String, request: BindRequest)] = [
            ("smpp.system_id", BindRequest(systemID: systemID, password: "", systemType: "", addressRange: Address(address: ""))),
            ("smpp.password", BindRequest(systemID: "", password: password, systemType: "", addressRange: Address(address: ""))),
            ("smpp.system_type", BindRequest(systemID: "", password: "", systemType: systemType, addressRange: Address(address: ""))),
            ("smpp.address_range", BindRequest(systemID: "", password: "", systemType: "", addressRange: Address(address: addressRange))),
        ]
        for (key, request) in fields {
            do throws(SMPPEncodeError) {
                var encoded = ByteBuffer()
                try PDU(.bindTransceiver(request), sequenceNumber: 1).encode(into: &encoded)
            } catch {
                if error.code == .fieldTooLong, let maximum = Self.bindStringMaxima[key] {
                    fail(key, "is longer than \(maximum) characters")
                } else {
                    fail(key, "contains a character SMPP cannot carry here (only Latin-1, no NUL)")
                }
            }
        }
        if sessions < 1 { fail("smpp.sessions", "must be at least 1") }
        if sessions > Self.maximumSessions { fail("smpp.sessions", "must be at most \(Self.maximumSessions)") }
        if window < 1 { fail("smpp.window", "must be at least 1") }
        if window > Self.maximumWindow { fail("smpp.window", "must be at most \(Self.maximumWindow)") }
        if throughput < 0 { fail("smpp.throughput", "must be 0 (unlimited) or more") }
        if maxInboundInFlight < 1 { fail("maxInboundInFlight", "must be at least 1") }
        if maxConsecutiveTimeouts < 0 { fail("smpp.max_consecutive_timeouts", "must be 0 (never) or more") }
        if reconnectResetAfter < .zero { fail("smpp.reconnect.reset_after", "must not be negative") }
        // Below ~1 KiB a legal deliver_sm (254-octet short_message plus TLVs) is refused and the session loops
        // through reconnects; above 16 MiB one peer could make us buffer without bound.
        if !Self.pduLengthRange.contains(maximumPDULength) {
            fail("maximumPDULength", "must be \(Self.pduLengthRange.lowerBound)…\(Self.pduLengthRange.upperBound) octets")
        }
        // Checked here, not per connection attempt, where it was only logged and retried forever.
        if let localAddress, (try? SocketAddress(ipAddress: localAddress, port: 0)) == nil {
            fail("smpp.local_address", "is not an IP address")
        }
        if (tls.certificateFile == nil) != (tls.keyFile == nil) {
            fail("smpp.tls.cert_file", "and smpp.tls.key_file go together")
        }
        for (key, value) in [("smpp.response_timeout", responseTimeout), ("smpp.bind_timeout", bindTimeout),
                             ("smpp.connect_timeout", connectTimeout),
                             ("smpp.enquire_link_interval", enquireLinkInterval),
                             ("smpp.reconnect.initial_delay", reconnectInitialDelay),
                             ("smpp.inbound_timeout", inboundTimeout)]
        where value.nanoseconds <= 0 {
            fail(key, "must be positive")
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
            fail(key, "must be at most 24 h")
        }
        if !problems.isEmpty {
            throw SMPPClientError(code: .invalidConfiguration, detail: problems.joined(separator: "\n"))
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
    /// The largest `smpp.window`: far above any SMSC's (they allow tens to a few thousand), and small enough that
    /// the figures derived from it (the prefetch, the inbound allowance, window × 2) cannot overflow.
    public static let maximumWindow = 100_000
    /// The longest timeout or delay the client accepts: 24 h.
    public static let maximumDuration: TimeAmount = .hours(24)

    /// The command_length caps ``maximumPDULength`` may take, in octets.
    public static let pduLengthRange = 1_024...16_777_216

    /// The bind request every session sends.
    var bindRequest: BindRequest {
        BindRequest(
            systemID: systemID, password: password, systemType: systemType, addressRange: Address(address: addressRange))
    }

    /// The C-Octet String maxima of bind (reference/SMPP-3.4.md §3), terminating NUL excluded, by configuration key.
    static let bindStringMaxima = [
        "smpp.system_id": 15, "smpp.password": 8, "smpp.system_type": 12, "smpp.address_range": 40,
    ]
}
