/// Where the shared store lives: `store.url`, `postgres://user:password@host:port/database[?sslmode=…]` (or
/// `postgresql://`). Parsed here rather than by Foundation's URL, so a password with reserved characters works when
/// percent-encoded and no error ever quotes it.
public struct PostgresStoreURL: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is encrypted (`sslmode`, as libpq names it).
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain TCP otherwise (libpq's default).
        case prefer
        /// TLS or no connection; the server's certificate is not verified (as libpq's `require`).
        case require
        /// TLS, and the server's certificate must chain to a trusted root (``sslRootCertificate``, else the system's
        /// trust store); its name is not checked (libpq's `verify-ca`).
        case verifyCA = "verify-ca"
        /// As ``verifyCA``, and the certificate must name ``host`` (DNS name or IP address; libpq's `verify-full`).
        case verifyFull = "verify-full"

        /// Whether the server's certificate is checked.
        public var verifiesCertificate: Bool { self == .verifyCA || self == .verifyFull }
    }

    /// The host name or address (brackets of an IPv6 literal removed).
    public var host: String
    /// The TCP port; default 5432.
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// The role's password, if any. Never printed.
    public var password: String?
    /// The database; default the user's name (as libpq).
    public var database: String
    /// `sslmode`; default ``TLSMode/prefer``.
    public var tlsMode: TLSMode
    /// `sslrootcert`: a PEM file of the certificate authorities trusted for `verify-ca` / `verify-full`; nil: the
    /// system's trust store. Ignored by the other modes (as libpq).
    public var sslRootCertificate: String?

    /// `host:port`, for errors and logs.
    public var endpoint: String { host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The URL without its password: `postgres://user@host:port/database?sslmode=…`.
    public var description: String {
        "postgres://\(user)@\(endpoint)/\(database)?sslmode=\(tlsMode.rawValue)"
            + (sslRootCertificate.map { "&sslrootcert=\($0)" } ?? "")
    }

    /// Why a `store.url` was refused; the reason never quotes the URL (it may hold a password).
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The reason.
        public var description: String
    }

    /// Parses `text`.
    /// - Throws: ``ParseError`` naming what is wrong (scheme, missing user or host, port, database, a query
    ///   parameter other than `sslmode` and `sslrootcert`, an `sslmode` other than disable, prefer, require,
    ///   verify-ca, verify-full, or credentials with an unencoded `@` followed by `/` — ambiguous, as for
    ///   `amqp.url`: `AMQPConfiguration.init(url:tls:)` has the same rule).
    public init(parsing text: String) throws(ParseError) {
        var rest = Substring(text)
        if rest.hasPrefix("postgres://") {
            rest = rest.dropFirst("postgres://".count)
        } else if rest.hasPrefix("postgresql://") {
            rest = rest.dropFirst("postgresql://".count)
        } else {
            throw ParseError(description: "must start with postgres:// or postgresql://")
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw ParseError(description: "has no user (postgres://user:password@host:port/database)")
        }
        let credentials = rest[..<at]
        // `u:p@host/db@x` would read as password `p@host/db` at host `x`: refused rather than guessed.
        if let inner = credentials.firstIndex(of: "@"), credentials[inner...].contains("/") {
            throw ParseError(
                description: "has an unencoded '@' in the credentials followed by '/': encode '@' as %40 in the "
                    + "password, or in the database name if it holds one")
        }
        var location = rest[rest.index(after: at)...]
        var database: Substring = ""
        if let slash = location.firstIndex(of: "/") {
            database = location[location.index(after: slash)...]
            location = location[..<slash]
        }
        let userText: Substring
        if let colon = credentials.firstIndex(of: ":") {
            userText = credentials[..<colon]
            password = try Self.decode(credentials[credentials.index(after: colon)...], what: "password")
        } else {
            userText = credentials
            password = nil
        }
        user = try Self.decode(userText, what: "user")
        guard !user.isEmpty else { throw ParseError(description: "has an empty user name") }
        (host, port) = try Self.hostAndPort(location)
        let name = try Self.decode(database, what: "database")
        guard !name.contains("/") else { throw ParseError(description: "has a database name with a slash") }
        self.database = name.isEmpty ? user : name
        tlsMode = .prefer
        for parameter in query.split(separator: "&") where !parameter.isEmpty {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0] == "sslmode" || pair[0] == "sslrootcert" else {
                throw ParseError(description: "has an unknown query parameter (only sslmode and sslrootcert are read)")
            }
            if pair[0] == "sslrootcert" {
                let path = try Self.decode(pair[1], what: "sslrootcert")
                guard !path.isEmpty else { throw ParseError(description: "has an empty sslrootcert") }
                sslRootCertificate = path
                continue
            }
            guard let mode = TLSMode(rawValue: String(pair[1])) else {
                throw ParseError(
                    description: "has sslmode \(pair[1]); use disable, prefer, require, verify-ca or verify-full")
            }
            tlsMode = mode
        }
    }

    private static func hostAndPort(_ text: Substring) throws(ParseError) -> (String, Int) {
        var hostText = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw ParseError(description: "has an unclosed [ in its host") }
            hostText = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw ParseError(description: "has text after its IPv6 host")
            }
        } else if let colon = text.lastIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        let host = try decode(hostText, what: "host")
        guard !host.isEmpty else { throw ParseError(description: "has no host") }
        guard let portText else { return (host, 5432) }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw ParseError(description: "has a port that is not 1-65535")
        }
        return (host, port)
    }

    /// Percent-decoding (RFC 3986); the error names the part, never its text.
    private static func decode(_ text: Substring, what: String) throws(ParseError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw ParseError(description: "has a bad percent-escape in its \(what)")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw ParseError(description: "has a \(what) that is not UTF-8 once percent-decoded")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
