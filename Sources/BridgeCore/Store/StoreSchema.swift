import GRDB

/// The SQLite store's schema and its migrations (docs/store.md). The format version is `PRAGMA user_version`; the
/// file is marked as a smpp-bridge store with `PRAGMA application_id`.
enum StoreSchema {
    /// "SMPB": marks the file as a smpp-bridge store, so another application's database is refused, not altered.
    static let applicationID = 0x534D_5042

    /// What opening did to the schema (logged at start).
    enum Outcome: CustomStringConvertible, Sendable {
        case created
        case current
        case migrated(from: Int)

        var description: String {
            switch self {
            case .created: "created"
            case .current: "current"
            case .migrated(let from): "migrated from format \(from)"
            }
        }
    }

    /// Every format step: the version it produces and its SQL. Times are REAL seconds since 2001-01-01 UTC
    /// (Foundation's reference date), so a `Date` comes back exactly as it was stored.
    ///
    /// `request` and `correlation` are rowid tables with a UNIQUE key: their keys arrive in random order and a
    /// completed request row is ~500 bytes, so clustered on the key (`WITHOUT ROWID`, as files created before
    /// 2026-12-03 have them) every commit dirtied fat leaf pages all over the file; now rows append and only the small
    /// key index is random (about 10 % less store CPU, docs/benchmarks.md). Both layouts have the same columns and
    /// take the same statements, so older files are not rebuilt: that would stall the first start for about 50 s
    /// per million stored requests (docs/store.md).
    static let steps: [(version: Int, sql: String)] = [
        (
            1,
            """
            CREATE TABLE request (
                id TEXT NOT NULL UNIQUE,
                completed INTEGER NOT NULL,
                at REAL NOT NULL,
                event_id TEXT,
                status TEXT,
                routing_key TEXT,
                body BLOB
            );
            CREATE INDEX request_at ON request (at);
            CREATE TABLE correlation (
                match_key TEXT NOT NULL UNIQUE,
                keys TEXT NOT NULL,
                message_id TEXT NOT NULL,
                request_id TEXT NOT NULL,
                segment INTEGER NOT NULL,
                segments INTEGER NOT NULL,
                to_address TEXT NOT NULL,
                from_address TEXT NOT NULL,
                metadata BLOB,
                submitted_at REAL NOT NULL
            );
            CREATE INDEX correlation_submitted_at ON correlation (submitted_at);
            CREATE TABLE mo_part (
                group_key TEXT NOT NULL,
                part_index INTEGER NOT NULL,
                total INTEGER NOT NULL,
                payload BLOB NOT NULL,
                data_coding INTEGER NOT NULL,
                from_address TEXT NOT NULL,
                to_address TEXT NOT NULL,
                received_at REAL NOT NULL,
                PRIMARY KEY (group_key, part_index)
            ) WITHOUT ROWID;
            CREATE INDEX mo_part_received_at ON mo_part (received_at);
            """
        ),
        (
            2,
            """
            CREATE TABLE mo_unconfirmed (
                key TEXT PRIMARY KEY NOT NULL,
                event_id TEXT NOT NULL,
                at REAL NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX mo_unconfirmed_at ON mo_unconfirmed (at);
            """
        ),
        (
            3,
            // How many deliveries marked a request in flight (bounds resubmission after repeated interruptions).
            "ALTER TABLE request ADD COLUMN marks INTEGER NOT NULL DEFAULT 1;"
        ),
        (
            4,
            // The national language tables a long MO part's UDH named (NULL: the default table).
            """
            ALTER TABLE mo_part ADD COLUMN locking_shift INTEGER;
            ALTER TABLE mo_part ADD COLUMN single_shift INTEGER;
            """
        ),
    ]

    /// Creates or migrates the schema in one IMMEDIATE transaction (which also proves the write lock can be taken).
    static func migrate(_ db: Database, path: String) throws(BridgeStoreError) -> Outcome {
        let known = SQLiteBridgeStore.formatVersion
        var outcome = Outcome.current
        do {
            try db.inTransaction(.immediate) {
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let application = try Int.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if version > known {
                    throw BridgeStoreError(
                        code: .migrationFailed, location: path,
                        detail: "the file has store format \(version), newer than the \(known) this smpp-bridge "
                            + "knows: run a newer smpp-bridge, or point store.path at another file")
                }
                if version == 0 {
                    let tables = try String.fetchAll(
                        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                    guard tables.isEmpty else {
                        throw BridgeStoreError(
                            code: .migrationFailed, location: path,
                            detail: "not a smpp-bridge store: it has tables (\(tables.joined(separator: ", "))) "
                                + "but no store format")
                    }
                    try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                    outcome = .created
                } else if application != applicationID {
                    throw BridgeStoreError(
                        code: .migrationFailed, location: path,
                        detail: "not a smpp-bridge store: application_id is \(application), format \(version)")
                } else if version < known {
                    outcome = .migrated(from: version)
                }
                for step in steps where step.version > version {
                    try db.execute(sql: step.sql)
                }
                if version != known { try db.execute(sql: "PRAGMA user_version = \(known)") }
                return .commit
            }
        } catch {
            throw SQLiteBridgeStore.storeError(error, code: .migrationFailed, location: path)
        }
        return outcome
    }
}
