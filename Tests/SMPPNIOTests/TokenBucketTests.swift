import NIOCore
import Testing

@testable import SMPPNIO

/// Takes a token outside `#expect`, which cannot call a mutating method itself.
func taken(_ bucket: inout TokenBucket, _ now: NIODeadline) -> Bool { bucket.take(now: now) }

@Suite struct TokenBucketTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test func unlimitedAlwaysGivesTokens() {
        var bucket = TokenBucket(ratePerSecond: 0, now: start)
        for _ in 0..<10_000 { #expect(taken(&bucket, start)) }
        #expect(bucket.nextAvailable(now: start) == start)
    }

    @Test func rateLimitsToOnePerInterval() {
        var bucket = TokenBucket(ratePerSecond: 100, now: start)
        #expect(taken(&bucket, start))
        #expect(!taken(&bucket, start))
        let next = bucket.nextAvailable(now: start)
        #expect(next == start + .milliseconds(10))
        #expect(!taken(&bucket, next - .nanoseconds(1)))
        #expect(taken(&bucket, next))
    }

    /// A configured rate near Int.max once overflowed `missing + rate - 1` and trapped in the session's deadline.
    @Test func hugeRateNeverTraps() {
        var bucket = TokenBucket(ratePerSecond: Int.max, now: start)
        #expect(taken(&bucket, start))
        let next = bucket.nextAvailable(now: start)
        #expect(next == start + .nanoseconds(1))
        #expect(taken(&bucket, next))
    }

    @Test func countsTokensOverOneSecond() {
        var bucket = TokenBucket(ratePerSecond: 50, now: start)
        var count = 0
        var now = start
        // Step 1 ms through one second: exactly the initial token plus 50 refills.
        for _ in 0...1000 {
            if bucket.take(now: now) { count += 1 }
            now = now + .milliseconds(1)
        }
        #expect(count == 51)
    }

    /// Issue 10 item 13: the session's timer fires a little after the token is due; that lateness was never made
    /// up (953 sent per 10 s at 100/s with 0.5 ms lateness). Driven like the session: send when the timer fires at
    /// `nextAvailable` plus a lateness; the count over 10 s must be within ±2 % of 1 000 on both sides.
    @Test(arguments: [0, 100_000, 500_000, 2_000_000, 4_900_000])
    func lateTimersStillGiveTheConfiguredRate(latenessNanoseconds: Int64) {
        var bucket = TokenBucket(ratePerSecond: 100, now: start)
        let end = start + .seconds(10)
        var now = start
        var sent = 0
        while now < end {
            if bucket.take(now: now) {
                sent += 1
            } else {
                now = bucket.nextAvailable(now: now) + .nanoseconds(latenessNanoseconds)
            }
        }
        #expect(sent >= 980, "lateness \(latenessNanoseconds) ns: \(sent) sent")
        #expect(sent <= 1_020, "lateness \(latenessNanoseconds) ns: \(sent) sent")
    }

    /// Carrying lateness must not turn an idle bucket into a burst: after an hour idle, one token at once and the
    /// next no sooner than half an interval later.
    @Test func idleTimeGivesNoBurst() {
        var bucket = TokenBucket(ratePerSecond: 100, now: start)
        let later = start + .seconds(3600)
        #expect(taken(&bucket, later))
        #expect(!taken(&bucket, later))
        #expect(bucket.nextAvailable(now: later) == later + .milliseconds(5))
    }

    @Test func burstCapsAccumulation() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 3, now: start)
        let later = start + .seconds(3600)
        var count = 0
        while bucket.take(now: later) { count += 1 }
        #expect(count == 3)
    }

    @Test func timeGoingBackwardsIsHarmless() {
        var bucket = TokenBucket(ratePerSecond: 1, now: start)
        #expect(taken(&bucket, start))
        #expect(!taken(&bucket, start - .seconds(5)))
        #expect(taken(&bucket, start + .seconds(1)))
    }
}

@Suite struct SequenceNumberGeneratorTests {
    @Test func startsAtOneAndCounts() {
        var generator = SequenceNumberGenerator()
        #expect(generator.next() == 1)
        #expect(generator.next() == 2)
    }

    @Test func wrapsAfterMaximum() {
        var generator = SequenceNumberGenerator(first: 0x7FFF_FFFE)
        #expect(generator.next() == 0x7FFF_FFFE)
        #expect(generator.next() == 0x7FFF_FFFF)
        #expect(generator.next() == 1)
    }

    @Test func invalidStartsBecomeOne() {
        var zero = SequenceNumberGenerator(first: 0)
        var high = SequenceNumberGenerator(first: 0x8000_0000)
        #expect(zero.next() == 1)
        #expect(high.next() == 1)
    }
}
