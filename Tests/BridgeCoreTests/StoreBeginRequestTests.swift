import BridgeCore
import Foundation
import Testing

/// `beginRequest` (dedup and in-flight mark in one step), against both stores.
@Suite struct StoreBeginRequestTests {
    typealias F = StoreFixtures

    @Test(arguments: StoreKind.allCases)
    func aNewRequestIsMarkedInFlightAndReportedUnknownBefore(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let before = try await store.beginRequest(id: "b1", at: F.t0)
            #expect(before == nil)
            #expect(try await store.requestState(id: "b1") == .inFlight(since: F.t0))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRequestInFlightIsReportedAndItsMarkRefreshed(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            try await store.markInFlight(id: "b2", at: F.t0)
            let later = F.t0.addingTimeInterval(3)
            #expect(try await store.beginRequest(id: "b2", at: later) == .inFlight(since: F.t0))
            #expect(try await store.requestState(id: "b2") == .inFlight(since: later, marks: 2))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aCompletedRequestIsReportedAndLeftAsItWas(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let result = F.result(7)
            try await store.complete(RequestCompletion(requestID: "b3", result: result, correlations: []))
            #expect(try await store.beginRequest(id: "b3", at: F.t0.addingTimeInterval(9)) == .completed(result))
            #expect(try await store.requestState(id: "b3") == .completed(result))
        }
    }

    /// A request handed back unsent forgets its own mark; a mark set again since (another instance, a later
    /// attempt) or a completed request stays as it is.
    @Test(arguments: StoreKind.allCases)
    func releasingAMarkForgetsOnlyThatMark(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let mark = F.t0.addingTimeInterval(0.123456)
            #expect(try await store.beginRequest(id: "r1", at: mark) == nil)
            try await store.releaseInFlight(id: "r1", markedAt: mark)
            #expect(try await store.requestState(id: "r1") == nil)
            #expect(try await store.beginRequest(id: "r1", at: F.t0) == nil, "redelivered: new, not recovered")

            let later = F.t0.addingTimeInterval(5)
            _ = try await store.beginRequest(id: "r2", at: F.t0)
            _ = try await store.beginRequest(id: "r2", at: later)
            try await store.releaseInFlight(id: "r2", markedAt: F.t0)
            #expect(try await store.requestState(id: "r2") == .inFlight(since: later, marks: 2))

            let result = F.result(3)
            try await store.complete(RequestCompletion(requestID: "r3", result: result, correlations: []))
            try await store.releaseInFlight(id: "r3", markedAt: result.completedAt)
            #expect(try await store.requestState(id: "r3") == .completed(result))
        }
    }

    /// A request found in flight and handed back unsent puts the found count back on its own mark: still in flight
    /// (the redelivery flagged), this delivery not counted toward smpp.max_attempts, the mark aging from now (the
    /// purge of old marks must not take it). A mark set again since, or a completed request, stays as it is.
    @Test(arguments: StoreKind.allCases)
    func restoringAMarkPutsBackTheOneFoundAtBegin(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            let first = F.t0.addingTimeInterval(0.25)
            let second = F.t0.addingTimeInterval(7.5)
            _ = try await store.beginRequest(id: "s1", at: first)
            #expect(try await store.beginRequest(id: "s1", at: second) == .inFlight(since: first, marks: 1))
            try await store.restoreInFlight(id: "s1", markedAt: second, marks: 1)
            #expect(try await store.requestState(id: "s1") == .inFlight(since: second, marks: 1))
            let third = F.t0.addingTimeInterval(9)
            #expect(try await store.beginRequest(id: "s1", at: third) == .inFlight(since: second, marks: 1))

            let fourth = F.t0.addingTimeInterval(11)
            _ = try await store.beginRequest(id: "s1", at: fourth)
            try await store.restoreInFlight(id: "s1", markedAt: third, marks: 1)
            #expect(try await store.requestState(id: "s1") == .inFlight(since: fourth, marks: 3), "marked again since")

            let result = F.result(4)
            try await store.complete(RequestCompletion(requestID: "s2", result: result, correlations: []))
            try await store.restoreInFlight(id: "s2", markedAt: result.completedAt, marks: 1)
            #expect(try await store.requestState(id: "s2") == .completed(result))
        }
    }
}
