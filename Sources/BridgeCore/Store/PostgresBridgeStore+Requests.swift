import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The per-request writes (`beginRequest`, `markInFlight`, `complete`): the hot path, so a batch writes all of them
/// in a few multi-row statements (one per round) instead of one statement each — one round trip per statement is
/// what bounds a group commit on PostgreSQL.
final class PostgresRequestWrite: PostgresOutcomeWrite, @unchecked Sendable {
    enum Kind {
        case begin(id: String, at: Date)
        case mark(id: String, at: Date)
        case complete(RequestCompletion)
    }

    let kind: Kind
    let lockKey: String
    private let sql: PostgresStoreSQL
    let location: String
    let then: @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    // Only touched by the writer task, one step after the other.
    var outcome: Result<StoredRequestState?, BridgeStoreError>?

    init(
        kind: Kind, sql: PostgresStoreSQL, location: String,
        then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        self.kind = kind
        self.sql = sql
        self.location = location
        self.then = then
        lockKey = "r" + Self.requestID(kind)
    }

    var requestID: String { PostgresRequestWrite.requestID(kind) }

    private static func requestID(_ kind: Kind) -> String {
        switch kind {
        case .begin(let id, _), .mark(let id, _): id
        case .complete(let completion): completion.requestID
        }
    }

    func apply(_ connection: PostgresConnection, logger: Logger) async throws {
        try await Self.apply(Plan([self]), sql: sql, connection, logger)
    }

    // MARK: - Batches

    /// A batch's writes by kind, each kind in rounds of distinct rows (one statement may not upsert a row twice),
    /// each round sorted by id (every instance then locks rows in the same order).
    struct Plan {
        var startRounds: [[PostgresRequestWrite]]
        var completionRounds: [[PostgresRequestWrite]]

        init(_ writes: [PostgresRequestWrite]) {
            var starts: [PostgresRequestWrite] = []
            var completions: [PostgresRequestWrite] = []
            for write in writes {
                if case .complete = write.kind { completions.append(write) } else { starts.append(write) }
            }
            startRounds = PostgresRequestWrite.rounds(starts) { [$0.requestID] }
            completionRounds = PostgresRequestWrite.rounds(completions) { write in
                guard case .complete(let completion) = write.kind else { return [] }
                return ["r" + completion.requestID] + completion.correlations.flatMap(\.keys).map { "k" + $0 }
            }
        }

        /// At most one round of each kind, no request both begun and completed: one statement writes it all
        /// (``applyInOneStatement(_:sql:location:_:_:)``) — the usual batch.
        var fitsOneStatement: Bool {
            guard startRounds.count <= 1, completionRounds.count <= 1 else { return false }
            guard let starts = startRounds.first, let completions = completionRounds.first else { return true }
            return Set(starts.map(\.requestID)).isDisjoint(with: completions.map(\.requestID))
        }
    }

    /// Writes a plan in the open transaction: begins and marks first, then completions (writes in one batch come
    /// from different tasks, so this order is as good as any), a statement per round.
    static func apply(
        _ plan: Plan, sql: PostgresStoreSQL, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        for round in plan.startRounds { try await begin(round, sql: sql, connection, logger) }
        for round in plan.completionRounds { try await complete(round, sql: sql, connection, logger) }
    }

    /// Splits `writes` into rounds in which no key occurs twice, each sorted by request id.
    static func rounds(
        _ writes: [PostgresRequestWrite], keys: (PostgresRequestWrite) -> [String]
    ) -> [[PostgresRequestWrite]] {
        var rounds: [[PostgresRequestWrite]] = []
        var taken: [Set<String>] = []
        for write in writes {
            let own = keys(write)
            if let index = taken.firstIndex(where: { $0.isDisjoint(with: own) }) {
                rounds[index].append(write)
                taken[index].formUnion(own)
            } else {
                rounds.append([write])
                taken.append(Set(own))
            }
        }
        return rounds.map { $0.sorted { $0.requestID < $1.requestID } }
    }

    private static func begin(
        _ round: [PostgresRequestWrite], sql: PostgresStoreSQL, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        var binds = PostgresBindings()
        appendBegins(round, to: &binds)
        let rows = try await connection.run(PostgresQuery(unsafeSQL: sql.beginRequests, binds: binds), logger: logger)
        let completed = try settleBegins(round, rows: rows)
        guard !completed.isEmpty else { return }
        // Completed rows never change again: reading them now gives the first outcome.
        let states = try await PostgresBridgeStore.requestStates(ids: completed.map(\.requestID), sql: sql, connection, logger)
        for write in completed { write.outcome = .success(states[write.requestID]) }
    }

    private static func complete(
        _ round: [PostgresRequestWrite], sql: PostgresStoreSQL, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        var binds = PostgresBindings()
        appendCompletions(round, to: &binds)
        let rows = try await connection.run(
            PostgresQuery(unsafeSQL: sql.completeRequests, binds: binds), logger: logger)
        var landed = Set<String>()
        for row in rows { landed.insert(try row.decode(String.self)) }
        try await settleCompletions(round, landed: landed, sql: sql, connection, logger)
    }

    /// A completion whose outcome landed gets nil; one whose request was completed first (by another instance) gets
    /// that first outcome, read after the commit (completed rows never change), to publish instead of its own; one
    /// whose request was marked in flight again since its mark gets that state (`.inFlight`) as read then.
    private static func settleCompletions(
        _ round: [PostgresRequestWrite], landed: Set<String>, sql: PostgresStoreSQL, _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws {
        let beaten = round.filter { !landed.contains($0.requestID) }
        for write in round where landed.contains(write.requestID) { write.outcome = .success(nil) }
        guard !beaten.isEmpty else { return }
        let states = try await PostgresBridgeStore.requestStates(
            ids: beaten.map(\.requestID), sql: sql, connection, logger)
        for write in beaten { write.outcome = .success(states[write.requestID]) }
    }

    // MARK: - One statement

    /// Writes a plan that ``Plan/fitsOneStatement`` in one statement outside a transaction (its own commit): one
    /// round trip instead of four. Rows are locked in id order, begins before completions, as in the transaction.
    /// A begin that finds its request completed reads the outcome after the commit (completed rows never change);
    /// should that read fail, only those begins fail.
    static func applyInOneStatement(
        _ plan: Plan, sql: PostgresStoreSQL, location: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let starts = plan.startRounds.first ?? [], completions = plan.completionRounds.first ?? []
        var binds = PostgresBindings()
        appendBegins(starts, to: &binds)
        appendCompletions(completions, to: &binds)
        let rows = try await connection.run(BeginAndCompleteRequests(bindings: binds), logger: logger)
        var begun: [Begun] = []
        var landed = Set<String>()
        for row in rows {
            let (id, prev, marks, isBegin) = try row.decode((String, Double?, Int32, Bool).self)
            if isBegin { begun.append(Begun(id: id, previousAt: prev, marks: Int(marks))) } else { landed.insert(id) }
        }
        let completed = settleBegins(starts, begun: begun)
        do {
            if !completed.isEmpty {
                let states = try await PostgresBridgeStore.requestStates(
                    ids: completed.map(\.requestID), sql: sql, connection, logger)
                for write in completed { write.outcome = .success(states[write.requestID]) }
            }
            try await settleCompletions(completions, landed: landed, sql: sql, connection, logger)
        } catch {
            // Committed already: only the reads failed, so only the writes still waiting for one fail.
            let failure = PostgresBridgeStore.storeError(error, code: .readFailed, location: location)
            for write in completed + completions {
                if case .none = write.outcome { write.outcome = .failure(failure) }
            }
        }
    }

    // MARK: - Parameters and rows

    /// Two arrays: the begins' ids and times.
    private static func appendBegins(_ round: [PostgresRequestWrite], to binds: inout PostgresBindings) {
        binds.append(round.map(\.requestID))
        binds.append(round.map { write -> Double in
            switch write.kind {
            case .begin(_, let at), .mark(_, let at): at.timeIntervalSinceReferenceDate
            case .complete(let completion): completion.result.completedAt.timeIntervalSinceReferenceDate
            }
        })
    }

    /// Eight arrays of outcomes (the last two: whether each names its in-flight mark, and the mark), then the
    /// correlations' twelve (the last naming each row's request).
    private static func appendCompletions(_ round: [PostgresRequestWrite], to binds: inout PostgresBindings) {
        let completions = round.compactMap { write -> RequestCompletion? in
            guard case .complete(let completion) = write.kind else { return nil }
            return completion
        }
        binds.append(completions.map(\.requestID))
        binds.append(completions.map(\.result.completedAt.timeIntervalSinceReferenceDate))
        binds.append(completions.map(\.result.eventID))
        binds.append(completions.map(\.result.status))
        binds.append(completions.map(\.result.routingKey))
        binds.append(completions.map { ByteBuffer(bytes: $0.result.body) })
        binds.append(completions.map { $0.markedAt != nil })
        binds.append(completions.map { $0.markedAt?.timeIntervalSinceReferenceDate ?? 0 })
        let owned = completions.flatMap { completion in completion.correlations.map { (completion.requestID, $0) } }
        PostgresBridgeStore.appendCorrelations(owned.map(\.1), owners: owned.map(\.0), to: &binds)
    }

    /// Gives each begin whose row came back (inserted, or marked again) its outcome; returns those whose request
    /// was completed (no row back: the upsert left it alone).
    private static func settleBegins(_ round: [PostgresRequestWrite], rows: [PostgresRow]) throws -> [PostgresRequestWrite] {
        var begun: [Begun] = []
        for row in rows {
            let (id, prev, marks) = try row.decode((String, Double?, Int32).self)
            begun.append(Begun(id: id, previousAt: prev, marks: Int(marks)))
        }
        return settleBegins(round, begun: begun)
    }

    /// A begin's row as the upsert returned it: the mark it replaced (nil: inserted) and the marks counting its own.
    struct Begun {
        let id: String
        let previousAt: Double?
        let marks: Int

        /// The state before the begin.
        var previous: StoredRequestState? {
            previousAt.map { .inFlight(since: Date(timeIntervalSinceReferenceDate: $0), marks: marks - 1) }
        }
    }

    /// ``settleBegins(_:rows:)`` from decoded rows.
    private static func settleBegins(_ round: [PostgresRequestWrite], begun: [Begun]) -> [PostgresRequestWrite] {
        var previous: [String: Begun] = [:]
        for row in begun { previous[row.id] = row }
        var completed: [PostgresRequestWrite] = []
        for write in round {
            if let row = previous[write.requestID] {
                write.outcome = .success(row.previous)
            } else {
                completed.append(write)
            }
        }
        return completed
    }
}

extension PostgresBridgeStore {
    /// Queues a per-request write; its value is the request's earlier state for a begin, nil otherwise.
    func writeRequest(_ kind: PostgresRequestWrite.Kind) async throws(BridgeStoreError) -> StoredRequestState? {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<StoredRequestState?, BridgeStoreError>, Never>) in
            writeRequest(kind) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Queues a per-request write; `then` gets its outcome (on the writer task) once its transaction ended.
    func writeRequest(
        _ kind: PostgresRequestWrite.Kind, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        enqueue(PostgresRequestWrite(kind: kind, sql: sql, location: location, then: then))
    }

    /// The states of `ids` that have a row.
    static func requestStates(
        ids: [String], sql: PostgresStoreSQL, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [String: StoredRequestState] {
        var binds = PostgresBindings()
        binds.append(ids)
        let rows = try await connection.run(PostgresQuery(unsafeSQL: sql.requestStates, binds: binds), logger: logger)
        var states: [String: StoredRequestState] = [:]
        for row in rows {
            let (id, completed, at, eventID, status, routingKey, body, marks) = try row.decode(
                (String, Bool, Double, String?, String?, String?, ByteBuffer?, Int32).self)
            let date = Date(timeIntervalSinceReferenceDate: at)
            states[id] = completed
                ? .completed(
                    StoredResult(
                        eventID: eventID ?? "", status: status ?? "", routingKey: routingKey ?? "",
                        body: body.map { Array($0.readableBytesView) } ?? [], completedAt: date))
                : .inFlight(since: date, marks: Int(marks))
        }
        return states
    }
}
