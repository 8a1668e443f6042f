import Foundation
import Logging

extension InboundProcessor {
    /// How long the timeout sweep holds the groups it took (seconds): another instance's sweep skips them meanwhile.
    static let sweepClaim: TimeInterval = 60

    /// Publishes every group whose first part is older than the reassembly timeout: `complete: false`, or
    /// `complete: true` when every part is there after all (its last part's publish failed, or the store kept the
    /// group after its publish) — the event the completing part publishes, under the id a copy of it may have on
    /// the broker, so a consumer can drop one. Groups are claimed in the store first, so instances sharing a store
    /// never both publish one; a group whose publish failed is offered again once its claim (``sweepClaim``) has
    /// expired. `heldBack` (seconds) moves the cutoff back: the wall clock's forward steps within the timeout, which
    /// make parts stamped before them look older than they are.
    public func sweepIncompleteMO(heldBack: Double = 0) async {
        let sweptAt = now()
        let cutoff = sweptAt.addingTimeInterval(-settings.moReassemblyTimeout - max(0, heldBack))
        let claimed: [[StoredMOPart]]
        do {
            claimed = try await store.claimMOGroups(
                firstReceivedBefore: cutoff, claimedUntil: sweptAt.addingTimeInterval(Self.sweepClaim), now: sweptAt)
        } catch {
            logger.error("store read of MO groups failed", metadata: ["error": "\(error)"])
            return
        }
        for key in claimed.compactMap(\.first?.groupKey) {
            // Stopped between groups at shutdown (each publish may wait for a confirm up to its timeout): the rest
            // stay stored, their claims expire, and the next sweep — here or on another instance — takes them.
            guard !Task.isCancelled else { break }
            await groups.enter(key)
            await sweepGroup(key, cutoff: cutoff)
            groups.leave(key)
        }
    }

    /// Publishes group `key` as the store holds it now, in its turn with the parts being added (the gate is held).
    /// The claim's copy is older: a part stored since and answered ESME_ROK would be missing from it, and the group
    /// may have completed and gone. Only the parts published are removed.
    private func sweepGroup(_ key: String, cutoff: Date) async {
        let parts: [StoredMOPart]
        do {
            parts = try await store.moGroup(key: key)
        } catch {
            logger.error("store read of an MO group failed; the sweep tries it again", metadata: ["error": "\(error)"])
            return
        }
        // Gone (its last part completed it meanwhile), or begun again since (a new message under the same key).
        guard let first = parts.first, parts.contains(where: { $0.receivedAt < cutoff }) else { return }
        let complete = Self.isComplete(parts, total: first.total)
        logger.warning("long MO still stored after the reassembly timeout; published by the sweep", metadata: [
            "from": "\(first.from)", "parts": "\(parts.count)/\(first.total)", "complete": "\(complete)",
        ])
        let publication = await publishMO(parts, total: first.total, complete: complete)
        if publication.confirmed { await removePublished(parts, publication) }
    }
}
