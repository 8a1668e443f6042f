import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A receipt's lookup waiting for the next query.
struct PostgresCorrelationLookup: Sendable {
    typealias Continuation = CheckedContinuation<Result<ReceiptCorrelation?, BridgeStoreError>, Never>

    let keys: [String]
    let continuation: Continuation
}

extension PostgresBridgeStore {
    /// Most receipt lookups one query answers.
    static let maximumLookupBatch = 256

    /// The correlation recorded under the first of `keys` that has one, or nil.
    ///
    /// Receipts arrive at the rate of submits, and with several instances about half of them on an instance that
    /// did not submit the segment (its correlation is then only in the store): lookups are grouped as writes are —
    /// one query answers every lookup queued while the previous query ran, without a timer.
    public func correlation(keys: [String]) async throws(BridgeStoreError) -> ReceiptCorrelation? {
        guard !keys.isEmpty else { return nil }
        guard state.withLock({ $0.queue.isOpen }) else { throw closedError() }
        let result = await withCheckedContinuation { (continuation: PostgresCorrelationLookup.Continuation) in
            let startReader = state.withLock { state -> Bool in
                state.lookups.append(PostgresCorrelationLookup(keys: keys, continuation: continuation))
                defer { state.lookingUp = true }
                return !state.lookingUp
            }
            if startReader { Task { await runLookups() } }
        }
        return try result.get()
    }

    /// Answers queued lookups, a group per query, until none is left.
    private func runLookups() async {
        while true {
            let batch = state.withLock { state -> [PostgresCorrelationLookup] in
                let batch = Array(state.lookups.prefix(Self.maximumLookupBatch))
                state.lookups.removeFirst(batch.count)
                if batch.isEmpty { state.lookingUp = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            var keys: [String] = []
            var seen = Set<String>()
            for lookup in batch { for key in lookup.keys where seen.insert(key).inserted { keys.append(key) } }
            do throws(BridgeStoreError) {
                let found = try await correlations(keys: keys)
                for lookup in batch {
                    lookup.continuation.resume(returning: .success(lookup.keys.lazy.compactMap { found[$0] }.first))
                }
            } catch {
                for lookup in batch { lookup.continuation.resume(returning: .failure(error)) }
            }
        }
    }

    /// The correlations recorded under any of `keys`, by key (one query).
    private func correlations(keys: [String]) async throws(BridgeStoreError) -> [String: ReceiptCorrelation] {
        let sql = self.sql
        return try await read { connection, logger in
            var binds = PostgresBindings()
            binds.append(keys)
            let rows = try await connection.run(
                PostgresQuery(unsafeSQL: sql.correlationByKeys, binds: binds), logger: logger)
            var found: [String: ReceiptCorrelation] = [:]
            for row in rows {
                let (key, encodedKeys, messageID, requestID, segment, segments, to, from, metadata, submittedAt) =
                    try row.decode((String, String, String, String, Int, Int, String, String, ByteBuffer?, Double).self)
                found[key] = ReceiptCorrelation(
                    keys: CorrelationKeys.decode(encodedKeys) ?? [key], messageID: messageID, requestID: requestID,
                    segment: segment, segments: segments, to: to, from: from,
                    metadata: metadata.map { Array($0.readableBytesView) },
                    submittedAt: Date(timeIntervalSinceReferenceDate: submittedAt))
            }
            return found
        }
    }
}
