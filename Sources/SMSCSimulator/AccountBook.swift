/// What the simulator answers a bind that would exceed the account's session limit.
public enum SessionLimitResponse: String, Sendable, Hashable, CaseIterable {
    /// ESME_RALYBND (0x05), what many SMSCs send.
    case alreadyBound = "ralybnd"
    /// ESME_RBINDFAIL (0x0D).
    case bindFailed = "rbindfail"
}

/// The outcome of checking a bind against the accounts.
public enum BindVerdict: Sendable, Hashable {
    /// Credentials are right and a session slot was taken; release it with `AccountBook.release`.
    case accepted
    /// No account has this system_id (ESME_RINVSYSID).
    case unknownSystemID
    /// The password does not match (ESME_RINVPASWD).
    case wrongPassword
    /// The account already has `maxSessions` bound sessions.
    case tooManySessions
    /// Refused by the `SimulatorFaults.refuseFirstBinds` fault, whatever the credentials (ESME_RBINDFAIL).
    case refusedByFault
}

/// The accounts and how many sessions each has bound right now. A value type: the simulator keeps one behind
/// its lock; tests drive it directly.
public struct AccountBook: Sendable {
    private var accounts: [String: SimulatorAccount]
    private var bound: [String: Int] = [:]

    /// Creates the book; a later account with the same system_id replaces an earlier one.
    public init(accounts: [SimulatorAccount]) {
        var byID: [String: SimulatorAccount] = [:]
        for account in accounts { byID[account.systemID] = account }
        self.accounts = byID
    }

    /// Checks credentials and the session limit; on `.accepted` the session counts until `release`.
    public mutating func bind(systemID: String, password: String) -> BindVerdict {
        guard let account = accounts[systemID] else { return .unknownSystemID }
        guard account.password == password else { return .wrongPassword }
        let current = bound[systemID, default: 0]
        guard current < account.maxSessions else { return .tooManySessions }
        bound[systemID] = current + 1
        return .accepted
    }

    /// Gives back the slot of a session that was accepted and is now unbound or closed.
    public mutating func release(systemID: String) {
        guard let current = bound[systemID], current > 0 else { return }
        bound[systemID] = current == 1 ? nil : current - 1
    }

    /// The number of sessions of `systemID` bound now.
    public func boundSessions(of systemID: String) -> Int {
        bound[systemID, default: 0]
    }
}
