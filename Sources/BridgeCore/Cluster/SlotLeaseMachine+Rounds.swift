import NIOCore

extension SlotLeaseMachine {
    /// What a successful round did: the slots it renewed, those it claimed (with the holder of the expired row it
    /// replaced, if another instance's), and the live instances it counted.
    struct RoundResult: Hashable {
        var renewed: Set<Int>
        var claimed: [Int: String?]
        var live: Int
        /// This instance's place among the live instances, by instance id (0-based).
        var rank: Int = 0
    }

    /// A round committed. Renewed leases count from the round's start; a lease the round could not renew is lost at
    /// once (its row is someone else's); claimed slots are granted; leases over the share are yielded.
    mutating func roundSucceeded(_ plan: RoundPlan, result: RoundResult, now: NIODeadline) -> [Action] {
        roundInFlight = nil
        liveInstances = max(1, result.live)
        liveRank = result.rank
        var actions: [Action] = []
        var strayRows = false
        for slot in plan.renew.sorted() {
            let renewed = result.renewed.contains(slot)
            switch slots[slot] {
            case .held where renewed: slots[slot] = .held(renewedAt: plan.startedAt)
            case .yielding where renewed: slots[slot] = .yielding(renewedAt: plan.startedAt)
            case .held, .yielding:
                slots[slot] = .abandoned
                actions.append(.revoke(slot: slot, closeWithin: .zero, reason: .lost(.takenByAnother)))
            case .wanted, .abandoned, nil:
                // Given up or released while the round ran: the row is deleted by a later round.
                strayRows = strayRows || renewed
            }
        }
        for (slot, previous) in result.claimed.sorted(by: { $0.key < $1.key }) {
            if slots[slot] == .wanted, now < plan.startedAt + timing.giveUpAfter {
                slots[slot] = .held(renewedAt: plan.startedAt)
                let other = previous.flatMap { $0 == instanceID ? nil : $0 }
                actions.append(.grant(slot: slot, previousHolder: other))
            } else {
                // The claim was cancelled meanwhile (or the round took too long to trust): give the row back.
                strayRows = true
            }
        }
        actions += yieldOverShare()
        // A waiting claim polls (a released or expired slot, or a changed share, is seen within a second);
        // otherwise the renew interval.
        let interval = slots.values.contains(.wanted) ? timing.pollInterval : timing.renewInterval
        nextRoundAt = strayRows ? now : plan.startedAt + interval
        return actions
    }

    /// A round failed (database unreachable, a statement failed): nothing changed in the database that this
    /// instance relies on; leases run towards their give-up deadline and the next round comes after the poll
    /// interval.
    mutating func roundFailed(_ plan: RoundPlan, now: NIODeadline) {
        roundInFlight = nil
        nextRoundAt = now + timing.pollInterval
    }

    /// Over the share (another instance joined): revoke the highest held slots until at the share; they are
    /// renewed until released, so their sessions may drain gracefully for up to `giveUpAfter`.
    private mutating func yieldOverShare() -> [Action] {
        let share = Self.share(total: total, live: liveInstances ?? 1, rank: liveRank)
        let held = heldSlots
        guard held.count > share else { return [] }
        return held.suffix(held.count - share).map { slot in
            if case .held(let renewedAt) = slots[slot] { slots[slot] = .yielding(renewedAt: renewedAt) }
            return .revoke(slot: slot, closeWithin: timing.giveUpAfter, reason: .yielded)
        }
    }
}
