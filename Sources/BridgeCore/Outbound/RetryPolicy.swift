public import struct Foundation.Date
public import struct Foundation.TimeInterval
public import SMPP

/// How a segment is retried (DESIGN §3 steps 5 and 6): at most `maxAttempts` sends per segment (transient errors
/// and resubmits of unknown outcomes together), exponential backoff between `initialDelay` and `maxDelay`, and no
/// new attempt once the request is older than `maxAge`.
public struct RetryPolicy: Sendable, Hashable {
    /// Most sends of one segment, first one included (≥ 1).
    public var maxAttempts: Int
    /// Delay before the first retry, in seconds.
    public var initialDelay: TimeInterval
    /// Longest delay between two attempts, in seconds.
    public var maxDelay: TimeInterval
    /// No attempt starts later than this after the request was received, in seconds.
    public var maxAge: TimeInterval
    /// Whether an unknown outcome (response timeout, session lost) is sent again (`true`, `smpp.on_timeout:
    /// resubmit`) or reported as `unknown` (`false`, `report`).
    public var resubmitUnknown: Bool

    /// Creates a policy.
    public init(maxAttempts: Int = 3, initialDelay: TimeInterval = 1, maxDelay: TimeInterval = 30,
                maxAge: TimeInterval = 600, resubmitUnknown: Bool = true) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = max(0, initialDelay)
        self.maxDelay = max(self.initialDelay, maxDelay)
        self.maxAge = max(0, maxAge)
        self.resubmitUnknown = resubmitUnknown
    }

    /// Whether a response status is worth a retry of the same segment: the transient class of reference §4, plus
    /// ESME_RSYSERR, which DESIGN §3.5 groups with THROTTLED and MSGQFUL, plus the session class (ESME_RINVBNDSTS,
    /// ESME_RALYBND, bind failures: "fix the session, do not drop the message" — the message was refused for the
    /// session's state, not its content, and a retry may go out on another session or after a rebind).
    public static func isTransient(_ status: CommandStatus) -> Bool {
        status == .throttled || status == .messageQueueFull || status == .systemError
            || status.errorClass == .transient || status.errorClass == .session
    }

    /// The delay before attempt `nextAttempt` (2 = first retry): `initialDelay · 2^(nextAttempt−2)`, capped.
    public func delay(beforeAttempt nextAttempt: Int) -> TimeInterval {
        let exponent = min(max(0, nextAttempt - 2), 30)
        return min(maxDelay, initialDelay * Double(1 << exponent))
    }

    /// When the next attempt may start, or nil when the attempts or the age are used up.
    public func nextAttemptTime(afterAttempts attempts: Int, receivedAt: Date, now: Date) -> Date? {
        guard attempts < maxAttempts else { return nil }
        let at = now.addingTimeInterval(delay(beforeAttempt: attempts + 1))
        guard at.timeIntervalSince(receivedAt) <= maxAge else { return nil }
        return at
    }
}
