import Foundation
import SMPP

/// The hashes long and short MO are remembered under in the store (`mo_unconfirmed`): an MO's content, for its event
/// id (DESIGN §3 "MO event ids"), and one part of a long MO, for the mark of a copy the SMSC delivers again.
extension InboundProcessor {
    /// What identifies an MO's content across the SMSC's deliveries of it: the account, addresses, data_coding (each
    /// part's where they differ), the joined payload, the part count and completeness (not the arrival time); for a
    /// long MO also its group (reference included): the same text sent twice under two references is two messages,
    /// and the id written ahead for one of them (``publishMO(_:total:complete:contentKey:whenPreempted:)``) is not
    /// the other's to take. Earlier versions left the group out; their ids are not looked for under the old key (it
    /// would hand a plain MO's id to a one-part concatenated one with the same text, or one reference's to another):
    /// a long MO unconfirmed across the upgrade gets a fresh id on its redelivery, a possible duplicate.
    static func moContentKey(_ parts: [StoredMOPart], total: Int, complete: Bool, account: String) -> String {
        let sorted = parts.sorted { $0.index < $1.index }
        var hash = FNV1a128()
        hash.addField("mo".utf8)
        hash.addField(account.utf8)
        if let first = sorted.first {
            // Without the `+` an international sender is published with (``AddressPlan/requestForm(of:)``): the key
            // stays what earlier versions, which stored the bare digits, computed.
            hash.addField(AddressPlan.withoutPlus(first.from).utf8)
            hash.addField(first.to.utf8)
            hash.addField(first.dataCoding, complete ? 1 : 0)
        }
        hash.addField(UInt8(truncatingIfNeeded: total >> 8), UInt8(truncatingIfNeeded: total))
        for part in sorted {
            hash.addField(UInt8(truncatingIfNeeded: part.index >> 8), UInt8(truncatingIfNeeded: part.index))
            // A possible-padding septet (flagged, `normalizedPayload`) is left out, as the stores of earlier versions
            // left it out of the payload: a key remembered by one version is found by the next.
            if let last = part.payload.last, last & GSM7Packing.possiblePaddingFlag != 0 {
                hash.addField(part.payload.dropLast())
            } else {
                hash.addField(part.payload)
            }
            // Only where it differs, so the key of a message in one coding stays what it was.
            if let first = sorted.first, part.dataCoding != first.dataCoding {
                hash.addField(CollectionOfOne(part.dataCoding))
            }
            // Only where the part is read with some (``readingShift(_:dataCoding:from:)``), so the key of a message in
            // the default tables stays what earlier versions computed.
            if !part.nationalLanguageShift.isNone { hash.addField(Self.shiftField(part.nationalLanguageShift)) }
        }
        if let group = sorted.first?.groupKey, !group.isEmpty {
            hash.addField("group".utf8)
            hash.addField(group.utf8)
        }
        return EventID.derived(from: hash)
    }

    /// The hash a part delivered again is known by: account, group key, index, data_coding and payload.
    func partKey(_ part: StoredMOPart) -> String {
        var hash = FNV1a128()
        hash.addField("mo-part".utf8)
        hash.addField(settings.account.utf8)
        hash.addField(part.groupKey.utf8)
        hash.addField(UInt8(truncatingIfNeeded: part.index >> 8), UInt8(truncatingIfNeeded: part.index))
        hash.addField(CollectionOfOne(part.dataCoding))
        hash.addField(part.payload)
        // Not the national language tables: a mark left by an earlier version is found by this one.
        return EventID.derived(from: hash)
    }

    /// The national language tables as hashed: a tag, then presence and id of the locking and single shift tables.
    private static func shiftField(_ shift: GSMNationalLanguageShift) -> [UInt8] {
        [0x4E, shift.locking == nil ? 0 : 1, shift.locking ?? 0, shift.single == nil ? 0 : 1, shift.single ?? 0]
    }
}
