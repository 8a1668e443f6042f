public import NIOCore

extension ReconnectBackoff {
    /// How long the slot waits before the next connection after a session ended for `reason`.
    ///
    /// - A session that had stayed bound at least ``resetAfter`` (`boundFor`; nil = never bound) starts the backoff
    ///   over: one failure after a healthy run reconnects soon. A shorter bound time keeps backing off.
    /// - A bind rejected for the credentials (ESME_RINVPASWD, ESME_RINVSYSID, ESME_RBINDFAIL) waits the longest
    ///   delay every time: retrying sooner cannot fix a wrong password, and must not lock the account.
    /// - ESME_RALYBND (the SMSC still holds our previous session) and everything else back off exponentially.
    public mutating func delay(after reason: SessionEndReason, boundFor: TimeAmount?,
                               using random: inout some RandomNumberGenerator) -> TimeAmount {
        if let boundFor, boundFor >= resetAfter { reset() }
        if case .bindRejected(let status) = reason, WireStatus.isCredentialRejection(status) {
            return longDelay(using: &random)
        }
        return nextDelay(using: &random)
    }
}
