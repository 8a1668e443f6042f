public import NIOCore

/// Exponential backoff with jitter for reconnecting one session slot. A pure value: the random source is passed in.
///
/// The n-th delay (n from 0) is drawn uniformly from [d/2, d] where d = min(maximum, initial × 2ⁿ); half the delay is
/// fixed so that a reconnect never fires immediately, the other half spreads many slots apart after a shared outage.
public struct ReconnectBackoff: Sendable {
    /// The first delay before jitter.
    public let initialDelay: TimeAmount
    /// The cap on any delay before jitter.
    public let maximumDelay: TimeAmount
    /// How long a session must have stayed bound for its end to start the backoff over (default 30 s): an SMSC
    /// that accepts the bind and drops at once must not be reconnected to every second.
    public let resetAfter: TimeAmount
    /// How many delays have been handed out since the last reset.
    public private(set) var attempts: Int = 0

    /// Creates a backoff. `maximumDelay` below `initialDelay` is raised to it; a non-positive initial delay becomes
    /// 1 ms; a negative `resetAfter` becomes 0 (any bound session resets).
    public init(initialDelay: TimeAmount, maximumDelay: TimeAmount, resetAfter: TimeAmount = .seconds(30)) {
        let initial = max(initialDelay, .milliseconds(1))
        self.initialDelay = initial
        self.maximumDelay = max(maximumDelay, initial)
        self.resetAfter = max(resetAfter, .zero)
    }

    /// The un-jittered delay of the next attempt.
    public var baseDelay: TimeAmount {
        var delay = initialDelay.nanoseconds
        var doublings = attempts
        while doublings > 0, delay < maximumDelay.nanoseconds {
            let (doubled, overflow) = delay.multipliedReportingOverflow(by: 2)
            delay = overflow ? maximumDelay.nanoseconds : doubled
            doublings -= 1
        }
        return .nanoseconds(min(delay, maximumDelay.nanoseconds))
    }

    /// Returns the next delay (jittered) and counts the attempt.
    public mutating func nextDelay(using random: inout some RandomNumberGenerator) -> TimeAmount {
        let delay = Self.jittered(baseDelay, using: &random)
        attempts &+= 1
        return delay
    }

    /// Returns the longest delay (jittered), used after a rejection that retrying soon cannot fix (bad credentials),
    /// and counts the attempt.
    public mutating func longDelay(using random: inout some RandomNumberGenerator) -> TimeAmount {
        attempts &+= 1
        return Self.jittered(maximumDelay, using: &random)
    }

    /// Starts over from the initial delay; called once a session has stayed bound ``resetAfter``.
    public mutating func reset() { attempts = 0 }

    static func jittered(_ delay: TimeAmount, using random: inout some RandomNumberGenerator) -> TimeAmount {
        let half = delay.nanoseconds / 2
        guard half > 0 else { return delay }
        return .nanoseconds(half + Int64.random(in: 0...(delay.nanoseconds - half), using: &random))
    }
}
