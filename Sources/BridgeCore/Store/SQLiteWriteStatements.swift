import GRDB
import GRDBSQLite

/// The statements every request writes (its in-flight mark, its outcome, its correlations) and the transaction
/// around them, prepared once on the writer connection and run with SQLite's C API: GRDB's argument arrays, value
/// boxing and statement lookup by SQL text cost more than SQLite's own work on this path (docs/store.md).
///
/// Confined to the store's writer queue (GRDB's serialized writer); ``finalizeAll()`` before the pool closes.
final class SQLiteWriteStatements: @unchecked Sendable {
    /// A statement of the hot path.
    enum Kind: Int, CaseIterable {
        case beginImmediate, commit, rollback, insertInFlight, completeRequest, insertCorrelation

        var sql: String {
            switch self {
            case .beginImmediate: "BEGIN IMMEDIATE"
            case .commit: "COMMIT"
            case .rollback: "ROLLBACK"
            case .insertInFlight: "INSERT INTO request (id, completed, at) VALUES (?1, 0, ?2) ON CONFLICT (id) DO NOTHING"
            case .completeRequest:
                // ?7: the completing delivery's in-flight mark, or NULL to complete whatever the mark.
                """
                INSERT INTO request (id, completed, at, event_id, status, routing_key, body)
                VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (id) DO UPDATE SET completed = 1, at = excluded.at, event_id = excluded.event_id,
                    status = excluded.status, routing_key = excluded.routing_key, body = excluded.body
                WHERE completed = 0 AND (?7 IS NULL OR at = ?7)
                """
            case .insertCorrelation:
                // A key goes to the newer segment, except that a secondary key never displaces the segment whose
                // primary key it is (`ReceiptCorrelation.mayReplace`; `keys` is encoded `<octets>:<key>…`, primary
                // first).
                """
                INSERT INTO correlation
                (match_key, keys, message_id, request_id, segment, segments, to_address, from_address, metadata,
                 submitted_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                ON CONFLICT (match_key) DO UPDATE SET keys = excluded.keys, message_id = excluded.message_id,
                    request_id = excluded.request_id, segment = excluded.segment, segments = excluded.segments,
                    to_address = excluded.to_address, from_address = excluded.from_address,
                    metadata = excluded.metadata, submitted_at = excluded.submitted_at
                WHERE instr(correlation.keys,
                            length(CAST(correlation.match_key AS BLOB)) || ':' || correlation.match_key) <> 1
                    OR instr(excluded.keys, length(CAST(excluded.match_key AS BLOB)) || ':' || excluded.match_key) = 1
                """
            }
        }
    }

    private var handles = [OpaquePointer?](repeating: nil, count: Kind.allCases.count)

    /// Runs `kind` once with the values `bind` gives it; returns the rows it changed.
    @discardableResult
    func run(_ kind: Kind, in db: Database, bind: (inout Binder) -> Void = { _ in }) throws -> Int {
        let connection = db.sqliteConnection
        let statement = try prepared(kind, connection: connection)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        var binder = Binder(statement: statement)
        bind(&binder)
        if binder.failure != SQLITE_OK { throw Self.error(binder.failure, connection, kind) }
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw Self.error(code, connection, kind) }
        return Int(sqlite3_changes(connection))
    }

    /// Finalizes every prepared statement (SQLite refuses to close a connection that still has some).
    func finalizeAll() {
        for index in handles.indices {
            if let handle = handles[index] { sqlite3_finalize(handle) }
            handles[index] = nil
        }
    }

    private func prepared(_ kind: Kind, connection: OpaquePointer?) throws -> OpaquePointer {
        if let handle = handles[kind.rawValue] { return handle }
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, kind.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else { throw Self.error(code, connection, kind) }
        handles[kind.rawValue] = handle
        return handle
    }

    private static func error(_ code: Int32, _ connection: OpaquePointer?, _ kind: Kind) -> DatabaseError {
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: kind.sql)
    }

    /// Binds a statement's parameters in order (?1, ?2, …); SQLite copies every value.
    struct Binder {
        let statement: OpaquePointer
        private var index: Int32 = 1
        private(set) var failure: Int32 = SQLITE_OK

        init(statement: OpaquePointer) {
            self.statement = statement
        }

        mutating func bind(_ text: String) {
            var text = text
            record(text.withUTF8 { utf8 in
                // An empty string is TEXT '' (a null pointer would bind NULL).
                let start = UnsafeRawPointer(utf8.baseAddress ?? Self.emptyText.utf8Start)
                return sqlite3_bind_text(
                    statement, index, start.assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.transient)
            })
        }

        mutating func bind(_ value: Double) {
            record(sqlite3_bind_double(statement, index, value))
        }

        /// A REAL, or NULL for nil.
        mutating func bind(_ value: Double?) {
            guard let value else {
                record(sqlite3_bind_null(statement, index))
                return
            }
            bind(value)
        }

        mutating func bind(_ value: Int) {
            record(sqlite3_bind_int64(statement, index, sqlite3_int64(value)))
        }

        /// A BLOB, or NULL for nil.
        mutating func bind(_ bytes: [UInt8]?) {
            guard let bytes else {
                record(sqlite3_bind_null(statement, index))
                return
            }
            record(bytes.withUnsafeBytes { raw in
                // A zero-length BLOB, not NULL, for an empty array.
                sqlite3_bind_blob(
                    statement, index, raw.baseAddress ?? UnsafeRawPointer(Self.emptyText.utf8Start), Int32(raw.count),
                    Self.transient)
            })
        }

        private mutating func record(_ code: Int32) {
            if code != SQLITE_OK && failure == SQLITE_OK { failure = code }
            index += 1
        }

        private static let emptyText: StaticString = ""

        /// SQLITE_TRANSIENT: SQLite copies the value before the bind returns.
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }
}
