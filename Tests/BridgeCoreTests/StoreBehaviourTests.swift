import BridgeCore
import Foundation
import SMPP
import Testing

/// Every `BridgeStore` behaviour, run against every store (memory, SQLite, PostgreSQL).
@Suite struct StoreBehaviourTests {
    typealias F = StoreFixtures

    @Test(arguments: StoreKind.allCases)
    func unknownRequestIsNil(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let state = try await store.requestState(id: "never-seen")
            #expect(state == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func inFlightMarkIsReadBackAndRefreshed(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            try await store.markInFlight(id: "r1", at: F.t0)
            #expect(try await store.requestState(id: "r1") == .inFlight(since: F.t0))
            let later = F.t0.addingTimeInterval(5.5)
            try await store.markInFlight(id: "r1", at: later)
            #expect(try await store.requestState(id: "r1") == .inFlight(since: later, marks: 2))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func completionKeepsResultByteForByte(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let result = F.result(1)
            try await store.markInFlight(id: "r1", at: F.t0)
            try await store.complete(RequestCompletion(requestID: "r1", result: result, correlations: []))
            #expect(try await store.requestState(id: "r1") == .completed(result))
            let empty = StoredResult(eventID: "", status: "failed", routingKey: "submit.failed", body: [], completedAt: F.t0)
            try await store.complete(RequestCompletion(requestID: "r2", result: empty, correlations: []))
            #expect(try await store.requestState(id: "r2") == .completed(empty))
        }
    }

    /// Text outside ASCII, empty strings, empty and absent metadata: each read back exactly as it was written.
    @Test(arguments: StoreKind.allCases)
    func textAndBytesComeBackAsWritten(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let id = "zahlung-Ä-ß-🙂-ид"
            #expect(try await store.beginRequest(id: id, at: F.t0) == nil)
            #expect(try await store.beginRequest(id: id, at: F.t0) == .inFlight(since: F.t0))
            let emptyMetadata = ReceiptCorrelation(
                keys: ["ÄB-1", "ab-1"], messageID: "ÄB-1", requestID: id, segment: 1, segments: 2, to: "",
                from: "Ünïcode 🙂", metadata: [], submittedAt: F.t0)
            let noMetadata = ReceiptCorrelation(
                keys: ["ÄB-2"], messageID: "ÄB-2", requestID: id, segment: 2, segments: 2, to: "573001234567",
                from: "", metadata: nil, submittedAt: F.t0)
            try await store.complete(RequestCompletion(
                requestID: id, result: F.result(7), correlations: [emptyMetadata, noMetadata]))
            #expect(try await store.requestState(id: id) == .completed(F.result(7)))
            #expect(try await store.correlation(keys: ["ab-1"]) == emptyMetadata)
            #expect(try await store.correlation(keys: ["ÄB-2"]) == noMetadata)
        }
    }

    /// A completion naming its delivery's mark lands only while the request still holds that mark: a request marked
    /// again since (another instance took it over and may submit it again) stays in flight, and the completion is
    /// told so, to flag its result and complete again without a mark.
    @Test(arguments: StoreKind.allCases)
    func completionNamingATakenOverMarkStoresNothing(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let ours = F.t0, theirs = F.t0.addingTimeInterval(0.000_5)
            #expect(try await store.beginRequest(id: "r1", at: ours) == nil)
            #expect(try await store.beginRequest(id: "r1", at: theirs) == .inFlight(since: ours))
            let unflagged = F.result(1, at: F.t0.addingTimeInterval(1))
            let taken = try await store.complete(RequestCompletion(
                requestID: "r1", result: unflagged, correlations: [F.correlation("A1", request: "r1", keys: ["A1"])],
                markedAt: ours))
            #expect(taken == .inFlight(since: theirs, marks: 2))
            #expect(try await store.requestState(id: "r1") == .inFlight(since: theirs, marks: 2))
            #expect(try await store.correlation(keys: ["A1"]) == nil)
            // Flagged, it completes whatever the mark.
            let flagged = F.result(2, at: F.t0.addingTimeInterval(2))
            let stored = try await store.complete(RequestCompletion(
                requestID: "r1", result: flagged, correlations: [F.correlation("A1", request: "r1", keys: ["A1"])]))
            #expect(stored == nil)
            #expect(try await store.requestState(id: "r1") == .completed(flagged))
            #expect(try await store.correlation(keys: ["A1"])?.messageID == "A1")
            // The takeover's completion, naming its own mark, gets the first outcome.
            let late = try await store.complete(RequestCompletion(
                requestID: "r1", result: F.result(3), correlations: [], markedAt: theirs))
            #expect(late == .completed(flagged))
        }
    }

    /// Every delivery that marks a request in flight is counted (each may have submitted it), so repeated
    /// interruptions can be bounded; a released mark (nothing was sent) starts the count again.
    @Test(arguments: StoreKind.allCases)
    func inFlightMarksAreCounted(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let t1 = F.t0, t2 = F.t0.addingTimeInterval(1), t3 = F.t0.addingTimeInterval(2)
            #expect(try await store.beginRequest(id: "m1", at: t1) == nil)
            #expect(try await store.beginRequest(id: "m1", at: t2) == .inFlight(since: t1, marks: 1))
            try await store.markInFlight(id: "m1", at: t3)
            #expect(try await store.requestState(id: "m1") == .inFlight(since: t3, marks: 3))
            #expect(try await store.beginRequest(id: "m1", at: t3.addingTimeInterval(1)) == .inFlight(since: t3, marks: 3))
            let later = t3.addingTimeInterval(1)
            try await store.releaseInFlight(id: "m1", markedAt: later)
            #expect(try await store.beginRequest(id: "m1", at: later) == nil)
            #expect(try await store.requestState(id: "m1") == .inFlight(since: later, marks: 1))
        }
    }

    /// A completion naming the mark the request still holds lands as usual.
    @Test(arguments: StoreKind.allCases)
    func completionNamingItsOwnMarkLands(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let ours = F.t0.addingTimeInterval(0.25)
            #expect(try await store.beginRequest(id: "r2", at: ours) == nil)
            let result = F.result(4, at: F.t0.addingTimeInterval(3))
            let stored = try await store.complete(RequestCompletion(
                requestID: "r2", result: result, correlations: [F.correlation("B1", request: "r2", keys: ["B1"])],
                markedAt: ours))
            #expect(stored == nil)
            #expect(try await store.requestState(id: "r2") == .completed(result))
            #expect(try await store.correlation(keys: ["B1"])?.requestID == "r2")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func completedRequestKeepsItsFirstOutcome(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let first = F.result(1)
            let stored = try await store.complete(
                RequestCompletion(requestID: "r1", result: first, correlations: [F.correlation("A1", request: "r1", keys: ["A1"])]))
            #expect(stored == nil)
            let second = F.result(2, status: "failed", at: F.t0.addingTimeInterval(1))
            // The second completion stores nothing and gets the first outcome back, to publish instead of its own.
            let kept = try await store.complete(
                RequestCompletion(requestID: "r1", result: second, correlations: [F.correlation("B2", request: "r1", keys: ["B2"])]))
            #expect(kept == .completed(first))
            try await store.markInFlight(id: "r1", at: F.t0.addingTimeInterval(2))
            #expect(try await store.requestState(id: "r1") == .completed(first))
            #expect(try await store.correlation(keys: ["A1"])?.messageID == "A1")
            #expect(try await store.correlation(keys: ["B2"]) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func correlationFoundUnderAnyKeyFirstMatchingKeyWins(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let hex = F.correlation("5F3A9C01", request: "r1", keys: ["5F3A9C01", "1597676545"], segment: 1, segments: 2)
            let other = F.correlation("77", request: "r2", keys: ["77"], metadata: nil)
            let empty = F.correlation("88", request: "r3", keys: ["88"], metadata: [])
            try await store.complete(RequestCompletion(requestID: "r1", result: F.result(1), correlations: [hex]))
            try await store.addCorrelations([other, empty])
            #expect(try await store.correlation(keys: ["1597676545"]) == hex)
            #expect(try await store.correlation(keys: ["5F3A9C01"]) == hex)
            #expect(try await store.correlation(keys: ["nope", "77", "5F3A9C01"]) == other)
            #expect(try await store.correlation(keys: ["88"]) == empty)
            #expect(try await store.correlation(keys: ["nope"]) == nil)
            #expect(try await store.correlation(keys: []) == nil)
        }
    }

    /// `smpp.message_id_format: auto` records an id under its other readings too: 74565 also under 12345 (its hex
    /// reading in decimal). That secondary key must not displace segment 12345's primary key, whichever was
    /// recorded first, or the receipt for 12345 matches the wrong request; a primary key still takes over a
    /// secondary one, and a newer segment still takes over an older one's primary key.
    @Test(arguments: StoreKind.allCases)
    func secondaryKeyNeverDisplacesAPrimaryKey(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let decimal = F.correlation("12345", request: "r-12345", keys: ["12345", "74565", "3039"])
            let other = F.correlation("74565", request: "r-74565", keys: ["74565", "476517", "12345"])
            try await store.addCorrelations([decimal])
            try await store.addCorrelations([other])
            #expect(try await store.correlation(keys: ["12345"])?.requestID == "r-12345")
            #expect(try await store.correlation(keys: ["74565"])?.requestID == "r-74565")
            #expect(try await store.correlation(keys: ["3039"])?.requestID == "r-12345")
            let reused = F.correlation("12345", request: "r-reused", keys: ["12345", "74565", "3039"])
            try await store.addCorrelations([reused])
            #expect(try await store.correlation(keys: ["12345"])?.requestID == "r-reused")
            #expect(try await store.correlation(keys: ["74565"])?.requestID == "r-74565")
        }
        try await F.withStore(kind) { store in
            let other = F.correlation("74565", request: "r-74565", keys: ["74565", "476517", "12345"])
            let decimal = F.correlation("12345", request: "r-12345", keys: ["12345", "74565", "3039"])
            try await store.complete(RequestCompletion(requestID: "r-74565", result: F.result(1), correlations: [other]))
            try await store.complete(RequestCompletion(requestID: "r-12345", result: F.result(2), correlations: [decimal]))
            #expect(try await store.correlation(keys: ["12345"])?.requestID == "r-12345")
            #expect(try await store.correlation(keys: ["74565"])?.requestID == "r-74565")
        }
        // Both in one write, in either order (PostgreSQL merges a batch's rows per key before its one statement).
        for reversed in [false, true] {
            try await F.withStore(kind) { store in
                let decimal = F.correlation("12345", request: "r-12345", keys: ["12345", "74565", "3039"])
                let other = F.correlation("74565", request: "r-74565", keys: ["74565", "476517", "12345"])
                try await store.addCorrelations(reversed ? [other, decimal] : [decimal, other])
                #expect(try await store.correlation(keys: ["12345"])?.requestID == "r-12345", "reversed: \(reversed)")
                #expect(try await store.correlation(keys: ["74565"])?.requestID == "r-74565", "reversed: \(reversed)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func addedCorrelationOverwritesKey(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let first = F.correlation("K1", request: "r1", keys: ["K1", "k:1"])
            let late = F.correlation("K1", request: "r2", keys: ["K1"], segment: 2, segments: 2, at: F.t0.addingTimeInterval(9))
            try await store.addCorrelations([first])
            try await store.addCorrelations([late])
            #expect(try await store.correlation(keys: ["K1"]) == late)
            #expect(try await store.correlation(keys: ["k:1"]) == first)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func moPartsCollectInPartOrderAndReplaceRedelivery(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            #expect(try await store.addMOPart(F.part("g", index: 3)) == [F.part("g", index: 3)])
            #expect(try await store.addMOPart(F.part("g", index: 1)).map(\.index) == [1, 3])
            _ = try await store.addMOPart(F.part("other", index: 1))
            let redelivered = F.part("g", index: 3, payload: [9, 9], at: F.t0.addingTimeInterval(1))
            #expect(try await store.addMOPart(redelivered).map(\.index) == [1, 3])
            let all = try await store.addMOPart(F.part("g", index: 2, payload: []))
            #expect(all == [F.part("g", index: 1), F.part("g", index: 2, payload: []), redelivered])
        }
    }

    /// The national language tables a part's UDH named come back with it (and their absence as absence).
    @Test(arguments: StoreKind.allCases)
    func moPartsKeepTheirNationalLanguageTables(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            var turkish = F.part("g", index: 1)
            turkish.nationalLanguageShift = GSMNationalLanguageShift(locking: 1, single: 1)
            var singleOnly = F.part("g", index: 2)
            singleOnly.nationalLanguageShift = GSMNationalLanguageShift(single: 2)
            let plain = F.part("g", index: 3)
            _ = try await store.addMOPart(turkish)
            _ = try await store.addMOPart(plain)
            #expect(try await store.addMOPart(singleOnly) == [turkish, singleOnly, plain])
            #expect(try await store.moGroup(key: "g") == [turkish, singleOnly, plain])
            let swept = try await store.moGroups(firstReceivedBefore: F.t0.addingTimeInterval(1))
            #expect(swept == [[turkish, singleOnly, plain]])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func moGroupsBeforeCutoffOldestFirstAndRemoved(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            _ = try await store.addMOPart(F.part("late", index: 1, at: F.t0.addingTimeInterval(100)))
            _ = try await store.addMOPart(F.part("early", index: 2, at: F.t0.addingTimeInterval(10)))
            _ = try await store.addMOPart(F.part("early", index: 1, at: F.t0))
            let some = try await store.moGroups(firstReceivedBefore: F.t0.addingTimeInterval(50))
            #expect(some.map { $0.map(\.index) } == [[1, 2]])
            #expect(some.first?.first?.groupKey == "early")
            let every = try await store.moGroups(firstReceivedBefore: F.t0.addingTimeInterval(200))
            #expect(every.map { $0[0].groupKey } == ["early", "late"])
            #expect(try await store.moGroups(firstReceivedBefore: F.t0).isEmpty)
            try await store.removeMOParts(some[0])
            let left = try await store.moGroups(firstReceivedBefore: F.t0.addingTimeInterval(200))
            #expect(left.map { $0[0].groupKey } == ["late"])
        }
    }

    /// A group is read as it stands; removing what was read leaves a part stored again or added since.
    @Test(arguments: StoreKind.allCases)
    func removingPartsAsReadKeepsThoseStoredSince(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            #expect(try await store.moGroup(key: "g").isEmpty)
            _ = try await store.addMOPart(F.part("g", index: 1))
            _ = try await store.addMOPart(F.part("g", index: 2))
            _ = try await store.addMOPart(F.part("other", index: 1))
            let read = try await store.moGroup(key: "g")
            #expect(read == [F.part("g", index: 1), F.part("g", index: 2)])
            let again = F.part("g", index: 2, payload: [7], at: F.t0.addingTimeInterval(1))
            _ = try await store.addMOPart(again)
            _ = try await store.addMOPart(F.part("g", index: 3, at: F.t0.addingTimeInterval(2)))
            try await store.removeMOParts(read)
            #expect(try await store.moGroup(key: "g") == [again, F.part("g", index: 3, at: F.t0.addingTimeInterval(2))])
            #expect(try await store.moGroup(key: "other").count == 1, "another group is untouched")
            try await store.removeMOParts(try await store.moGroup(key: "g"))
            #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).map { $0[0].groupKey } == ["other"])
        }
    }

    /// The id written ahead of a group's publish goes with the group's parts, in one step, and only while it is still
    /// the id remembered under its key.
    @Test(arguments: StoreKind.allCases)
    func removingPartsForgetsTheirRememberedID(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            _ = try await store.addMOPart(F.part("g", index: 1))
            try await store.rememberUnconfirmedMO(key: "k", eventID: "e1", at: F.t0)
            try await store.rememberUnconfirmedMO(key: "other", eventID: "e2", at: F.t0)
            try await store.removeMOParts(
                try await store.moGroup(key: "g"), forgetting: RememberedMOID(key: "k", eventID: "e1"))
            #expect(try await store.moGroup(key: "g").isEmpty)
            #expect(try await store.takeUnconfirmedMO(key: "k", notBefore: .distantPast) == nil)
            try await store.rememberUnconfirmedMO(key: "k", eventID: "e3", at: F.t0)
            try await store.removeMOParts([], forgetting: RememberedMOID(key: "k", eventID: "e1"))
            #expect(try await store.takeUnconfirmedMO(key: "k", notBefore: .distantPast) == "e3", "another id stays")
            #expect(try await store.takeUnconfirmedMO(key: "other", notBefore: .distantPast) == "e2")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func sweepClaimsDueGroupsOnceUntilTheClaimExpires(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            _ = try await store.addMOPart(F.part("late", index: 1, at: F.t0.addingTimeInterval(100)))
            _ = try await store.addMOPart(F.part("early", index: 2, at: F.t0.addingTimeInterval(10)))
            _ = try await store.addMOPart(F.part("early", index: 1, at: F.t0))
            let cutoff = F.t0.addingTimeInterval(50), now = F.t0.addingTimeInterval(50)
            let until = now.addingTimeInterval(60)
            let claimed = try await store.claimMOGroups(firstReceivedBefore: cutoff, claimedUntil: until, now: now)
            #expect(claimed.map { $0.map(\.index) } == [[1, 2]])
            #expect(claimed.first?.first?.groupKey == "early")
            #expect(try await store.claimMOGroups(firstReceivedBefore: cutoff, claimedUntil: until, now: now).isEmpty)
            // Still listed: a claim hides a group from other sweeps only.
            #expect(try await store.moGroups(firstReceivedBefore: cutoff).count == 1)
            let expired = try await store.claimMOGroups(
                firstReceivedBefore: F.t0.addingTimeInterval(200), claimedUntil: until.addingTimeInterval(60), now: until)
            #expect(expired.map { $0[0].groupKey } == ["early", "late"])
            try await store.removeMOParts(expired[0])
            _ = try await store.addMOPart(F.part("early", index: 1, at: F.t0))
            let fresh = try await store.claimMOGroups(firstReceivedBefore: cutoff, claimedUntil: until, now: now)
            #expect(fresh.map { $0[0].groupKey } == ["early"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func purgeRemovesOnlyOlderRecords(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let new = F.t0.addingTimeInterval(1_000)
            try await store.complete(
                RequestCompletion(
                    requestID: "old", result: F.result(1),
                    correlations: [F.correlation("O1", request: "old", keys: ["O1", "111"])]))
            try await store.markInFlight(id: "stuck", at: F.t0)
            try await store.complete(
                RequestCompletion(
                    requestID: "new", result: F.result(2, at: new),
                    correlations: [F.correlation("N1", request: "new", keys: ["N1"], at: new)]))
            _ = try await store.addMOPart(F.part("oldgroup", index: 1, at: F.t0))
            _ = try await store.addMOPart(F.part("oldgroup", index: 2, at: new))
            _ = try await store.addMOPart(F.part("newgroup", index: 1, at: new))

            let removed = try await store.purge(olderThan: F.t0.addingTimeInterval(500), inFlightOlderThan: F.t0)
            #expect(removed == 1 + 2)  // one completed request, two correlation keys
            #expect(try await store.requestState(id: "old") == nil)
            // An in-flight mark stays longer: a redelivery after an outage beyond the TTL must still be flagged.
            #expect(try await store.requestState(id: "stuck") == .inFlight(since: F.t0))
            #expect(try await store.requestState(id: "new") == .completed(F.result(2, at: new)))
            #expect(try await store.correlation(keys: ["O1", "111"]) == nil)
            #expect(try await store.correlation(keys: ["N1"])?.requestID == "new")
            // MO parts stay until the sweep has published their group (the broker may be down for longer).
            let groups = try await store.moGroups(firstReceivedBefore: new.addingTimeInterval(1))
            #expect(groups.map { $0[0].groupKey }.sorted() == ["newgroup", "oldgroup"])
            #expect(try await store.purge(olderThan: F.t0.addingTimeInterval(500), inFlightOlderThan: F.t0) == 0)
            // Past its own, longer cutoff the mark goes too (its message may be gone from the broker for good).
            #expect(try await store.purge(olderThan: F.t0, inFlightOlderThan: F.t0.addingTimeInterval(1)) == 1)
            #expect(try await store.requestState(id: "stuck") == nil)
        }
    }

    /// The id of an MO the broker may hold unconfirmed: taken once, replaced by a later one, too old is not given.
    @Test(arguments: StoreKind.allCases)
    func unconfirmedMOIDsAreTakenOnce(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            #expect(try await store.takeUnconfirmedMO(key: "k1", notBefore: F.t0) == nil)
            try await store.rememberUnconfirmedMO(key: "k1", eventID: "e1", at: F.t0)
            try await store.rememberUnconfirmedMO(key: "k1", eventID: "e2", at: F.t0.addingTimeInterval(1))
            try await store.rememberUnconfirmedMO(key: "k2", eventID: "e3", at: F.t0)
            #expect(try await store.takeUnconfirmedMO(key: "k1", notBefore: F.t0) == "e2", "the newest")
            #expect(try await store.takeUnconfirmedMO(key: "k1", notBefore: F.t0) == nil, "used once")
            #expect(try await store.takeUnconfirmedMO(key: "k2", notBefore: F.t0.addingTimeInterval(1)) == nil, "too old")
            #expect(try await store.takeUnconfirmedMO(key: "k2", notBefore: F.t0) == nil, "a too old one is gone too")
            try await store.rememberUnconfirmedMO(key: "k3", eventID: "e4", at: F.t0)
            try await store.rememberUnconfirmedMO(key: "k4", eventID: "e5", at: F.t0.addingTimeInterval(1_000))
            #expect(try await store.purge(olderThan: F.t0.addingTimeInterval(500), inFlightOlderThan: F.t0) == 1)
            #expect(try await store.takeUnconfirmedMO(key: "k3", notBefore: .distantPast) == nil)
            #expect(try await store.takeUnconfirmedMO(key: "k4", notBefore: F.t0) == "e5")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func callsFromOneTaskApplyInOrder(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            for n in 0..<20 {
                try await store.markInFlight(id: "r\(n)", at: F.t0)
                try await store.complete(RequestCompletion(requestID: "r\(n)", result: F.result(n), correlations: []))
                try await store.markInFlight(id: "r\(n)", at: F.t0.addingTimeInterval(1))
                #expect(try await store.requestState(id: "r\(n)") == .completed(F.result(n)))
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func closedStoreRefusesEveryCall(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            try await store.markInFlight(id: "r1", at: F.t0)
            await store.close()
            await store.close()
            await F.expectError(.closed) { _ = try await store.requestState(id: "r1") }
            await F.expectError(.closed) { try await store.markInFlight(id: "r2", at: F.t0) }
            await F.expectError(.closed) {
                try await store.complete(RequestCompletion(requestID: "r2", result: F.result(2), correlations: []))
            }
            await F.expectError(.closed) { _ = try await store.correlation(keys: ["x"]) }
            await F.expectError(.closed) { _ = try await store.addMOPart(F.part("g", index: 1)) }
            await F.expectError(.closed) { _ = try await store.moGroups(firstReceivedBefore: F.t0) }
            await F.expectError(.closed) { _ = try await store.moGroup(key: "g") }
            await F.expectError(.closed) { try await store.removeMOParts([F.part("g", index: 1)]) }
            await F.expectError(.closed) {
                _ = try await store.claimMOGroups(firstReceivedBefore: F.t0, claimedUntil: F.t0, now: F.t0)
            }
            await F.expectError(.closed) { _ = try await store.purge(olderThan: F.t0, inFlightOlderThan: F.t0) }
        }
    }
}
