import NIOConcurrencyHelpers

/// Matches receipts to submitted segments (DESIGN §3 inbound 1), including receipts that beat their
/// submit_sm_resp or their request's commit.
///
/// Accepted segments are known here from the moment their submit_sm_resp arrives (``segmentAccepted(_:)``) until
/// the store has committed them (``committed(_:)``); after that the last ``recentCapacity`` committed ones stay in
/// memory and the store answers for the rest. A receipt found nowhere is held for up to `hold` for a segment to be
/// accepted under one of its keys, then the store is asked again (another instance sharing the store may have
/// committed it meanwhile), then it is reported unmatched — never dropped. Pending and recent segments are this
/// instance's own; across instances only the store is shared.
public final class ReceiptCorrelator: Sendable {
    private enum Slot {
        /// Registered, store lookup under way.
        case reserved(keys: [String])
        /// A segment was accepted under one of the keys before the receipt started waiting.
        case resolved(keys: [String], ReceiptCorrelation)
        /// Waiting for a segment, the next recheck or the end of the hold.
        case waiting(keys: [String], CheckedContinuation<ReceiptCorrelation?, Never>)

        var keys: [String] {
            switch self {
            case .reserved(let keys), .waiting(let keys, _), .resolved(let keys, _): keys
            }
        }
    }

    private struct State {
        /// Accepted segments not yet committed, by key: never evicted (the store does not know them yet).
        var pending: [String: ReceiptCorrelation] = [:]
        /// Recently committed segments, by key: most receipts arrive within seconds of their submit and are matched
        /// here without a store query. Bounded (``recentCapacity``); the oldest go first, the store still has them.
        var recent: [String: ReceiptCorrelation] = [:]
        /// The keys of ``recent`` in the order they were added (a key added again appears twice; evicting the
        /// older copy then drops the newer entry early, which only costs a store query).
        var recentOrder: [String] = []
        var recentHead = 0
        var slots: [UInt64: Slot] = [:]
        /// The slots registered under each key, so an accepted segment finds its held receipts without a scan.
        var slotsByKey: [String: [UInt64]] = [:]
        var nextSlot: UInt64 = 0

        /// A segment known here under one of `keys`. First one whose own message id (its first key) is one of
        /// them, in the receipt's key order, pending or committed alike: under `auto` a key can be one segment's
        /// own id and another's id read in the other base, and the store never lets the second displace the first,
        /// so neither may memory (a later segment's conversion in `pending` would otherwise beat the right,
        /// committed one). Else, marked `ownID: false`, one that holds a key only as a conversion of its id.
        func known(_ keys: [String]) -> (correlation: ReceiptCorrelation, ownID: Bool)? {
            for key in keys {
                if let found = pending[key], found.keys.first == key { return (found, true) }
                if let found = recent[key], found.keys.first == key { return (found, true) }
            }
            for key in keys { if let found = pending[key] ?? recent[key] { return (found, false) } }
            return nil
        }

        /// The correlation a segment accepted under one of the slot's keys left in it, if any.
        func resolved(_ slot: UInt64) -> ReceiptCorrelation? {
            guard case .resolved(_, let correlation)? = slots[slot] else { return nil }
            return correlation
        }

        mutating func register(_ keys: [String]) -> UInt64 {
            nextSlot += 1
            slots[nextSlot] = .reserved(keys: keys)
            for key in keys { slotsByKey[key, default: []].append(nextSlot) }
            return nextSlot
        }

        mutating func remove(_ slot: UInt64) {
            guard let removed = slots.removeValue(forKey: slot) else { return }
            for key in removed.keys {
                slotsByKey[key]?.removeAll { $0 == slot }
                if slotsByKey[key]?.isEmpty == true { slotsByKey[key] = nil }
            }
        }

        mutating func remember(_ correlation: ReceiptCorrelation, capacity: Int) {
            for key in correlation.keys {
                // One hash lookup on the usual way (a new key); an existing entry it may not replace is put back.
                if let existing = recent.updateValue(correlation, forKey: key),
                   !correlation.mayReplace(existing, under: key) {
                    recent[key] = existing
                    continue
                }
                recentOrder.append(key)
            }
            while recentOrder.count - recentHead > capacity {
                recent[recentOrder[recentHead]] = nil
                recentHead += 1
            }
            if recentHead > capacity {  // compact now and then, so the array does not grow forever
                recentOrder.removeFirst(recentHead)
                recentHead = 0
            }
        }
    }

    private let state = NIOLockedValueBox(State())
    /// Ends held receipts' waits.
    private let waitTimer = DeadlineTimer()
    /// How long a receipt waits for its submit.
    public let hold: Duration
    /// How many committed keys are kept in memory for receipts (each about 300 bytes).
    public let recentCapacity: Int

    /// How often a held receipt asks the store again during its hold; nil: only at its end.
    public let recheck: Duration?

    /// Creates a correlator that remembers the last `recentCapacity` committed keys (default 20 000: about 6 MB,
    /// ten seconds of traffic at 2 000 segments/s), so receipts that follow their submit closely skip the store.
    /// With a store shared by several instances, `recheck` makes a held receipt ask the store again at that interval
    /// during its hold: its segment was most likely submitted by another instance, whose commit ends the wait.
    public init(hold: Duration, recentCapacity: Int = 20_000, recheck: Duration? = nil) {
        self.hold = hold
        self.recentCapacity = max(0, recentCapacity)
        self.recheck = recheck.flatMap { $0 > .zero ? $0 : nil }
    }

    /// A segment was accepted: receipts for it match from now on, and held ones are released.
    public func segmentAccepted(_ correlation: ReceiptCorrelation) {
        let released = state.withLockedValue { state -> [CheckedContinuation<ReceiptCorrelation?, Never>] in
            var released: [CheckedContinuation<ReceiptCorrelation?, Never>] = []
            for key in correlation.keys {
                if let existing = state.pending.updateValue(correlation, forKey: key),
                   !correlation.mayReplace(existing, under: key) {
                    state.pending[key] = existing
                    continue
                }
                for id in state.slotsByKey[key] ?? [] {
                    switch state.slots[id] {
                    case .reserved(let keys)?: state.slots[id] = .resolved(keys: keys, correlation)
                    case .waiting(_, let continuation)?:
                        state.remove(id)
                        released.append(continuation)
                    case .resolved?, nil: break
                    }
                }
            }
            return released
        }
        for continuation in released { continuation.resume(returning: correlation) }
    }

    /// The store now holds these correlations; forget them here.
    public func committed(_ correlations: [ReceiptCorrelation]) {
        state.withLockedValue { state in
            for correlation in correlations {
                for key in correlation.keys {
                    guard let held = state.pending[key], held.requestID == correlation.requestID,
                          held.segment == correlation.segment, held.messageID == correlation.messageID else { continue }
                    state.pending[key] = nil
                }
                state.remember(correlation, capacity: recentCapacity)
            }
        }
    }

    /// How many committed keys are remembered (for tests).
    public var recentCount: Int { state.withLockedValue { $0.recent.count } }

    /// How many keys wait for their commit (for tests and metrics).
    public var pendingCount: Int { state.withLockedValue { $0.pending.count } }

    /// How many receipts are held right now.
    public var heldCount: Int { state.withLockedValue { $0.slots.count } }

    /// The correlation of a segment accepted here (not yet committed, or committed recently) whose own message id is
    /// one of `keys`, without asking the store or holding; nil when this instance knows none — also when it knows
    /// one only through an id read in the other base (`auto`), which the store may know better (``correlate``).
    public func known(keys: [String]) -> ReceiptCorrelation? {
        state.withLockedValue { state in
            guard let found = state.known(keys), found.ownID else { return nil }
            return found.correlation
        }
    }

    /// The correlation for a receipt with these keys: from accepted-but-uncommitted or recently committed segments
    /// whose own id is one of the keys (one known here only through an id read in the other base is checked against
    /// `lookup` first), else `lookup` (the store), else whatever is accepted here within the hold (or found by `lookup` every
    /// ``recheck`` during it), else `lookup` once more at the end of the hold; nil when nothing turns up.
    public func correlate(
        keys: [String], lookup: () async throws -> ReceiptCorrelation?
    ) async throws -> ReceiptCorrelation? {
        // Registered before the store is asked, so a segment accepted in between is not missed.
        let registration = state.withLockedValue {
            state -> (found: (correlation: ReceiptCorrelation, ownID: Bool)?, slot: UInt64) in
            let found = state.known(keys)
            if let found, found.ownID { return (found, 0) }
            return (found, state.register(keys))
        }
        if let found = registration.found, found.ownID { return found.correlation }
        let slot = registration.slot
        defer { state.withLockedValue { $0.remove(slot) } }
        // Known here only through a conversion (`auto`): the segment whose own id it is may be in the store, or its
        // submit_sm_resp still to come, and is the better match; the conversion is the answer only when neither
        // turns up within the hold (or the store cannot be asked).
        guard let weak = registration.found?.correlation else {
            return try await heldMatch(keys, slot, ownIDOnly: false, lookup)
        }
        do {
            return try await heldMatch(keys, slot, ownIDOnly: true, lookup) ?? weak
        } catch {
            return weak
        }
    }

    /// The store's match, else one accepted here during the hold (or found by the store at a recheck or at its end).
    /// `ownIDOnly`: only a segment whose own id is one of `keys` counts (a better match than a conversion known).
    private func heldMatch(
        _ keys: [String], _ slot: UInt64, ownIDOnly: Bool, _ storeLookup: () async throws -> ReceiptCorrelation?
    ) async throws -> ReceiptCorrelation? {
        func counts(_ found: ReceiptCorrelation?) -> ReceiptCorrelation? {
            guard let found, ownIDOnly else { return found }
            return found.keys.first.map(keys.contains) == true ? found : nil
        }
        func lookup() async throws -> ReceiptCorrelation? { counts(try await storeLookup()) }
        if let stored = try await lookup() { return stored }
        // Held: a segment accepted here ends the wait. With a shared store the segment may instead be accepted and
        // committed by another instance (its submit_sm_resp arrived there, so nothing here resolves the slot): the
        // store is asked again every `recheck`, and once more at the end of the hold before the receipt is
        // reported unmatched.
        let end = ContinuousClock.now + hold
        while true {
            let left = end - ContinuousClock.now
            switch await wait(slot, for: min(recheck ?? left, left)) {
            case .accepted(let correlation):
                if let match = counts(correlation) { return match }
                return try await lookup()  // the slot went with that segment
            case .waited: break
            case .released: return try await lookup()  // the slot went (nothing but this call removes it)
            }
            if let found = try await lookup() { return found }
            // A segment accepted here while the store was asked turned the slot `.resolved`: that is the match
            // (the store has it only once its completion commits).
            if let resolved = counts(state.withLockedValue({ $0.resolved(slot) })) { return resolved }
            if ContinuousClock.now >= end { return nil }
        }
    }

    private enum WaitOutcome {
        /// A segment was accepted under one of the keys.
        case accepted(ReceiptCorrelation)
        /// The time passed; the slot stays registered.
        case waited
        /// The slot is no longer registered.
        case released
    }

    /// Waits up to `duration` for a segment accepted under the slot's keys. The ends of all waits are kept by one
    /// ``DeadlineTimer`` (with a shared store, a good share of receipts is held until another instance commits); a
    /// wait that a segment ended first leaves its entry there, which then finds nothing to end.
    private func wait(_ slot: UInt64, for duration: Duration) async -> WaitOutcome {
        let correlation = await withCheckedContinuation { (continuation: CheckedContinuation<ReceiptCorrelation?, Never>) in
            let early = state.withLockedValue { state -> ReceiptCorrelation?? in
                switch state.slots[slot] {
                case .resolved(_, let correlation)?:
                    state.remove(slot)
                    return .some(correlation)
                case .reserved(let keys)?:
                    state.slots[slot] = .waiting(keys: keys, continuation)
                    return .none
                default:
                    return .some(nil)
                }
            }
            if let early {
                continuation.resume(returning: early)
                return
            }
            waitTimer.schedule(at: .now + duration) { self.endWait(slot) }
        }
        if let correlation { return .accepted(correlation) }
        return state.withLockedValue { $0.slots[slot] == nil } ? .released : .waited
    }

    /// Whether the timer of the held receipts' waits runs (tests: it stops once none waits).
    public var isWaitTimerRunning: Bool { waitTimer.isRunning }

    /// The wait of `slot` is over without a segment: it is registered again (not waiting) until removed.
    private func endWait(_ slot: UInt64) {
        let continuation = state.withLockedValue { state -> CheckedContinuation<ReceiptCorrelation?, Never>? in
            guard case .waiting(let keys, let continuation)? = state.slots[slot] else { return nil }
            state.slots[slot] = .reserved(keys: keys)
            return continuation
        }
        continuation?.resume(returning: nil)
    }
}
