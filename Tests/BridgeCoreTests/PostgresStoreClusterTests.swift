import BridgeCore
import Foundation
import Testing

/// Two or more PostgreSQL stores on one database, as bridge instances sharing it: what one writes the others see,
/// and every decision two of them race for has exactly one winner.
@Suite(.timeLimit(.minutes(3))) struct PostgresStoreClusterTests {
    typealias F = StoreFixtures
    typealias DB = PostgresTestDatabase

    @Test func correlationWrittenByOneIsFoundByTheOther() async throws {
        try await DB.withStores(2) { stores in
            let (a, b) = (stores[0], stores[1])
            let correlation = F.correlation("5F3A9C01", request: "r1", keys: ["5F3A9C01", "1597676545"])
            try await a.complete(RequestCompletion(requestID: "r1", result: F.result(1), correlations: [correlation]))
            #expect(try await b.correlation(keys: ["1597676545"]) == correlation)
            #expect(try await b.requestState(id: "r1") == .completed(F.result(1)))
            try await b.addCorrelations([F.correlation("77", request: "r2", keys: ["77"])])
            #expect(try await a.correlation(keys: ["77"])?.requestID == "r2")
        }
    }

    @Test func inFlightMarkAndOutcomeOfOneAreSeenByTheOther() async throws {
        try await DB.withStores(2) { stores in
            let (a, b) = (stores[0], stores[1])
            #expect(try await a.beginRequest(id: "r1", at: F.t0) == nil)
            let later = F.t0.addingTimeInterval(3)
            #expect(try await b.beginRequest(id: "r1", at: later) == .inFlight(since: F.t0))
            try await a.complete(RequestCompletion(requestID: "r1", result: F.result(1), correlations: []))
            #expect(try await b.beginRequest(id: "r1", at: later) == .completed(F.result(1)))
            #expect(try await b.requestState(id: "r1") == .completed(F.result(1)))
        }
    }

    /// Both instances begin the same 300 ids at the same moment: for each id exactly one is told it is first (nil);
    /// the other is told the first's in-flight mark.
    @Test func concurrentBeginOfOneIDHasExactlyOneFirst() async throws {
        try await DB.withStores(2) { stores in
            let count = 300
            let outcomes = try await withThrowingTaskGroup(of: (Int, Int, StoredRequestState?).self) { group in
                for n in 0..<count {
                    for (instance, store) in stores.enumerated() {
                        group.addTask {
                            let at = F.t0.addingTimeInterval(Double(instance))
                            return (n, instance, try await store.beginRequest(id: "r\(n)", at: at))
                        }
                    }
                }
                return try await group.reduce(into: [Int: [(Int, StoredRequestState?)]]()) {
                    $0[$1.0, default: []].append(($1.1, $1.2))
                }
            }
            for n in 0..<count {
                let both = try #require(outcomes[n])
                let first = both.filter { $0.1 == nil }
                #expect(first.count == 1, "r\(n): \(both)")
                guard let winner = first.first?.0, let loser = both.first(where: { $0.1 != nil }) else { continue }
                #expect(loser.1 == .inFlight(since: F.t0.addingTimeInterval(Double(winner))), "r\(n)")
            }
        }
    }

    /// Both instances complete the same 300 ids at once with different outcomes: one outcome stays, with only its own
    /// correlations, and both instances read the same.
    @Test func concurrentCompleteKeepsOneOutcome() async throws {
        try await DB.withStores(2) { stores in
            let count = 300
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<count {
                    for (instance, store) in stores.enumerated() {
                        group.addTask {
                            let correlation = F.correlation("M\(n)-\(instance)", request: "r\(n)", keys: ["M\(n)-\(instance)"])
                            try await store.complete(
                                RequestCompletion(
                                    requestID: "r\(n)", result: F.result(instance * 1_000 + n),
                                    correlations: [correlation]))
                        }
                    }
                }
                try await group.waitForAll()
            }
            for n in 0..<count {
                let state = try await stores[1].requestState(id: "r\(n)")
                #expect(try await stores[0].requestState(id: "r\(n)") == state)
                guard case .completed(let result) = state else {
                    Issue.record("r\(n) not completed: \(String(describing: state))")
                    continue
                }
                let winner = result == F.result(n) ? 0 : 1
                #expect(result == F.result(winner * 1_000 + n))
                #expect(try await stores[0].correlation(keys: ["M\(n)-\(winner)"])?.requestID == "r\(n)")
                #expect(try await stores[0].correlation(keys: ["M\(n)-\(1 - winner)"]) == nil)
            }
        }
    }

    /// 150 three-part messages, their parts added at once through both instances: every group is returned complete
    /// to exactly one caller, so each message would be published once.
    @Test func concurrentMOPartsCompleteEachGroupExactlyOnce() async throws {
        try await DB.withStores(2) { stores in
            let groups = 150
            let completions = try await withThrowingTaskGroup(of: String?.self) { group in
                for g in 0..<groups {
                    for index in 1...3 {
                        let store = stores[(g + index) % 2]
                        group.addTask {
                            let parts = try await store.addMOPart(F.part("g\(g)", index: index))
                            return parts.map(\.index) == [1, 2, 3] ? "g\(g)" : nil
                        }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { if let key = $1 { $0[key, default: 0] += 1 } }
            }
            for g in 0..<groups {
                #expect(completions["g\(g)"] == 1, "g\(g) completed \(completions["g\(g)"] ?? 0) times")
            }
        }
    }

    /// Two sweeps at once: each due group goes to exactly one of them; once the claim has expired (a sweeper that
    /// died), a later sweep gets it again; a removed group is gone for good.
    @Test func timeoutSweepClaimsEachGroupOnce() async throws {
        try await DB.withStores(2) { stores in
            let groups = 40
            for g in 0..<groups {
                _ = try await stores[g % 2].addMOPart(F.part("g\(g)", index: 1, at: F.t0))
            }
            _ = try await stores[0].addMOPart(F.part("young", index: 1, at: F.t0.addingTimeInterval(500)))
            let cutoff = F.t0.addingTimeInterval(100)
            let until = F.t0.addingTimeInterval(160)
            let now = F.t0.addingTimeInterval(100)
            async let first = stores[0].claimMOGroups(firstReceivedBefore: cutoff, claimedUntil: until, now: now)
            async let second = stores[1].claimMOGroups(firstReceivedBefore: cutoff, claimedUntil: until, now: now)
            let claimed = try await first + second
            #expect(claimed.count == groups)
            #expect(Set(claimed.map { $0[0].groupKey }) == Set((0..<groups).map { "g\($0)" }))
            #expect(try await stores[1].claimMOGroups(firstReceivedBefore: cutoff, claimedUntil: until, now: now).isEmpty)
            try await stores[0].removeMOParts(try #require(claimed.first { $0[0].groupKey == "g0" }))
            let afterExpiry = try await stores[1].claimMOGroups(
                firstReceivedBefore: cutoff, claimedUntil: until.addingTimeInterval(60), now: until)
            #expect(afterExpiry.count == groups - 1)
            #expect(!afterExpiry.contains { $0[0].groupKey == "g0" })
        }
    }

    /// Instances starting together on a new schema: one creates it, the others find it current.
    @Test func instancesOpeningTogetherCreateTheSchemaOnce() async throws {
        let schema = DB.uniqueSchema("o")
        let stores = try await withThrowingTaskGroup(of: PostgresBridgeStore.self) { group in
            for _ in 0..<4 { group.addTask { try await DB.openStore(schema: schema) } }
            return try await group.reduce(into: [PostgresBridgeStore]()) { $0.append($1) }
        }
        try await stores[0].markInFlight(id: "r1", at: F.t0)
        #expect(try await stores[3].requestState(id: "r1") == .inFlight(since: F.t0))
        for store in stores { await store.close() }
        await DB.dropSchema(schema)
    }
}
