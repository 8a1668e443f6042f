public import NIOCore

/// A token bucket that caps how many segments a session sends per second. Time is an input: every call takes `now`.
///
/// Tokens are counted in billionths so that refilling by elapsed nanoseconds × rate needs no floating point.
/// A rate of 0 means unlimited: `take` always succeeds.
public struct TokenBucket: Sendable {
    private static let unit: Int64 = 1_000_000_000

    /// Tokens added per second; 0 = unlimited.
    public let ratePerSecond: Int
    /// The most tokens the bucket holds, i.e. the largest burst.
    public let burst: Int
    private var level: Int64
    private var updatedAt: NIODeadline

    /// Creates a full bucket.
    /// - Parameters:
    ///   - ratePerSecond: tokens per second, 0 = unlimited.
    ///   - burst: the bucket size (at least 1).
    ///   - now: the current time.
    public init(ratePerSecond: Int, burst: Int = 1, now: NIODeadline) {
        self.ratePerSecond = max(0, ratePerSecond)
        self.burst = max(1, burst)
        let (capacity, overflow) = Int64(self.burst).multipliedReportingOverflow(by: Self.unit)
        self.level = overflow ? Int64.max : capacity
        self.updatedAt = now
    }

    private var capacity: Int64 {
        let (value, overflow) = Int64(burst).multipliedReportingOverflow(by: Self.unit)
        return overflow ? Int64.max : value
    }

    /// Whether the cap is off.
    public var isUnlimited: Bool { ratePerSecond == 0 }

    /// The most the level may reach: the burst plus half a token. A timer that fires late finds the level past a
    /// whole token; keeping that surplus (up to half an interval of lateness) makes the next token due on the
    /// original schedule, so lateness is made up instead of lowering the rate (at 100/s, 0.5 ms of lateness per
    /// send lost 5 %). After a long idle time this allows one extra token half an interval early, never more.
    private var ceiling: Int64 {
        let (value, overflow) = capacity.addingReportingOverflow(Self.unit / 2)
        return overflow ? Int64.max : value
    }

    private mutating func refill(now: NIODeadline) {
        guard now > updatedAt else { return }
        let elapsed = (now - updatedAt).nanoseconds
        updatedAt = now
        let ceiling = self.ceiling
        let (added, overflow) = elapsed.multipliedReportingOverflow(by: Int64(ratePerSecond))
        if overflow || added >= ceiling &- level {
            level = ceiling
        } else {
            level += added
        }
    }

    /// Takes one token if one is available at `now`; returns whether it did.
    public mutating func take(now: NIODeadline) -> Bool {
        if isUnlimited { return true }
        refill(now: now)
        guard level >= Self.unit else { return false }
        level -= Self.unit
        return true
    }

    /// The earliest time a token is available (`now` when one already is).
    public mutating func nextAvailable(now: NIODeadline) -> NIODeadline {
        if isUnlimited { return now }
        refill(now: now)
        if level >= Self.unit { return now }
        let missing = Self.unit - level
        // Round up so that at the returned time the token really is there (without `missing + rate - 1`, which
        // overflows for a configured rate near Int.max).
        let rate = Int64(ratePerSecond)
        let nanoseconds = missing / rate + (missing % rate == 0 ? 0 : 1)
        return now + .nanoseconds(nanoseconds)
    }
}
