public import Logging

/// What the bridge does when a segment's outcome is unknown: a response timeout, or the session lost with the
/// segment outstanding (DESIGN §3 step 6, key `smpp.on_timeout`).
public enum TimeoutPolicy: String, Sendable, CaseIterable {
    /// Submit the segment again (at most `smpp.max_attempts` in all) and flag the result `possible_duplicate`.
    case resubmit
    /// Publish the result `unknown` and let the producer decide.
    case report
}

/// How log lines are written (`log.format`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// One JSON object per line on standard error: `ts`, `level`, `label`, `message`, then the metadata.
    case json
    /// One human-readable line per event on standard error, like swift-log's `StreamLogHandler`.
    case text
}

/// The embedded store (`store.*`).
public struct StoreSettings: Sendable {
    /// The SQLite file (`store.path`), relative to the working directory unless absolute; default
    /// `smpp-bridge.sqlite`.
    public var path: String = "smpp-bridge.sqlite"
    /// A shared PostgreSQL store for several instances (`store.url`,
    /// `postgres://user:password@host:port/database[?sslmode=disable|prefer|require|verify-ca|verify-full]`
    /// `[&sslrootcert=FILE]`, or `postgresql://`; secret):
    /// when set, it replaces the SQLite file. Default none (the embedded store).
    public var url: String?
    /// How long receipt correlations and request outcomes are kept (`store.ttl`); default 72 h.
    public var ttl: Duration = .seconds(72 * 3600)

    /// The defaults.
    public init() {}
}

/// How several bridge instances share the operator's session slots (`cluster.*`).
public struct ClusterSettings: Sendable {
    /// This instance's name (`cluster.instance_id`), 1–255 octets; default the host name.
    public var instanceID: String
    /// How long an instance must have been silent before another takes its session slots over
    /// (`cluster.takeover_after`); default 30 s.
    public var takeoverAfter: Duration = .seconds(30)

    /// The defaults, with `instanceID` the host name.
    public init() {
        instanceID = HostName.current
    }
}

/// The metrics and health endpoint (`http.*`).
public struct HTTPSettings: Sendable {
    /// The address to listen on (`http.host`); default `127.0.0.1`. Use `0.0.0.0` in a container.
    public var host: String = "127.0.0.1"
    /// The TCP port (`http.port`); default 8080; 0 turns the endpoint off.
    public var port: Int = 8080

    /// The defaults.
    public init() {}
}

/// Logging (`log.*`).
public struct LogSettings: Sendable {
    /// The lowest level written (`log.level`: trace debug info notice warning error critical); default info.
    public var level: Logger.Level = .info
    /// The line format (`log.format`: json or text); default text.
    public var format: LogFormat = .text

    /// The defaults.
    public init() {}

    /// Settings with the given level and format.
    public init(level: Logger.Level, format: LogFormat) {
        self.level = level
        self.format = format
    }
}
