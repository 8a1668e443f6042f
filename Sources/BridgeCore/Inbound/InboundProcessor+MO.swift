import Foundation
import Logging
import SMPP

extension InboundProcessor {
    /// An MO message: one part is published at once; a part of a long message is stored until every part is
    /// there (in any order, across restarts), then published once, complete. Answers the SMSC with `answer` (see
    /// ``process(_:answer:)``) and returns the status it answered.
    /// `whenPreempted`: see ``process(_:whenPreempted:answer:)``.
    func mobileOriginated(
        _ message: InboundShortMessage, whenPreempted: PreemptionHook? = nil, answer: (CommandStatus) async -> Bool
    ) async -> CommandStatus {
        let from = message.source.address, to = message.destination.address
        guard let part = ConcatenatedPart.from(
            source: from, destination: to, esmClass: message.esmClass.rawValue, dataCoding: message.dataCoding,
            shortMessage: message.shortMessage, tlvs: message.tlvs)
        else { return await singleMO(message, whenPreempted: whenPreempted, answer: answer) }
        let info = part.concatenation
        guard info.isWithinTotal else {
            // No group could ever complete with it: a message of its own, never dropped (DESIGN §4 "MO").
            logger.warning("MO part with impossible concatenation published as a message of its own", metadata: [
                "from": "\(from)", "reference": "\(info.reference)", "index": "\(info.index)",
                "total": "\(info.total)",
            ])
            return await singleMO(message, whenPreempted: whenPreempted, answer: answer)
        }
        let total = Int(info.total)
        let key = "\(from)|\(to)|\(info.reference)|\(total)"
        // Parts of one group are handled one at a time, so exactly one of them completes it.
        await groups.enter(key)
        defer { groups.leave(key) }
        var stored = StoredMOPart(
            groupKey: key, index: Int(info.index), total: total,
            payload: normalizedPayload(
                part.userData, dataCoding: part.dataCoding, udhOctets: part.headerOctets, isLastPart: info.index == info.total),
            dataCoding: part.dataCoding, from: AddressPlan.requestForm(of: message.source), to: to, receivedAt: now(),
            nationalLanguageShift: readingShift(part.nationalLanguageShift, dataCoding: part.dataCoding, from: from))
        let parts: [StoredMOPart]
        do {
            switch try await storeInGroup(stored, reference: info.reference) {
            case .stored(let group, let held):
                parts = group
                stored = held
            case .publishedAlready:
                // It took the mark: if this answer is not written either, the next copy needs it again.
                if await !answer(.ok) { await markPart(stored) }
                return .ok
            case .deferred:
                _ = await answer(.receiverTemporaryAppError)
                return .receiverTemporaryAppError
            }
        } catch {
            logger.error("store failed; MO part deferred (ESME_RX_T_APPN)", metadata: ["error": "\(error)"])
            _ = await answer(.receiverTemporaryAppError)
            return .receiverTemporaryAppError
        }
        guard Self.isComplete(parts, total: total) else {
            // Stored: if this answer comes too late, the SMSC's redelivery of the part replaces it — or, when the
            // message was published meanwhile, is recognised as delivered already.
            if await !answer(.ok) { await rememberUnansweredPart(stored) }
            return .ok
        }
        let publication = await publishMO(parts, total: total, complete: true, whenPreempted: whenPreempted)
        // Answered before the gate is left, so a redelivery of this part waits until the group is removed, or kept.
        if await answered(publication, answer) {
            await removePublished(parts, publication)
        } else {
            // The group stays for this part's redelivery to complete again; should the sweep publish it first, the
            // redelivery is recognised as published already.
            await rememberUnansweredPart(stored)
        }
        return publication.status
    }

    /// Answers the SMSC for `publication`: ESME_ROK once the broker confirmed it, else ESME_RX_T_APPN. True when the
    /// SMSC got ESME_ROK. When a confirmed MO's ESME_ROK was not written (too late: the client had answered
    /// ESME_RX_T_APPN; or the session ended before the write), the SMSC delivers it again although the broker has
    /// it: its id is remembered, as for an unconfirmed copy, so the redelivery is published under it (DESIGN §4 "MO
    /// event ids"), and a long MO's group stays stored for that redelivery of its last part to complete again (or for
    /// the sweep).
    private func answered(_ publication: MOPublication, _ answer: (CommandStatus) async -> Bool) async -> Bool {
        if await answer(publication.status) { return publication.confirmed }
        if publication.confirmed && !publication.idStored {
            logger.warning("MO published, but its ESME_ROK did not reach the SMSC; its redelivery keeps the id",
                           metadata: ["event_id": "\(publication.eventID)"])
            await rememberUnconfirmedID(publication.contentKey, eventID: publication.eventID)
        }
        return false
    }

    /// An MO published at once, whole: its user data without the UDH.
    private func singleMO(
        _ message: InboundShortMessage, whenPreempted: PreemptionHook?, answer: (CommandStatus) async -> Bool
    ) async -> CommandStatus {
        let split = UserDataHeader.split(message.userData, udhi: message.esmClass.hasUDH)
        let stored = StoredMOPart(
            groupKey: "", index: 1, total: 1,
            payload: normalizedPayload(
                split.payload, dataCoding: message.dataCoding, udhOctets: split.headerOctets, isLastPart: true),
            dataCoding: message.dataCoding, from: AddressPlan.requestForm(of: message.source), to: message.destination.address,
            receivedAt: now(),
            nationalLanguageShift: readingShift(
                split.header?.nationalLanguageShift ?? .none, dataCoding: message.dataCoding, from: message.source.address))
        // Copies of one MO are handled one at a time: the SMSC's redelivery of an MO whose publish or answer is still
        // pending (its answer came too late) waits for that outcome, and so takes the id the first copy leaves behind
        // instead of going out at once under a fresh one (DESIGN §4 "MO event ids").
        let contentKey = Self.moContentKey([stored], total: 1, complete: true, account: settings.account)
        let gateKey = "single|" + contentKey
        await groups.enter(gateKey)
        defer { groups.leave(gateKey) }
        let publication = await publishMO(
            [stored], total: 1, complete: true, contentKey: contentKey, whenPreempted: whenPreempted)
        _ = await answered(publication, answer)
        return publication.status
    }

    /// Whether `parts` hold every index of 1…`total`.
    static func isComplete(_ parts: [StoredMOPart], total: Int) -> Bool {
        Set(parts.map(\.index)) == Set(1...max(1, total))
    }

    /// Removes the parts a confirmed publish carried, and the id written ahead for them (one transaction). Parts the
    /// store keeps (it failed) are published again — by the timeout sweep, or the next part that finds them: their id
    /// stays remembered so that copy is the same event under the same id, and a consumer drops it. True when removed.
    @discardableResult
    func removePublished(_ parts: [StoredMOPart], _ publication: MOPublication) async -> Bool {
        do {
            try await store.removeMOParts(parts, forgetting: publication.writtenAheadID)
            return true
        } catch {
            logger.warning(
                "published MO group not removed from the store; the sweep publishes it again, same event id",
                metadata: ["event_id": "\(publication.eventID)", "error": "\(error)"])
            if publication.writtenAheadID == nil {
                await rememberUnconfirmedID(publication.contentKey, eventID: publication.eventID)
            }
            return false
        }
    }

    /// The id (or mark) remembered under `key` within ``unconfirmedMORetention``, if any, taken (used once).
    func takeRememberedID(_ key: String) async throws(BridgeStoreError) -> String? {
        try await store.takeUnconfirmedMO(key: key, notBefore: now().addingTimeInterval(-Self.unconfirmedMORetention))
    }

    /// ``takeRememberedID(_:)`` where a store that fails costs only the dedup: the MO is published under a fresh id.
    func takeUnconfirmedID(_ key: String) async -> String? {
        do {
            return try await takeRememberedID(key)
        } catch {
            logger.warning("store read of unconfirmed MO ids failed; the MO gets a fresh event id",
                           metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// ``rememberUnconfirmedID(_:eventID:)``, saying whether the store kept it.
    func storeUnconfirmedID(_ key: String, eventID: String) async -> Bool {
        do {
            try await store.rememberUnconfirmedMO(key: key, eventID: eventID, at: now())
            return true
        } catch {
            logger.warning("unconfirmed MO id not stored; its redelivery gets a fresh event id",
                           metadata: ["event_id": "\(eventID)", "error": "\(error)"])
            return false
        }
    }

    private func rememberUnconfirmedID(_ key: String, eventID: String) async {
        _ = await storeUnconfirmedID(key, eventID: eventID)
    }

    /// Packed GSM is unpacked before storing (its fill bits depend on each part's UDH), so stored payloads decode
    /// as plain septets and join across parts. A non-final part keeps a last septet that may be padding, flagged
    /// (`GSM7Packing.unpack(part:fillBits:isLastPart:)`); ``decodedMO(_:)`` settles it beside the next part.
    func normalizedPayload(_ payload: [UInt8], dataCoding: UInt8, udhOctets: Int, isLastPart: Bool) -> [UInt8] {
        guard SMSText.alphabet(forDataCoding: dataCoding, defaultAlphabet: settings.defaultAlphabet) == .gsm7Packed
        else { return payload }
        return GSM7Packing.unpack(
            part: payload, fillBits: GSM7Packing.fillBits(afterUDHOctets: udhOctets), isLastPart: isLastPart)
    }

    /// How an MO's publish ended, with what identifies its event.
    struct MOPublication {
        /// Whether the broker confirmed it.
        let confirmed: Bool
        /// The event id it went out under.
        let eventID: String
        /// The hash of its content an id is remembered under (``moContentKey(_:total:complete:account:)``).
        let contentKey: String
        /// Whether its id is in the store for the SMSC's redelivery already: written ahead of a group's publish, or
        /// the message was preempted (the client answered it) while this copy was publishing, and the id was stored
        /// then.
        var idStored = false
        /// The id written ahead of a group's publish, forgotten with the group's parts.
        var writtenAheadID: RememberedMOID?

        /// The answer it earns the SMSC: ESME_ROK once the broker confirmed it, else ESME_RX_T_APPN.
        var status: CommandStatus { confirmed ? .ok : .receiverTemporaryAppError }
    }

    /// Decodes the parts as one message and publishes it; no parts: nothing to publish (confirmed).
    /// `contentKey`: ``moContentKey(_:total:complete:account:)`` of these parts when the caller has it already.
    /// `whenPreempted`: registers what to run when the SMSC is answered without this publish's outcome; then the SMSC
    /// delivers the MO again. Before the publish starts, the MO is not published (the redelivery is); while it is
    /// pending, the id is stored at once for a redelivery that may reach another instance before the confirm (DESIGN
    /// §4 "MO event ids").
    func publishMO(
        _ parts: [StoredMOPart], total: Int, complete: Bool, contentKey known: String? = nil,
        whenPreempted: PreemptionHook? = nil
    ) async -> MOPublication {
        guard let first = parts.first else { return MOPublication(confirmed: true, eventID: "", contentKey: "") }
        let content = decodedMO(parts.sorted { $0.index < $1.index })
        let event = MOEvent(
            from: first.from, to: first.to, text: content.text, encoding: content.encoding,
            dataCoding: content.dataCoding, segments: total, complete: complete,
            receivedAt: parts.map(\.receivedAt).max() ?? now(), binary: content.binary)
        // A fresh id, unless this is the SMSC's redelivery of an MO the broker may already have (DESIGN §3 "MO event
        // ids"): its id is in the store, whichever instance published that copy.
        let contentKey = known ?? Self.moContentKey(parts, total: total, complete: complete, account: settings.account)
        let early = EarlyMOIDRecord()
        whenPreempted? { early.preempt() }
        guard !early.preemptedBeforePublishing else {
            // Answered ESME_RX_T_APPN while it waited for its turn: the SMSC delivers it again, and that copy is
            // published. Published now, it could race a redelivery already on another instance (two events), and its
            // id, stored for a redelivery that came already, would go to the next genuinely new identical MO.
            logger.info(
                "MO not published: the client answered it ESME_RX_T_APPN before its turn; the SMSC delivers it again",
                metadata: ["from": "\(first.from)", "to": "\(first.to)"])
            return MOPublication(confirmed: false, eventID: "", contentKey: contentKey)
        }
        let remembered: String?
        if first.groupKey.isEmpty {
            remembered = await takeUnconfirmedID(contentKey)
        } else {
            // A stored group may have an id written ahead (an earlier publish the broker may hold): a read that fails
            // defers the publish rather than send it under a fresh id a consumer could not match.
            do {
                remembered = try await takeRememberedID(contentKey)
            } catch {
                logger.warning("store read of the MO's id failed; the long MO is not published now",
                               metadata: ["error": "\(error)"])
                return MOPublication(confirmed: false, eventID: "", contentKey: contentKey)
            }
        }
        let eventID = remembered ?? EventID.make()
        // A stored group's id is written ahead of its publish and forgotten with its parts, in one transaction: if the
        // process ends between the broker's confirm and the removal, the group's next publish (its last part
        // delivered again, or the sweep) goes out under the same id, and a consumer drops it. The key names the group,
        // so while the group is stored the id serves only its publishes.
        let writtenAhead = !first.groupKey.isEmpty ? await storeUnconfirmedID(contentKey, eventID: eventID) : false
        if !writtenAhead { early.arm { [self] in await storeUnconfirmedID(contentKey, eventID: eventID) } }
        let outcome = await publish(
            exchange: settings.moExchange, routingKey: event.routingKey, body: event.jsonBytes(), correlationID: nil,
            type: "mo", eventID: eventID)
        // Stored early, the id stays as it is: a redelivery may have taken it already, and storing it again would
        // hand it to the next genuinely new identical MO, which consumers would then drop.
        let idStored = await early.close() || writtenAhead
        let writtenAheadID = writtenAhead ? RememberedMOID(key: contentKey, eventID: eventID) : nil
        guard outcome == .confirmed else {
            // Kept for the next delivery when this copy may be on the broker, or an earlier one may (a redelivery
            // refused again while the broker is down must not lose the id).
            if !idStored, outcome == .unconfirmed || remembered != nil {
                await rememberUnconfirmedID(contentKey, eventID: eventID)
            }
            return MOPublication(
                confirmed: false, eventID: eventID, contentKey: contentKey, idStored: idStored,
                writtenAheadID: writtenAheadID)
        }
        (complete ? metrics.moComplete : metrics.moIncomplete).increment()
        logger.info("MO message", metadata: [
            "from": "\(first.from)", "to": "\(first.to)", "segments": "\(total)", "complete": "\(complete)",
            "event_id": "\(eventID)",
        ])
        logger.trace("MO text", metadata: ["text": "\(content.text ?? "")"])

        return MOPublication(
            confirmed: true, eventID: eventID, contentKey: contentKey, idStored: idStored, writtenAheadID: writtenAheadID)
    }
}
