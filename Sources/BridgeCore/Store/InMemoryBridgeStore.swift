public import struct Foundation.Date
import Synchronization

/// A `BridgeStore` in memory with the SQLite store's semantics and no I/O: for pipeline tests, and for a bridge that
/// may forget everything on restart. Thread-safe; every call completes at once.
public final class InMemoryBridgeStore: BridgeStore {
    private struct State {
        var requests: [String: StoredRequestState] = [:]
        var correlations: [String: ReceiptCorrelation] = [:]
        var moParts: [String: [Int: StoredMOPart]] = [:]
        var moClaims: [String: Date] = [:]
        var unconfirmedMO: [String: (eventID: String, at: Date)] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// An empty store.
    public init() {}

    /// Where request `id` stands, or nil when the store has never seen it (or its record expired).
    public func requestState(id: String) async throws(BridgeStoreError) -> StoredRequestState? {
        try withOpenState { $0.requests[id] }
    }

    /// Records that submission of request `id` starts now; never overwrites a completed request.
    public func markInFlight(id: String, at: Date) async throws(BridgeStoreError) {
        try withOpenState { state in _ = Self.mark(id, at: at, in: &state) }
    }

    /// Forgets the in-flight mark set at `markedAt`; nothing when completed or marked again since.
    public func releaseInFlight(id: String, markedAt: Date) async throws(BridgeStoreError) {
        try withOpenState { state in
            if case .inFlight(let since, _)? = state.requests[id], since == markedAt { state.requests[id] = nil }
        }
    }

    /// Puts back the count of the mark begin found; nothing when completed or marked again since.
    public func restoreInFlight(id: String, markedAt: Date, marks: Int) async throws(BridgeStoreError) {
        try withOpenState { state in
            if case .inFlight(let at, _)? = state.requests[id], at == markedAt {
                state.requests[id] = .inFlight(since: at, marks: marks)
            }
        }
    }

    /// What the store held for `id`; unless it was completed, the request is now marked in flight at `at`.
    public func beginRequest(id: String, at: Date) async throws(BridgeStoreError) -> StoredRequestState? {
        try begin(id: id, at: at)
    }

    /// ``beginRequest(id:at:)``; `then` runs before this returns.
    public func beginRequest(
        id: String, at: Date, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        then(Result { () throws(BridgeStoreError) in try begin(id: id, at: at) })
    }

    /// Records the outcome and the correlations; a completed request keeps its first outcome, and a request marked
    /// again since `completion.markedAt` stays in flight (the state kept is returned).
    @discardableResult
    public func complete(_ completion: RequestCompletion) async throws(BridgeStoreError) -> StoredRequestState? {
        try completeNow(completion)
    }

    /// ``complete(_:)``; `then` runs before this returns.
    public func complete(
        _ completion: RequestCompletion, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        then(Result { () throws(BridgeStoreError) in try completeNow(completion) })
    }

    private func begin(id: String, at: Date) throws(BridgeStoreError) -> StoredRequestState? {
        try withOpenState { state in Self.mark(id, at: at, in: &state) }
    }

    /// Marks `id` in flight at `at` (counting the marks) unless it is completed; returns what it was before.
    private static func mark(_ id: String, at: Date, in state: inout State) -> StoredRequestState? {
        let previous = state.requests[id]
        switch previous {
        case .completed?: break
        case .inFlight(_, let marks)?: state.requests[id] = .inFlight(since: at, marks: marks + 1)
        case nil: state.requests[id] = .inFlight(since: at, marks: 1)
        }
        return previous
    }

    private func completeNow(_ completion: RequestCompletion) throws(BridgeStoreError) -> StoredRequestState? {
        try withOpenState { state in
            switch state.requests[completion.requestID] {
            case .completed(let first)?:
                return .completed(first)
            case .inFlight(let since, let marks)? where completion.markedAt.map({ $0 != since }) ?? false:
                return .inFlight(since: since, marks: marks)
            case .inFlight?, nil:
                break
            }
            state.requests[completion.requestID] = .completed(completion.result)
            Self.insert(completion.correlations, into: &state)
            return nil
        }
    }

    /// Adds correlations outside a completion; existing keys are overwritten.
    public func addCorrelations(_ correlations: [ReceiptCorrelation]) async throws(BridgeStoreError) {
        try withOpenState { Self.insert(correlations, into: &$0) }
    }

    /// The correlation recorded under the first of `keys` that has one, or nil.
    public func correlation(keys: [String]) async throws(BridgeStoreError) -> ReceiptCorrelation? {
        try withOpenState { state in
            for key in keys {
                if let correlation = state.correlations[key] { return correlation }
            }
            return nil
        }
    }

    /// Stores one MO part (replacing a part with the same index) and returns the group's parts in part order.
    public func addMOPart(_ part: StoredMOPart) async throws(BridgeStoreError) -> [StoredMOPart] {
        try withOpenState { state in
            state.moParts[part.groupKey, default: [:]][part.index] = part
            return state.moParts[part.groupKey, default: [:]].values.sorted { $0.index < $1.index }
        }
    }

    /// The parts stored for group `key` now, in part order.
    public func moGroup(key: String) async throws(BridgeStoreError) -> [StoredMOPart] {
        try withOpenState { state in state.moParts[key, default: [:]].values.sorted { $0.index < $1.index } }
    }

    /// Forgets `parts` — each only while stored as read (same arrival time) — their groups' sweep claims, and `id`
    /// while it is the one remembered under its key.
    public func removeMOParts(_ parts: [StoredMOPart], forgetting id: RememberedMOID?) async throws(BridgeStoreError) {
        try withOpenState { state in
            if let id, state.unconfirmedMO[id.key]?.eventID == id.eventID { state.unconfirmedMO[id.key] = nil }
            for part in parts where state.moParts[part.groupKey]?[part.index]?.receivedAt == part.receivedAt {
                state.moParts[part.groupKey]?[part.index] = nil
            }
            for key in Set(parts.map(\.groupKey)) {
                if state.moParts[key]?.isEmpty == true { state.moParts[key] = nil }
                state.moClaims[key] = nil
            }
        }
    }

    /// The due groups no sweep holds at `now`, each claimed until `claimedUntil`.
    public func claimMOGroups(
        firstReceivedBefore cutoff: Date, claimedUntil: Date, now: Date
    ) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        try withOpenState { state in
            let due = state.moParts.filter { key, group in
                group.values.contains { $0.receivedAt < cutoff } && (state.moClaims[key].map { $0 <= now } ?? true)
            }
            for key in due.keys { state.moClaims[key] = claimedUntil }
            return MOGroups.grouped(due.values.flatMap(\.values))
        }
    }

    /// Every group whose first part arrived before `cutoff`, oldest group first, each in part order.
    public func moGroups(firstReceivedBefore cutoff: Date) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        try withOpenState { state in
            let old = state.moParts.values.filter { group in group.values.contains { $0.receivedAt < cutoff } }
            return MOGroups.grouped(old.flatMap(\.values))
        }
    }

    /// Remembers the id of an MO the broker may hold unconfirmed; replaces an earlier one under `key`.
    public func rememberUnconfirmedMO(key: String, eventID: String, at: Date) async throws(BridgeStoreError) {
        try withOpenState { $0.unconfirmedMO[key] = (eventID, at) }
    }

    /// The id remembered under `key` at `notBefore` or later, forgotten now; nil when there is none.
    public func takeUnconfirmedMO(key: String, notBefore: Date) async throws(BridgeStoreError) -> String? {
        try withOpenState { state in
            guard let entry = state.unconfirmedMO.removeValue(forKey: key), entry.at >= notBefore else { return nil }
            return entry.eventID
        }
    }

    /// Deletes what ``SQLiteBridgeStore/purge(olderThan:inFlightOlderThan:)`` deletes; returns how many went,
    /// counted as the SQLite store counts rows.
    @discardableResult
    public func purge(olderThan cutoff: Date, inFlightOlderThan markCutoff: Date) async throws(BridgeStoreError) -> Int {
        try withOpenState { state in
            let requests = state.requests.filter { _, request in
                switch request {
                case .inFlight(let since, _): since < markCutoff
                case .completed(let result): result.completedAt < cutoff
                }
            }
            let keys = state.correlations.filter { $0.value.submittedAt < cutoff }
            let unconfirmed = state.unconfirmedMO.filter { $0.value.at < cutoff }
            for key in unconfirmed.keys { state.unconfirmedMO[key] = nil }
            for id in requests.keys { state.requests[id] = nil }
            for key in keys.keys { state.correlations[key] = nil }
            return requests.count + keys.count + unconfirmed.count
        }
    }

    /// Later calls fail with `.closed`.
    public func close() async {
        state.withLock { $0.closed = true }
    }

    /// How many MO event ids are remembered (for tests that wait for one).
    var unconfirmedMOCount: Int { state.withLock { $0.unconfirmedMO.count } }

    private func withOpenState<Value: Sendable>(
        _ body: (inout State) -> Value
    ) throws(BridgeStoreError) -> Value {
        let result: Result<Value, BridgeStoreError> = state.withLock { state in
            guard !state.closed else {
                return .failure(BridgeStoreError(code: .closed, location: "memory", detail: "the store was closed"))
            }
            return .success(body(&state))
        }
        return try result.get()
    }

    private static func insert(_ correlations: [ReceiptCorrelation], into state: inout State) {
        for correlation in correlations {
            for key in correlation.keys {
                if let existing = state.correlations[key], !correlation.mayReplace(existing, under: key) { continue }
                state.correlations[key] = correlation
            }
        }
    }
}
