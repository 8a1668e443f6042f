import struct Foundation.Date
import Logging

extension Bridge {
    /// In-flight marks are purged after this many `store.ttl`s (30 days by default): long enough for any redelivery
    /// after an outage, short enough that the marks of messages gone from the broker do not pile up for ever.
    static let inFlightMarkTTLs = 10.0

    /// How long after start the first TTL purge waits: a clock that was wrong at boot is corrected meanwhile (a step
    /// this process sees is held back from the cutoffs, ``WallClockSteps``; one before it started is not).
    static let firstPurgeDelay = Duration.seconds(600)
    /// How often the store is purged.
    static let purgeInterval = Duration.seconds(3600)

    /// The long-MO timeout sweep and the store's TTL purge, their cutoffs held back by the wall clock's forward steps.
    func housekeepingLoop(_ parts: BridgeParts) async {
        let started = ContinuousClock.now
        var steps = WallClockSteps(origin: started)
        var lastPurge = started - Self.purgeInterval + Self.firstPurgeDelay
        var lastSweep = started
        let ttl = configuration.store.ttl.seconds
        let markTTL = ttl * Self.inFlightMarkTTLs
        let moTimeout = parts.inbound.settings.moReassemblyTimeout
        /// Reads both clocks; a step is logged, and steps older than the longest window are forgotten.
        func watchClock(wall: Date, at monotonic: ContinuousClock.Instant) {
            guard let step = steps.observe(wall: wall, monotonic: monotonic) else { return }
            logWallClockStep(step)
            steps.forget(olderThan: max(markTTL, moTimeout), at: monotonic)
        }
        while !Task.isCancelled {
            let now = ContinuousClock.now
            watchClock(wall: parts.outbound.now(), at: now)
            if now - lastSweep >= .seconds(5) {
                lastSweep = now
                await parts.inbound.sweepIncompleteMO(heldBack: steps.heldBack(within: moTimeout, at: now))
            }
            if now - lastPurge >= Self.purgeInterval {
                lastPurge = now
                // Read again: a step during the sweep (its publishes wait for confirms) is held back here too.
                let wall = parts.outbound.now()
                watchClock(wall: wall, at: ContinuousClock.now)
                do {
                    let removed = try await parts.store.purge(
                        olderThan: wall.addingTimeInterval(-ttl - steps.heldBack(within: ttl, at: now)),
                        inFlightOlderThan: wall.addingTimeInterval(-markTTL - steps.heldBack(within: markTTL, at: now)))
                    if removed > 0 { logger.info("store: expired records purged", metadata: ["rows": "\(removed)"]) }
                } catch {
                    logger.error("store purge failed", metadata: ["error": "\(error)"])
                }
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    private func logWallClockStep(_ step: Double) {
        logger.warning("the wall clock stepped; stored times are compared with it", metadata: [
            "step_seconds": "\(Int(step.rounded()))",
            "effect": step > 0
                ? "the MO timeout and the store TTL are held back by the step meanwhile"
                : "MO groups and store records stamped before the step wait that much longer",
        ])
    }
}
