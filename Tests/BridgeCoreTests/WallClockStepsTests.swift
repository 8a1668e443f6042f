import Foundation
import Testing

@testable import BridgeCore

/// The wall clock watched against the monotonic one: forward steps are held back from the cutoffs of the MO sweep
/// and the TTL purge for as long as each cutoff's window.
@Suite struct WallClockStepsTests {
    let origin = ContinuousClock.now
    let wall = Date(timeIntervalSince1970: 1_800_000_000)

    /// Both clocks advanced by `seconds`, the wall clock by `step` more.
    func reading(_ seconds: Double, step: Double = 0) -> (Date, ContinuousClock.Instant) {
        (wall.addingTimeInterval(seconds + step), origin + .seconds(seconds))
    }

    @Test func clocksMovingTogetherAreNoStep() {
        var steps = WallClockSteps(origin: origin)
        for second in stride(from: 0.0, through: 600, by: 0.5) {
            let (wall, monotonic) = reading(second, step: second * 0.0005)  // NTP's fastest slew
            #expect(steps.observe(wall: wall, monotonic: monotonic) == nil)
        }
        #expect(steps.heldBack(within: 3600, at: origin + .seconds(600)) == 0)
    }

    @Test func aForwardStepIsHeldBackForTheWindow() throws {
        var steps = WallClockSteps(origin: origin)
        _ = steps.observe(wall: reading(0).0, monotonic: reading(0).1)
        let (wall, monotonic) = reading(10, step: 200)
        let observed = steps.observe(wall: wall, monotonic: monotonic)
        let step = try #require(observed)
        #expect(abs(step - 200) < 0.001)
        #expect(abs(steps.heldBack(within: 120, at: origin + .seconds(129)) - 200) < 0.001)
        #expect(steps.heldBack(within: 120, at: origin + .seconds(130)) == 0, "older than the window")
        #expect(abs(steps.heldBack(within: 3600, at: origin + .seconds(130)) - 200) < 0.001, "a longer window")
        // The clocks go on together after the step: no further step.
        #expect(steps.observe(wall: reading(20, step: 200).0, monotonic: reading(20, step: 200).1) == nil)
    }

    @Test func aBackwardStepIsReportedNotHeldBack() throws {
        var steps = WallClockSteps(origin: origin)
        _ = steps.observe(wall: reading(0).0, monotonic: reading(0).1)
        let observed = steps.observe(wall: reading(1, step: -3600).0, monotonic: reading(1).1)
        let step = try #require(observed)
        #expect(step < -3599)
        #expect(steps.heldBack(within: 7200, at: origin + .seconds(2)) == 0)
    }

    @Test func stepsAddUpAndAreForgotten() {
        var steps = WallClockSteps(origin: origin)
        _ = steps.observe(wall: reading(0).0, monotonic: reading(0).1)
        _ = steps.observe(wall: reading(10, step: 60).0, monotonic: reading(10).1)
        _ = steps.observe(wall: reading(20, step: 90).0, monotonic: reading(20).1)
        #expect(abs(steps.heldBack(within: 120, at: origin + .seconds(25)) - 90) < 0.001)
        #expect(abs(steps.heldBack(within: 120, at: origin + .seconds(135)) - 30) < 0.001, "the first one is out")
        steps.forget(olderThan: 100, at: origin + .seconds(115))
        #expect(abs(steps.heldBack(within: 3600, at: origin + .seconds(115)) - 30) < 0.001)
    }
}
