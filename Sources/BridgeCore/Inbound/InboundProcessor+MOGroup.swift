import Foundation
import Logging

extension InboundProcessor {
    /// What became of a part of a long MO given to ``storeInGroup(_:reference:)``.
    enum GroupPartOutcome {
        /// Stored (or stored already): the group's parts now, and the part as the group holds it.
        case stored([StoredMOPart], held: StoredMOPart)
        /// Not stored now: to be answered ESME_RX_T_APPN, so the SMSC delivers it again.
        case deferred
        /// The SMSC's redelivery of a part whose message was published already: answered ESME_ROK, not stored.
        case publishedAlready
    }

    /// Stores `part` in its group, in the group's turn (the gate is held):
    /// - the same part stored already (the SMSC delivered it again): nothing is written; the group as stored;
    /// - another part stored at its index: the sender reused the concatenation reference (`reference`) before the
    ///   earlier message completed. That message's parts were answered ESME_ROK, so they are not overwritten: it is
    ///   published first, as stored (`complete: false` unless every part is there), and removed; then `part` begins
    ///   the group again. `.deferred` when that publish or removal failed (the SMSC delivers `part` again, and the
    ///   earlier message, still stored, is published again under the same id);
    /// - a part the group does not hold as it is, remembered as delivered again for certain (its ESME_ROK was not
    ///   written, ``rememberUnansweredPart(_:)``): its message was published meanwhile — `.publishedAlready`, checked
    ///   before the two cases above, so such a copy never joins or flushes a newer message under the same key.
    func storeInGroup(_ part: StoredMOPart, reference: UInt16) async throws(BridgeStoreError) -> GroupPartOutcome {
        let stored = try await store.moGroup(key: part.groupKey)
        let held = stored.first { $0.index == part.index }
        if let held, Self.sameContent(held, part) {
            // The copy takes its part's mark. A failed take defers it (the caller's ESME_RX_T_APPN): left behind, the
            // mark would take an identical part of the next message under this reference for this copy.
            _ = try await takeRememberedID(partKey(part))
            return .stored(stored, held: held)
        }
        // A failed read defers the part (the caller's ESME_RX_T_APPN): taken for "no mark", a marked copy would join
        // or flush a newer message under the same reference.
        if try await takeRememberedID(partKey(part)) != nil {
            logger.info("MO part delivered again after its message was published; answered, not stored", metadata: [
                "from": "\(part.from)", "reference": "\(reference)", "index": "\(part.index)", "total": "\(part.total)",
            ])
            return .publishedAlready
        }
        if held != nil {
            guard await publishEarlierMessage(stored, reference: reference) else { return .deferred }
        }
        return .stored(try await store.addMOPart(part), held: part)
    }

    /// Whether two parts of one group are the same part: index, data_coding and payload. Not the national language
    /// tables: a part stored before they were kept has none, and the SMSC's copy of it must still be recognised.
    private static func sameContent(_ one: StoredMOPart, _ other: StoredMOPart) -> Bool {
        one.index == other.index && one.dataCoding == other.dataCoding && one.payload == other.payload
    }

    /// Remembers stored `part` as one the SMSC delivers again for certain: its ESME_ROK was not written. Should its
    /// message be published before that copy comes, the copy is recognised (``storeInGroup(_:reference:)``) instead of
    /// beginning a group of its own, to be published later as a one-part `complete: false` message. Only while the
    /// group still holds this part: a copy that reached another instance sharing the store may have been handled
    /// already (the group completed and removed), and a mark left for it would take the next identical part.
    func rememberUnansweredPart(_ part: StoredMOPart) async {
        let group: [StoredMOPart]
        do {
            group = try await store.moGroup(key: part.groupKey)
        } catch {
            logger.warning("store read of an MO group failed; a part delivered again may be published on its own",
                           metadata: ["error": "\(error)"])
            return
        }
        guard group.contains(where: { Self.sameContent($0, part) }) else { return }
        await markPart(part)
    }

    /// Stores the mark of `part`, which the SMSC delivers again for certain. Straight from
    /// ``rememberUnansweredPart(_:)``'s check, or for a copy recognised as published already (it took the mark) whose
    /// own ESME_ROK was not written either: no group holds that part any more.
    func markPart(_ part: StoredMOPart) async {
        _ = await storeUnconfirmedID(partKey(part), eventID: Self.unansweredPartMark)
    }

    /// What ``markPart(_:)`` stores in place of an event id.
    static let unansweredPartMark = "part"

    /// Publishes and removes the group `parts` whose reference a new message reuses; true when both happened.
    private func publishEarlierMessage(_ parts: [StoredMOPart], reference: UInt16) async -> Bool {
        guard let first = parts.first else { return true }
        let complete = Self.isComplete(parts, total: first.total)
        logger.warning(
            "long MO reference reused before the earlier message completed; the earlier one is published as stored",
            metadata: [
                "from": "\(first.from)", "reference": "\(reference)", "parts": "\(parts.count)/\(first.total)",
                "complete": "\(complete)",
            ])
        let publication = await publishMO(parts, total: first.total, complete: complete)
        return publication.confirmed ? await removePublished(parts, publication) : false
    }
}
