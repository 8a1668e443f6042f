import Foundation

/// Watches the wall clock against the monotonic one, so the cutoffs that compare stored wall times with the wall
/// clock survive a step of it (NTP correcting a clock that was off, an administrator setting it).
///
/// A long MO's parts and the store's records carry the wall time they were written at; the MO timeout sweep and the
/// TTL purge compare those times with the wall clock. A forward step makes every record stamped before it look older
/// by the step: MO parts published `complete: false` before their timeout (the parts still to come then begin a
/// group of their own), correlation and dedup records purged before `store.ttl` (receipts unmatched, a redelivered
/// request submitted again). So each forward step seen is held back from a cutoff for as long as the cutoff's window:
/// once the step is older than the window, every record stamped before it is past the window in real time anyway.
/// A backward step is only reported: holding it back would make records stamped after it look older than they are,
/// and not holding it back costs lateness (a sweep or purge later by the step), never loss. Steps before the process
/// started are not known: the first purge waits a while after start (``Bridge/firstPurgeDelay``), long enough for
/// a clock set at boot to be corrected first.
struct WallClockSteps {
    /// The smallest change of the wall clock against the monotonic one taken for a step. NTP slews smaller errors
    /// (at most 0.5 ms a second), and a busy machine reads the two clocks a few milliseconds apart.
    static let threshold: TimeInterval = 5
    /// The most forward steps remembered (each ends its window by itself; this bounds a clock that keeps jumping).
    static let memory = 64

    private let origin: ContinuousClock.Instant
    /// The wall clock minus the monotonic one at the last reading, in seconds.
    private var offset: TimeInterval?
    private var forward: [(at: ContinuousClock.Instant, seconds: TimeInterval)] = []

    /// Starts watching; `origin` is any monotonic instant (offsets are taken from it).
    init(origin: ContinuousClock.Instant) {
        self.origin = origin
    }

    /// Takes one reading of both clocks. Returns the step since the last reading, in seconds (positive: the wall
    /// clock jumped forward), when it is at least ``threshold``; the offset follows slow drift without reporting it.
    mutating func observe(wall: Date, monotonic: ContinuousClock.Instant) -> TimeInterval? {
        let elapsed = monotonic - origin
        let now = wall.timeIntervalSince1970
            - (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        defer { offset = now }
        guard let before = offset else { return nil }
        let step = now - before
        guard abs(step) >= Self.threshold else { return nil }
        if step > 0 {
            forward.append((monotonic, step))
            if forward.count > Self.memory { forward.removeFirst(forward.count - Self.memory) }
        }
        return step
    }

    /// The forward steps seen within `window` seconds before `monotonic`, in seconds: what a cutoff `window` back
    /// from the wall clock holds back.
    func heldBack(within window: TimeInterval, at monotonic: ContinuousClock.Instant) -> TimeInterval {
        forward.reduce(0) { sum, step in monotonic - step.at < .seconds(window) ? sum + step.seconds : sum }
    }

    /// Forgets the forward steps older than `window` seconds before `monotonic`.
    mutating func forget(olderThan window: TimeInterval, at monotonic: ContinuousClock.Instant) {
        forward.removeAll { monotonic - $0.at >= .seconds(window) }
    }
}
