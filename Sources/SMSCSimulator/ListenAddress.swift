/// A host and port to listen on, spelled `HOST:PORT` (`[V6]:PORT` for IPv6); port 0 picks a free port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host or IP literal, without brackets.
    public var host: String
    /// The TCP port, 0 for an ephemeral one.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[V6]:PORT`, or a bare `PORT` (meaning 127.0.0.1).
    public init(parsing text: String, option: String) throws(SimulatorConfigurationError) {
        func fail(_ reason: String) -> SimulatorConfigurationError {
            SimulatorConfigurationError(code: .invalidAddress, option: option, value: text, reason: reason)
        }
        var host = "127.0.0.1"
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("missing ] in IPv6 address") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw fail("expected [HOST]:PORT") }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw fail("empty host") }
        guard let port = Int(portText), (0...65_535).contains(port) else { throw fail("port must be 0–65535") }
        self.init(host: host, port: port)
    }

    /// `HOST:PORT`, with brackets around an IPv6 host.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Which listeners the simulator opens, as decided from the command line.
public struct ListenerPlan: Sendable, Hashable {
    /// The plain TCP listener, if any.
    public var plain: ListenAddress?
    /// The TLS listener, if any.
    public var tls: ListenAddress?

    /// Creates a plan.
    public init(plain: ListenAddress?, tls: ListenAddress?) {
        self.plain = plain
        self.tls = tls
    }

    /// The `smsc-sim` rule: without a certificate `--listen` is plain and `--tls-listen` is refused; with a
    /// certificate and no `--tls-listen`, `--listen` is TLS (and there is no plain listener); with both,
    /// `--listen` stays plain and `--tls-listen` is TLS.
    public init(listen: ListenAddress, tlsListen: ListenAddress?, hasCertificate: Bool) throws(SimulatorConfigurationError) {
        switch (hasCertificate, tlsListen) {
        case (false, nil): self.init(plain: listen, tls: nil)
        case (false, let tlsListen?):
            throw SimulatorConfigurationError(
                code: .inconsistent, option: "--tls-listen", value: "\(tlsListen)",
                reason: "needs --tls-cert and --tls-key")
        case (true, nil): self.init(plain: nil, tls: listen)
        case (true, let tlsListen?): self.init(plain: listen, tls: tlsListen)
        }
    }
}
