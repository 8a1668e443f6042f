import BridgeCore
import Foundation
import Logging
import Testing

/// Which store a shared test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite
    /// The PostgreSQL store on the private test cluster (`SMPP_BRIDGE_TEST_POSTGRES_URL`), a schema per test; the
    /// case fails, saying how to start the cluster, when the variable is missing.
    case postgres

    var testDescription: String { rawValue }
}

/// A fresh directory under the temporary directory, removed by ``remove()``.
struct TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("store-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum StoreFixtures {
    /// `callers` tasks each calling `body` (with its caller number and call count) one call after another, at least
    /// once, until `duration` has passed since the start; returns the calls made in all and how long they took.
    static func callOneAfterAnother(
        callers: Int, for duration: Duration, _ body: @escaping @Sendable (Int, Int) async throws -> Void
    ) async throws -> (calls: Int, elapsed: Duration) {
        let clock = ContinuousClock()
        let started = clock.now
        let calls = try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    var calls = 0
                    repeat {
                        try await body(caller, calls)
                        calls += 1
                    } while clock.now - started < duration
                    return calls
                }
            }
            return try await group.reduce(0, +)
        }
        return (calls, clock.now - started)
    }

    static let logger = Logger(label: "store-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a new store of `kind`, then closes it and removes its files.
    static func withStore(
        _ kind: StoreKind, _ body: (any BridgeStore) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store: any BridgeStore
        var schema: String?
        switch kind {
        case .memory: store = InMemoryBridgeStore()
        case .sqlite: store = try SQLiteBridgeStore(path: directory.file("bridge.sqlite"), logger: logger)
        case .postgres:
            let name = PostgresTestDatabase.uniqueSchema()
            store = try await PostgresTestDatabase.openStore(schema: name)
            schema = name
        }
        do {
            try await body(store)
        } catch {
            await store.close()
            if let schema { await PostgresTestDatabase.dropSchema(schema) }
            throw error
        }
        await store.close()
        if let schema { await PostgresTestDatabase.dropSchema(schema) }
    }

    /// Expects `body` to fail with a store error of `code`; returns the error.
    @discardableResult
    static func expectError(
        _ code: BridgeStoreError.Code, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async -> BridgeStoreError? {
        do {
            try await body()
            Issue.record("expected store error \(code), got success", sourceLocation: sourceLocation)
            return nil
        } catch let error as BridgeStoreError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected store error \(code), got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// An instant with a fraction of a second that a lossy time column would not keep.
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000.123_456_7)

    static func result(_ n: Int, status: String = "accepted", at: Date = t0) -> StoredResult {
        StoredResult(
            eventID: "evt-\(n)", status: status, routingKey: "submit.\(status)",
            body: Array(#"{"request_id":"r\#(n)","status":"\#(status)","text":"ñ😀"}"#.utf8) + [0x00, 0xFF],
            completedAt: at)
    }

    static func correlation(
        _ messageID: String, request: String, keys: [String], segment: Int = 1, segments: Int = 1,
        metadata: [UInt8]? = Array(#"{"campaign":"x"}"#.utf8), at: Date = t0
    ) -> ReceiptCorrelation {
        ReceiptCorrelation(
            keys: keys, messageID: messageID, requestID: request, segment: segment, segments: segments,
            to: "573001234567", from: "ACME", metadata: metadata, submittedAt: at)
    }

    static func part(_ group: String, index: Int, total: Int = 3, payload: [UInt8]? = nil, at: Date = t0) -> StoredMOPart {
        StoredMOPart(
            groupKey: group, index: index, total: total, payload: payload ?? [UInt8(index), 0x00, 0xFF],
            dataCoding: 8, from: "573001234567", to: "ACME", receivedAt: at)
    }
}

extension BridgeStore {
    /// ``BridgeStore/removeMOParts(_:forgetting:)`` with no remembered id to forget (the bridge always says which).
    func removeMOParts(_ parts: [StoredMOPart]) async throws(BridgeStoreError) {
        try await removeMOParts(parts, forgetting: nil)
    }
}
