import Foundation
import GRDB
import Logging

extension SQLiteBridgeStore {
    /// Opens the pool (WAL, synchronous FULL), checks integrity, migrates, and takes the write lock once, so every
    /// start-up problem is one typed error; ``checkDirectory(of:)`` and ``checkFile(_:)`` ran before.
    static func openPool(path: String, lockTimeout: Duration, logger: Logger) throws(BridgeStoreError) -> DatabasePool {
        var configuration = Configuration()
        configuration.label = "smpp-bridge.store"
        configuration.busyMode = .timeout(lockTimeout.seconds)
        configuration.maximumReaderCount = 4
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw storeError(error, code: .cannotOpen, location: path)
        }
        do {
            try pool.writeWithoutTransaction(makeCommitsDurable)
        } catch {
            try? pool.close()
            throw storeError(error, code: .cannotOpen, location: path)
        }
        let outcome: StoreSchema.Outcome
        do {
            outcome = try pool.writeWithoutTransaction { db in
                try checkIntegrity(db, path: path)
                return try StoreSchema.migrate(db, path: path)
            }
        } catch {
            try? pool.close()
            throw storeError(error, code: .migrationFailed, location: path)
        }
        logger.info(
            "store opened",
            metadata: ["store.path": "\(path)", "store.format": "\(formatVersion)", "store.schema": "\(outcome)"])
        return pool
    }

    /// The directory exists and is writable (the store, its WAL and its lock file go there). This and ``checkFile(_:)``
    /// fail before SQLite is involved; `access(2)` reports a read-only file system or an immutable file even to root.
    static func checkDirectory(of path: String) throws(BridgeStoreError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw BridgeStoreError(code: .cannotOpen, location: path, detail: "directory \(directory) does not exist")
        }
        guard isDirectory.boolValue else {
            throw BridgeStoreError(code: .cannotOpen, location: path, detail: "\(directory) is not a directory")
        }
        if access(directory, W_OK) != 0 {
            throw BridgeStoreError(
                code: .readOnly, location: path, detail: "directory \(directory) is not writable: \(errnoText())")
        }
    }

    /// The path, if it exists, is a readable and writable file that starts with the SQLite header; its WAL and shared
    /// memory files, where they exist, are readable and writable too (the lock file is named by its own open) — one
    /// left by another user (a run as root) would otherwise fail the open with SQLite's "readonly database", naming
    /// only the store file.
    static func checkFile(_ path: String) throws(BridgeStoreError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard !isDirectory.boolValue else {
            throw BridgeStoreError(code: .cannotOpen, location: path, detail: "the path is a directory, not a file")
        }
        if access(path, R_OK | W_OK) != 0 {
            throw BridgeStoreError(code: .readOnly, location: path, detail: "the file is not writable: \(errnoText())")
        }
        for sidecar in [path + "-wal", path + "-shm"]
        where FileManager.default.fileExists(atPath: sidecar) && access(sidecar, R_OK | W_OK) != 0 {
            throw BridgeStoreError(
                code: .readOnly, location: path,
                detail: "\(sidecar) is not writable (left by another user?): \(errnoText())")
        }
        try checkHeader(path)
    }

    /// SQLite takes a file shorter than its header for an empty database and would write over it: any non-empty
    /// file must start with the SQLite header.
    private static func checkHeader(_ path: String) throws(BridgeStoreError) {
        let header: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            header = try handle.read(upToCount: 72) ?? Data()
        } catch {
            throw BridgeStoreError(code: .cannotOpen, location: path, detail: "cannot read the file: \(error)")
        }
        guard !header.isEmpty else { return }
        guard header.prefix(16) == Data("SQLite format 3\0".utf8) else {
            throw BridgeStoreError(
                code: .corrupt, location: path, detail: "file is not a database (no SQLite header in its first 16 bytes)")
        }
        try checkFormat(Array(header), path: path)
    }

    /// A store of a newer format is refused from its header (user_version at offset 60, application_id at 68, both
    /// big-endian), before SQLite reads its schema: a newer format may use SQL this SQLite cannot parse, and the
    /// file would read as corrupt — an operator might throw a good file away. (A format migrated but not yet
    /// checkpointed out of the WAL is caught by the migration's own check.)
    static func checkFormat(_ header: [UInt8], path: String) throws(BridgeStoreError) {
        guard header.count >= 72 else { return }
        func word(_ offset: Int) -> Int {
            header[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        let version = word(60), application = word(68)
        guard application == StoreSchema.applicationID, version > formatVersion else { return }
        throw BridgeStoreError(
            code: .migrationFailed, location: path,
            detail: "the file has store format \(version), newer than the \(formatVersion) this smpp-bridge knows: "
                + "run a newer smpp-bridge, or point store.path at another file")
    }

    /// `synchronous = FULL` on the writer connection: a commit fsyncs the WAL before it returns, so an acknowledged
    /// write survives a power cut (NORMAL only survives a crash of the process); group commit keeps the fsyncs to one
    /// per transaction. Set here, after the pool is open: GRDB's `DatabasePool` sets NORMAL on its writer when it
    /// enables WAL, after `Configuration.prepareDatabase` ran, so a pragma there does not last. Read back, so a
    /// setting that did not take is an error at start, not a silent loss of durability.
    static func makeCommitsDurable(_ db: Database) throws {
        try db.execute(sql: "PRAGMA synchronous = FULL")
        let level = try Int.fetchOne(db, sql: "PRAGMA synchronous")
        guard level == 2 else {
            throw DatabaseError(message: "PRAGMA synchronous is \(level.map(String.init) ?? "unknown"), expected 2 (FULL)")
        }
    }

    /// `PRAGMA quick_check`: the b-trees and pages are sound (O(size of the file), without the index cross-checks).
    static func checkIntegrity(_ db: Database, path: String) throws(BridgeStoreError) {
        let problems: [String]
        do {
            problems = try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
        } catch {
            throw storeError(error, code: .corrupt, location: path)
        }
        guard problems != ["ok"] else { return }
        throw BridgeStoreError(
            code: .corrupt, location: path,
            detail: "quick_check: " + problems.joined(separator: "\n").split(separator: "\n").joined(separator: "; "))
    }

    /// A store error for anything GRDB throws: SQLite's result code picks the code where it says more than
    /// `fallback` (not a database, locked, read-only), and the detail keeps SQLite's own text.
    static func storeError(_ error: any Error, code fallback: BridgeStoreError.Code, location: String) -> BridgeStoreError {
        if let error = error as? BridgeStoreError { return error }
        guard let error = error as? DatabaseError else {
            return BridgeStoreError(code: fallback, location: location, detail: "\(error)")
        }
        let detail = "\(error.message ?? "SQLite error") (SQLite \(error.extendedResultCode.rawValue))"
        let code: BridgeStoreError.Code
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: code = .corrupt
        case .SQLITE_BUSY, .SQLITE_LOCKED: code = .locked
        case .SQLITE_READONLY, .SQLITE_PERM: code = .readOnly
        case .SQLITE_CANTOPEN: code = fallback == .readFailed || fallback == .writeFailed ? fallback : .cannotOpen
        default: code = fallback
        }
        return BridgeStoreError(code: code, location: location, detail: detail)
    }

    /// The text of `code` (`strerror`), by default `errno`'s.
    static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}

