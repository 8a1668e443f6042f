import NIOCore

/// Decides one instance's session-slot leases in the shared database (issue 9 item 2; docs/DESIGN.md, scale-out).
/// Sans I/O: the driver feeds it claims, releases, round results and the time, and carries out its actions.
///
/// The database holds one lease row per (account, slot) with its holder and an expiry in database time, and a
/// heartbeat row per live instance. Every round (one transaction) renews this instance's leases and heartbeat,
/// deletes rows it no longer needs, reads the table and claims free or expired slots, at most its share
/// (ceil(total / live instances)). Safety across a partition: a lease not renewed for `giveUpAfter`
/// (takeover_after / 2, on this instance's own clock, counted from the start of the last round that renewed it) is
/// given up locally and its session closed within `closeWithin` (takeover_after / 4), while no other instance can
/// take it before the row's expiry, takeover_after after that round's transaction began. Rows are deleted only
/// after the client released the slot (its connection closed).
struct SlotLeaseMachine {
    /// The timers, all derived from `cluster.takeover_after`.
    struct Timing: Sendable, Hashable {
        /// How long a lease row lives after a renew (`cluster.takeover_after`).
        var takeoverAfter: TimeAmount
        /// Between renewing rounds: takeover_after / 3.
        var renewInterval: TimeAmount { .nanoseconds(takeoverAfter.nanoseconds / 3) }
        /// A lease not renewed for this long is given up locally: takeover_after / 2.
        var giveUpAfter: TimeAmount { .nanoseconds(takeoverAfter.nanoseconds / 2) }
        /// How long a given-up slot's session may take to close: takeover_after / 4.
        var closeWithin: TimeAmount { .nanoseconds(takeoverAfter.nanoseconds / 4) }
        /// Between rounds while a claim of this instance waits, and after a failed round: 1 s at most, so a
        /// released slot is taken over promptly.
        var pollInterval: TimeAmount { min(renewInterval, .seconds(1)) }

        init(takeoverAfter: TimeAmount) {
            self.takeoverAfter = max(takeoverAfter, .milliseconds(3))
        }
    }

    /// What this instance knows of one slot.
    enum SlotState: Hashable {
        /// The client waits in a claim.
        case wanted
        /// The client holds the lease; the row was last renewed by the round that began at `renewedAt`.
        case held(renewedAt: NIODeadline)
        /// Revoked to make room for another instance (over the share); the row is still renewed until the client
        /// releases it.
        case yielding(renewedAt: NIODeadline)
        /// Given up (renew overdue) or lost (the row belongs to someone else): not renewed, its row kept until the
        /// client released it.
        case abandoned
    }

    /// Why a lease was lost.
    enum LossReason: String, Hashable, Sendable {
        /// No round renewed it within `giveUpAfter` (database unreachable or slow).
        case renewOverdue = "renew_overdue"
        /// A round found its row no longer ours.
        case takenByAnother = "taken"
    }

    /// What the driver must do.
    enum Action: Hashable {
        /// Give the waiting claim of `slot` its lease. `previousHolder` is the instance whose expired row was
        /// taken over, nil for a free slot (or our own row).
        case grant(slot: Int, previousHolder: String?)
        /// Revoke the lease of `slot`: its session must be closed within `closeWithin`.
        case revoke(slot: Int, closeWithin: TimeAmount, reason: RevokeReason)
    }

    /// Why the machine revokes a lease.
    enum RevokeReason: Hashable {
        /// Lost: see ``LossReason``.
        case lost(LossReason)
        /// Over the share while other instances wait: handed over gracefully.
        case yielded
    }

    /// What one round does: renew `renew`, keep the rows of `keep` (and delete this instance's others), then claim
    /// from `wanted`.
    struct RoundPlan: Hashable {
        var startedAt: NIODeadline
        /// Held or yielding: renewed.
        var renew: Set<Int>
        /// Rows not to delete: renewed ones plus abandoned ones (their session may still be closing).
        var keep: Set<Int>
        /// Slots a claim waits for, ascending.
        var wanted: [Int]
    }

    /// One lease row as a round read it.
    struct Row: Hashable {
        var holder: String
        /// Whether it had not expired, in database time.
        var live: Bool
    }

    let total: Int
    let timing: Timing
    let instanceID: String
    var slots: [Int: SlotState] = [:]
    var roundInFlight: NIODeadline?
    var nextRoundAt: NIODeadline
    /// Live instances the last successful round counted (this one included), nil before the first.
    var liveInstances: Int?
    /// This instance's place among the live instances (by instance id), from the last round.
    var liveRank = 0

    /// A machine for `total` slots; the first round is due at `now`.
    init(total: Int, timing: Timing, instanceID: String, now: NIODeadline) {
        self.total = max(0, total)
        self.timing = timing
        self.instanceID = instanceID
        self.nextRoundAt = now
    }

    /// Slots this instance holds and may use (not yielding or abandoned), ascending.
    var heldSlots: [Int] {
        slots.compactMap { if case .held = $0.value { $0.key } else { nil } }.sorted()
    }

    /// This instance's share of `total` slots among `live` instances when it is the `rank`-th of them (0-based,
    /// by instance id): total / live, plus one for the first total % live instances — so the shares add up to the
    /// total and every live instance gets one when there are enough (ceil(total / live) for every instance would let
    /// the first ones take everything: 2 + 2 + 0 of 4 slots over 3 instances, the third idle while it holds
    /// deliveries). The total until a round counted the live instances.
    static func share(total: Int, live: Int, rank: Int = 0) -> Int {
        let live = max(1, live)
        let rank = min(max(0, rank), live - 1)
        return total / live + (rank < total % live ? 1 : 0)
    }

    // MARK: Events from the client

    /// A claim for `slot` waits. A slot out of range is never granted.
    mutating func claimRequested(slot: Int, now: NIODeadline) {
        guard slot >= 0, slot < total, slots[slot] == nil else { return }
        slots[slot] = .wanted
        nextRoundAt = min(nextRoundAt, now)
    }

    /// The claim for `slot` was cancelled before it was granted.
    mutating func claimCancelled(slot: Int) {
        if slots[slot] == .wanted { slots[slot] = nil }
    }

    /// The client released `slot` (its connection closed): the next round, due now, deletes its row.
    mutating func released(slot: Int, now: NIODeadline) {
        guard let state = slots[slot], state != .wanted else { return }
        slots[slot] = nil
        nextRoundAt = min(nextRoundAt, now)
    }

    // MARK: Time

    /// When the driver must call ``deadlineReached(now:)`` or ``roundStarting(now:)`` next.
    var nextDeadline: NIODeadline {
        var next = roundInFlight == nil ? nextRoundAt : NIODeadline.distantFuture
        for state in slots.values {
            switch state {
            case .held(let renewedAt), .yielding(let renewedAt): next = min(next, renewedAt + timing.giveUpAfter)
            case .wanted, .abandoned: break
            }
        }
        return next
    }

    /// Gives up every lease whose renew is overdue.
    mutating func deadlineReached(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        for (slot, state) in slots.sorted(by: { $0.key < $1.key }) {
            switch state {
            case .held(let renewedAt), .yielding(let renewedAt):
                guard now >= renewedAt + timing.giveUpAfter else { continue }
                slots[slot] = .abandoned
                actions.append(.revoke(slot: slot, closeWithin: timing.closeWithin, reason: .lost(.renewOverdue)))
            case .wanted, .abandoned:
                break
            }
        }
        return actions
    }

    // MARK: Rounds

    /// The plan of the round to run now, or nil when one is in flight or none is due.
    mutating func roundStarting(now: NIODeadline) -> RoundPlan? {
        guard roundInFlight == nil, now >= nextRoundAt else { return nil }
        roundInFlight = now
        var renew = Set<Int>()
        var keep = Set<Int>()
        var wanted: [Int] = []
        for (slot, state) in slots {
            switch state {
            case .held, .yielding:
                renew.insert(slot)
                keep.insert(slot)
            case .abandoned: keep.insert(slot)
            case .wanted: wanted.append(slot)
            }
        }
        return RoundPlan(startedAt: now, renew: renew, keep: keep, wanted: wanted.sorted())
    }

    /// Which of the plan's wanted slots to claim, given what the round renewed and read: free or expired rows, up
    /// to the share.
    func claims(for plan: RoundPlan, renewed: Set<Int>, rows: [Int: Row], live: Int, rank: Int = 0) -> [Int] {
        let room = Self.share(total: total, live: live, rank: rank) - renewed.count
        guard room > 0 else { return [] }
        let free = plan.wanted.filter { slot in
            guard let row = rows[slot] else { return true }
            return !row.live
        }
        return Array(free.prefix(room))
    }
}
