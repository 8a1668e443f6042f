import NIOCore
import Testing

@testable import SMPPNIO

/// A deterministic generator (SplitMix64) so jitter is reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ReconnectBackoffTests {
    @Test func doublesUpToTheMaximumWithJitterInTheUpperHalf() {
        var backoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(1))
        var random = SeededRandom(state: 42)
        let bases: [Int64] = [100, 200, 400, 800, 1000, 1000]
        for base in bases {
            #expect(backoff.baseDelay == .milliseconds(base))
            let delay = backoff.nextDelay(using: &random)
            #expect(delay >= .milliseconds(base / 2))
            #expect(delay <= .milliseconds(base))
        }
        #expect(backoff.attempts == 6)
    }

    @Test func jitterSpreadsSlots() {
        var delays = Set<Int64>()
        for seed in 0..<20 {
            var backoff = ReconnectBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(60))
            var random = SeededRandom(state: UInt64(seed))
            delays.insert(backoff.nextDelay(using: &random).nanoseconds)
        }
        #expect(delays.count > 10)
    }

    @Test func resetStartsOver() {
        var backoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(10))
        var random = SeededRandom(state: 1)
        for _ in 0..<5 { _ = backoff.nextDelay(using: &random) }
        #expect(backoff.baseDelay == .milliseconds(3200))
        backoff.reset()
        #expect(backoff.baseDelay == .milliseconds(100))
    }

    @Test func longDelayUsesTheMaximum() {
        var backoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(60))
        var random = SeededRandom(state: 7)
        let delay = backoff.longDelay(using: &random)
        #expect(delay >= .seconds(30))
        #expect(delay <= .seconds(60))
    }

    @Test func manyAttemptsNeverOverflow() {
        var backoff = ReconnectBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(300))
        var random = SeededRandom(state: 3)
        for _ in 0..<200 { _ = backoff.nextDelay(using: &random) }
        #expect(backoff.baseDelay == .seconds(300))
    }
}

@Suite struct ReconnectDecisionTests {
    @Test func credentialRejectionWaitsLongEveryTime() {
        var backoff = ReconnectBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(120))
        var random = SeededRandom(state: 9)
        for status: UInt32 in [0x0E, 0x0F, 0x0D] {
            let delay = backoff.delay(after: .bindRejected(status: status), boundFor: nil, using: &random)
            #expect(delay >= .seconds(60))
        }
    }

    @Test func alreadyBoundBacksOffExponentially() {
        var backoff = ReconnectBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(120))
        var random = SeededRandom(state: 9)
        let first = backoff.delay(after: .bindRejected(status: 0x05), boundFor: nil, using: &random)
        #expect(first <= .seconds(1))
        _ = backoff.delay(after: .bindRejected(status: 0x05), boundFor: nil, using: &random)
        let third = backoff.delay(after: .bindRejected(status: 0x05), boundFor: nil, using: &random)
        #expect(third >= .seconds(2))
        #expect(third <= .seconds(4))
    }

    @Test func aBoundSessionThatDiesReconnectsSoon() {
        var backoff = ReconnectBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(120))
        var random = SeededRandom(state: 5)
        for _ in 0..<6 { _ = backoff.delay(after: .connectFailed, boundFor: nil, using: &random) }
        let delay = backoff.delay(after: .linkDead, boundFor: .seconds(30), using: &random)
        #expect(delay <= .seconds(1))
        #expect(delay >= .milliseconds(500))
    }

    /// Issue 10 item 11: an SMSC that accepts the bind and drops at once was reconnected to every 0.5–1 s, since any
    /// bound session reset the backoff. Only a session bound for `resetAfter` does now.
    @Test func aBriefBindDoesNotResetTheBackoff() {
        var backoff = ReconnectBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(120), resetAfter: .seconds(30))
        var random = SeededRandom(state: 5)
        var delays: [TimeAmount] = []
        for _ in 0..<6 {
            delays.append(backoff.delay(after: .connectionClosed, boundFor: .milliseconds(50), using: &random))
        }
        #expect(backoff.attempts == 6)
        // Base delays 1, 2, 4, 8, 16, 32 s, jittered into [d/2, d].
        #expect(delays[5] >= .seconds(16))
        #expect(delays[5] <= .seconds(32))
        let almost = backoff.delay(after: .connectionClosed, boundFor: .seconds(29), using: &random)
        #expect(almost >= .seconds(32))
        let healthy = backoff.delay(after: .connectionClosed, boundFor: .seconds(30), using: &random)
        #expect(healthy <= .seconds(1))
        #expect(healthy >= .milliseconds(500))
    }
}
