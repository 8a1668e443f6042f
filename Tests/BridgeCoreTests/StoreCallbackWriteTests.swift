import BridgeCore
import Foundation
import Testing

/// The per-request writes without a task (`beginRequest(id:at:then:)`, `complete(_:then:)`, used by the outbound
/// callback path) do what their async forms do, on every store; a closed store fails them.
@Suite struct StoreCallbackWriteTests {
    typealias F = StoreFixtures

    private func begin(_ store: any BridgeStore, _ id: String, at: Date) async -> Result<StoredRequestState?, BridgeStoreError> {
        await withCheckedContinuation { continuation in
            store.beginRequest(id: id, at: at) { continuation.resume(returning: $0) }
        }
    }

    private func complete(
        _ store: any BridgeStore, _ completion: RequestCompletion
    ) async -> Result<StoredRequestState?, BridgeStoreError> {
        await withCheckedContinuation { continuation in
            store.complete(completion) { continuation.resume(returning: $0) }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func beginThenCompleteWithoutATaskAreTheAsyncWrites(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            #expect(try await begin(store, "cb1", at: F.t0).get() == nil)
            #expect(try await store.requestState(id: "cb1") == .inFlight(since: F.t0))
            let later = F.t0.addingTimeInterval(3)
            #expect(try await begin(store, "cb1", at: later).get() == .inFlight(since: F.t0))
            let correlation = F.correlation("M1", request: "cb1", keys: ["M1", "1"])
            let result = F.result(7)
            let stored = try await complete(store, RequestCompletion(requestID: "cb1", result: result, correlations: [correlation])).get()
            #expect(stored == nil)
            #expect(try await store.requestState(id: "cb1") == .completed(result))
            #expect(try await store.correlation(keys: ["1"]) == correlation)
            #expect(try await begin(store, "cb1", at: later).get() == .completed(result))
            // A second completion keeps the first outcome, and gets it back to publish instead of its own.
            let second = RequestCompletion(requestID: "cb1", result: F.result(8), correlations: [])
            let first = try await complete(store, second).get()
            #expect(first == .completed(result))
            #expect(try await store.requestState(id: "cb1") == .completed(result))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aClosedStoreFailsThemAsClosed(kind: StoreKind) async throws {
        try await F.withStore(kind) { store in
            await store.close()
            guard case .failure(let error) = await begin(store, "late", at: F.t0) else {
                Issue.record("a closed store began a request"); return
            }
            #expect(error.code == .closed)
            let completion = RequestCompletion(requestID: "late", result: F.result(1), correlations: [])
            guard case .failure(let failure) = await complete(store, completion) else {
                Issue.record("a closed store completed a request"); return
            }
            #expect(failure.code == .closed)
        }
    }
}
