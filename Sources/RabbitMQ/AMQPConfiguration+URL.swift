extension AMQPConfiguration {
    /// Parses `amqp://user:password@host:port/vhost` or `amqps://…` (percent-encoding allowed in user, password
    /// and vhost; `[::1]` for IPv6). The credentials end at the last `@`, so a password may hold `/`, `?` or `#`
    /// unencoded; an `@` in the vhost must be encoded (`%40`), and credentials with an unencoded `@` followed by a
    /// `/` are refused (`u:p@host/v@x` is ambiguous). Surrounding whitespace is ignored. A missing part takes its
    /// default; an empty path means vhost `/`, and `/%2F` is vhost `/` too. `amqps` uses `tls`, or default TLS
    /// settings (verification on) when `tls` is nil.
    ///
    /// A cluster is a comma-separated list of such URLs, one per node
    /// (`amqps://u:p@node1:5671/prod,amqps://u:p@node2:5671/prod`): they must agree on scheme, user, password and
    /// virtual host (one connection's settings, several places to find the broker) and name distinct nodes; each
    /// becomes one of ``addresses``, in the order given. Errors never echo the password.
    public init(url: String, tls: AMQPTLSConfiguration? = nil) throws(AMQPError) {
        let parts = url.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        guard parts.count > 1 else {
            // Trimmed like each address of a list: a secret file or variable may end in a space or line break.
            try self.init(singleURL: parts[0], tls: tls)
            return
        }
        var nodes: [AMQPConfiguration] = []
        for (index, part) in parts.enumerated() {
            let position = "address \(index + 1) of \(parts.count)"
            guard !part.isEmpty else {
                throw AMQPError(code: .invalidConfiguration, message: "amqp url: \(position) is empty")
            }
            let node: AMQPConfiguration
            do {
                node = try AMQPConfiguration(singleURL: part, tls: tls)
            } catch {
                throw AMQPError(
                    code: .invalidConfiguration, message: error.message.replacingPrefix("amqp url: ", with: "amqp url: \(position): "))
            }
            if let first = nodes.first {
                let differs: String? =
                    (node.tls == nil) != (first.tls == nil) ? "scheme"
                    : node.user != first.user ? "user"
                    : node.password != first.password ? "password"
                    : node.virtualHost != first.virtualHost ? "virtual host" : nil
                if let differs {
                    throw AMQPError(
                        code: .invalidConfiguration,
                        message: "amqp url: \(position) has another \(differs) than the first; every address of a "
                            + "cluster must use the same scheme, user, password and virtual host")
                }
                if nodes.contains(where: { $0.addresses[0] == node.addresses[0] }) {
                    throw AMQPError(
                        code: .invalidConfiguration, message: "amqp url: \(position) repeats \(node.addresses[0])")
                }
            }
            nodes.append(node)
        }
        self = nodes[0]
        addresses = nodes.map { $0.addresses[0] }
    }

    private init(singleURL url: String, tls: AMQPTLSConfiguration?) throws(AMQPError) {
        func invalid(_ why: String) -> AMQPError {
            AMQPError(code: .invalidConfiguration, message: "amqp url: \(why)")
        }
        let scheme: String
        var rest: Substring
        if url.hasPrefix("amqps://") {
            scheme = "amqps"
            rest = url.dropFirst(8)
        } else if url.hasPrefix("amqp://") {
            scheme = "amqp"
            rest = url.dropFirst(7)
        } else {
            throw invalid("scheme must be amqp:// or amqps://")
        }
        // The credentials end at the last '@' (as for store.url), found before the path is split off: a password
        // with an unencoded '/', '?' or '#' (base64 passwords hold '/') is read as written, instead of its tail
        // being taken for the virtual host — which the logs show. An '@' in the virtual host must be encoded (%40).
        var credentials: Substring?
        if let at = rest.lastIndex(of: "@") {
            credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            // `u:p@host/v@x` would read as password `p@host/v` at host `x`: an '@' in the credentials with a '/' after
            // it is refused rather than guessed (either belongs encoded, RFC 3986). `PostgresStoreURL` has the same
            // rule for store.url.
            if let inner = credentials?.firstIndex(of: "@"), credentials?[inner...].contains("/") == true {
                throw invalid(
                    "an unencoded '@' in the credentials is followed by '/': encode '@' as %40 in the password, or in "
                        + "the virtual host if it holds one")
            }
        }
        if rest.contains("?") || rest.contains("#") { throw invalid("query and fragment are not supported") }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user = "guest"
        var password = "guest"
        if let credentials {
            if let colon = credentials.firstIndex(of: ":") {
                guard let u = String(credentials[..<colon]).percentDecoded(),
                    let p = String(credentials[credentials.index(after: colon)...]).percentDecoded()
                else { throw invalid("bad percent-encoding in the credentials") }
                user = u
                password = p
            } else {
                guard let u = String(credentials).percentDecoded() else { throw invalid("bad user encoding") }
                user = u
            }
        }
        var host = "localhost"
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("garbage after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else if !rest.isEmpty {
            host = String(rest)
        }
        if host.isEmpty { host = "localhost" }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw invalid("port must be 1...65535")
            }
            port = value
        }
        var vhost = "/"
        if !path.isEmpty {
            guard let decoded = String(path).percentDecoded() else { throw invalid("bad vhost encoding") }
            vhost = decoded
        }
        let tlsSettings = scheme == "amqps" ? (tls ?? AMQPTLSConfiguration()) : nil
        self.init(host: host, port: port, user: user, password: password, virtualHost: vhost, tls: tlsSettings)
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }

    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
    func percentDecoded() -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Escapes everything but unreserved URL characters.
    func percentEncodedForURL() -> String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(Unicode.Scalar(hex[Int(byte >> 4)])) + String(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
