/// One ESME account the simulator accepts: credentials and how many sessions may be bound at once.
public struct SimulatorAccount: Sendable, Hashable {
    /// The system_id the ESME binds with (at most 15 characters, reference §3).
    public var systemID: String
    /// The password (at most 8 characters).
    public var password: String
    /// The most sessions of this account bound at the same time; 10 unless given.
    public var maxSessions: Int

    /// The session limit used when an `--account` value gives none.
    public static let defaultMaxSessions = 10

    /// Creates an account.
    public init(systemID: String, password: String, maxSessions: Int = SimulatorAccount.defaultMaxSessions) {
        self.systemID = systemID
        self.password = password
        self.maxSessions = maxSessions
    }

    /// Parses `SYSTEM_ID:PASSWORD[:MAX_SESSIONS]` as given to `--account`.
    public init(parsing text: String) throws(SimulatorConfigurationError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func fail(_ reason: String) -> SimulatorConfigurationError {
            SimulatorConfigurationError(code: .invalidAccount, option: "--account", value: text, reason: reason)
        }
        guard parts.count == 2 || parts.count == 3 else { throw fail("expected SYSTEM_ID:PASSWORD[:MAX_SESSIONS]") }
        guard !parts[0].isEmpty, parts[0].utf8.count <= 15 else { throw fail("system_id must be 1–15 characters") }
        guard parts[1].utf8.count <= 8 else { throw fail("password must be at most 8 characters") }
        var maxSessions = SimulatorAccount.defaultMaxSessions
        if parts.count == 3 {
            guard let value = Int(parts[2]), value >= 1 else { throw fail("MAX_SESSIONS must be a positive integer") }
            maxSessions = value
        }
        self.init(systemID: parts[0], password: parts[1], maxSessions: maxSessions)
    }
}
