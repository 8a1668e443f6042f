import NIOConcurrencyHelpers
import SMPPNIO

/// A session budget shared by several clients in one process: slot `s` is held by at most one member at a time; a
/// member's claim waits until the slot is free. The test revokes leases by hand. Stands in for the database-backed
/// gate of BridgeCore, whose leasing is tested on its own.
final class InMemorySlotBudget: Sendable {
    private struct Waiter {
        var id: UInt64
        var member: Int
        var continuation: CheckedContinuation<SessionSlotLease?, Never>
    }

    private struct State {
        var holders: [Int: (member: Int, lease: SessionSlotLease)] = [:]
        var waiters: [Int: [Waiter]] = [:]
        var nextID: UInt64 = 1
        var claims = 0
        var releases = 0
    }

    private let state = NIOLockedValueBox(State())

    /// The gate member `member` (a client) uses.
    func member(_ member: Int) -> Member { Member(budget: self, member: member) }

    /// Which member holds `slot`, if any.
    func holder(of slot: Int) -> Int? { state.withLockedValue { $0.holders[slot]?.member } }

    /// How many claims wait for `slot`.
    func waiting(for slot: Int) -> Int { state.withLockedValue { $0.waiters[slot]?.count ?? 0 } }

    /// The leases granted so far and the releases seen.
    var counts: (claims: Int, releases: Int) { state.withLockedValue { ($0.claims, $0.releases) } }

    /// Revokes the lease on `slot`; false if nobody holds it.
    @discardableResult
    func revoke(slot: Int, closeWithin: Duration) -> Bool {
        guard let lease = state.withLockedValue({ $0.holders[slot]?.lease }) else { return false }
        return lease.revoke(closeWithin: closeWithin)
    }

    fileprivate func claim(slot: Int, member: Int) async -> SessionSlotLease? {
        let id = state.withLockedValue { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<SessionSlotLease?, Never>) in
                // Checked under the lock that onCancel also takes: a cancellation either is seen here or finds
                // the waiter.
                let granted: SessionSlotLease?? = state.withLockedValue { state in
                    if Task.isCancelled { return .some(nil) }
                    if state.holders[slot] == nil {
                        let lease = SessionSlotLease(slot: slot)
                        state.holders[slot] = (member, lease)
                        state.claims += 1
                        return lease
                    }
                    state.waiters[slot, default: []].append(Waiter(id: id, member: member, continuation: continuation))
                    return nil
                }
                if let granted { continuation.resume(returning: granted) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLockedValue { state in
                guard let index = state.waiters[slot]?.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters[slot]?.remove(at: index)
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    fileprivate func release(_ lease: SessionSlotLease) {
        let next: (Waiter, SessionSlotLease)? = state.withLockedValue { state in
            guard state.holders[lease.slot]?.lease === lease else { return nil }
            state.releases += 1
            state.holders[lease.slot] = nil
            guard var waiting = state.waiters[lease.slot], !waiting.isEmpty else { return nil }
            let waiter = waiting.removeFirst()
            state.waiters[lease.slot] = waiting
            let fresh = SessionSlotLease(slot: lease.slot)
            state.holders[lease.slot] = (waiter.member, fresh)
            state.claims += 1
            return (waiter, fresh)
        }
        if let (waiter, fresh) = next { waiter.continuation.resume(returning: fresh) }
    }

    /// One client's view of the budget.
    struct Member: SessionSlotGate {
        let budget: InMemorySlotBudget
        let member: Int

        func claim(slot: Int) async -> SessionSlotLease? {
            if Task.isCancelled { return nil }
            return await budget.claim(slot: slot, member: member)
        }

        func release(_ lease: SessionSlotLease) { budget.release(lease) }
    }
}
