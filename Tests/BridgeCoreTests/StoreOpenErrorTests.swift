import BridgeCore
import Foundation
import GRDB
import SMPP
import Testing

/// Every start-up failure is one typed error naming the file. Tests run as root, so permissions cannot make a path
/// unwritable: the read-only cases use the immutable attribute (`chattr +i`), which stops root too.
@Suite struct StoreOpenErrorTests {
    typealias F = StoreFixtures

    private func openStore(_ path: String, lockTimeout: Duration = .seconds(5)) throws(BridgeStoreError) -> SQLiteBridgeStore {
        try SQLiteBridgeStore(path: path, logger: F.logger, lockTimeout: lockTimeout)
    }

    @discardableResult
    private func expectOpenFails(
        _ code: BridgeStoreError.Code, _ path: String, lockTimeout: Duration = .seconds(5),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> BridgeStoreError? {
        await F.expectError(code, sourceLocation: sourceLocation) {
            let store = try openStore(path, lockTimeout: lockTimeout)
            await store.close()
        }
    }

    /// A store file with a few records in it, closed.
    private func makeStore(at path: String) async throws {
        let store = try openStore(path)
        for n in 0..<200 {
            try await store.complete(
                RequestCompletion(
                    requestID: "r\(n)", result: F.result(n),
                    correlations: [F.correlation("M\(n)", request: "r\(n)", keys: ["M\(n)"])]))
        }
        await store.close()
    }

    private func chattr(_ flag: String, _ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [flag, path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "chattr \(flag) \(path)")
    }

    @Test func missingDirectoryCannotOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = await expectOpenFails(.cannotOpen, directory.file("missing/bridge.sqlite"))
        #expect(error?.location == directory.file("missing/bridge.sqlite"))
        #expect(error?.detail.contains("does not exist") == true)
    }

    @Test func pathUnderARegularFileCannotOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("plain".utf8).write(to: URL(fileURLWithPath: directory.file("file")))
        let error = await expectOpenFails(.cannotOpen, directory.file("file/bridge.sqlite"))
        #expect(error?.detail.contains("not a directory") == true)
    }

    @Test func directoryAsFileCannotOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        await expectOpenFails(.cannotOpen, directory.path)
    }

    @Test func fileThatIsNotADatabaseIsCorrupt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try Data(repeating: UInt8(ascii: "x"), count: 8_192).write(to: URL(fileURLWithPath: path))
        let error = await expectOpenFails(.corrupt, path)
        #expect(error?.detail.contains("not a database") == true)
        // Shorter than SQLite's header: SQLite alone would take it for an empty database and write over it.
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        await expectOpenFails(.corrupt, path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("x".utf8))
    }

    @Test func damagedPagesAreCorrupt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try await makeStore(at: path)
        // Overwrite pages 2 and 3 (table and index b-trees) with garbage; the header stays valid.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 4_096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 8_192))
        try handle.close()
        await expectOpenFails(.corrupt, path)
    }

    @Test func fileLockedByAnotherConnectionIsLocked() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try await makeStore(at: path)
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: configuration)
        try await other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            try db.execute(sql: "DELETE FROM request WHERE id = 'r1'")
        }
        let error = await expectOpenFails(.locked, path, lockTimeout: .milliseconds(200))
        #expect(error?.detail.contains("locked") == true)
        try await other.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try other.close()
        let store = try openStore(path)
        #expect(try await store.requestState(id: "r1") == .completed(F.result(1)))
        await store.close()
    }

    /// One bridge per store file: a second store on an open file fails `.locked` at once (it would sweep and publish
    /// the same incomplete long MO as the first); once the first is closed the file opens again.
    @Test func aSecondStoreOnAnOpenFileIsLocked() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        let first = try openStore(path)
        try await first.complete(RequestCompletion(requestID: "r1", result: F.result(1), correlations: []))
        let error = await expectOpenFails(.locked, path)
        #expect(error?.detail.contains("another smpp-bridge uses this store") == true)
        await first.close()
        let second = try openStore(path)
        #expect(try await second.requestState(id: "r1") == .completed(F.result(1)))
        await second.close()
    }

    /// WAL: a read goes on while another connection holds the write lock mid-transaction (in rollback-journal mode an
    /// EXCLUSIVE writer would block it).
    @Test func readsDoNotWaitForAWriteInProgress() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        let store = try openStore(path)
        try await store.complete(RequestCompletion(requestID: "r1", result: F.result(1), correlations: []))
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: configuration)
        try await other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            try db.execute(sql: "DELETE FROM request")
        }
        #expect(try await store.requestState(id: "r1") == .completed(F.result(1)))
        try await other.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try other.close()
        await store.close()
    }

    @Test func immutableDirectoryIsReadOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try chattr("+i", directory.path)
        defer { try? chattr("-i", directory.path) }
        let error = await expectOpenFails(.readOnly, directory.file("bridge.sqlite"))
        #expect(error?.detail.contains("not writable") == true)
    }

    @Test func immutableFileIsReadOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try await makeStore(at: path)
        try chattr("+i", path)
        defer { try? chattr("-i", path) }
        await expectOpenFails(.readOnly, path)
    }

    /// A WAL (or shared-memory) file the bridge cannot write — left by a run as another user — is named, not
    /// reported as SQLite's "readonly database" against the store file.
    @Test(arguments: ["-wal", "-shm"])
    func anUnwritableSidecarFileIsNamed(suffix: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try await makeStore(at: path)
        let sidecar = path + suffix
        if !FileManager.default.fileExists(atPath: sidecar) {
            #expect(FileManager.default.createFile(atPath: sidecar, contents: Data()))
        }
        try chattr("+i", sidecar)
        defer { try? chattr("-i", sidecar) }
        let error = await expectOpenFails(.readOnly, path)
        #expect(error?.detail.contains("bridge.sqlite\(suffix) is not writable") == true, "\(String(describing: error))")
    }

    @Test func newerFormatFailsMigration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try await makeStore(at: path)
        let other = try DatabaseQueue(path: path)
        try await other.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 99") }
        try other.close()
        let error = await expectOpenFails(.migrationFailed, path)
        #expect(error?.detail.contains("format 99") == true)
        #expect(error?.detail.contains("newer") == true)
    }

    /// A newer format may use SQL this SQLite cannot parse: refused as newer from the file's header, not reported
    /// as corrupt (an operator might throw a good file away).
    @Test func aNewerFormatThisSQLiteCannotReadIsNewerNotCorrupt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try await makeStore(at: path)
        let other = try DatabaseQueue(path: path)
        try await other.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TABLE future (a INTEGER)")
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_master SET sql = 'CREATE TABLE future (a INTEGER) WITH FUTURE_OPTION' WHERE name = 'future'")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
            try db.execute(sql: "PRAGMA user_version = \(SQLiteBridgeStore.formatVersion + 1)")
        }
        try other.close()
        let error = await expectOpenFails(.migrationFailed, path)
        #expect(error?.detail.contains("newer") == true, "\(String(describing: error))")
    }

    @Test func anotherApplicationsDatabaseFailsMigration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        let other = try DatabaseQueue(path: path)
        try await other.write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY)") }
        try other.close()
        let error = await expectOpenFails(.migrationFailed, path)
        #expect(error?.detail.contains("invoices") == true)
    }

    /// A format-1 file (before the unconfirmed MO ids, the in-flight mark count and the MO parts' national language
    /// tables) is migrated to the current format, keeping its rows (an in-flight mark counts as one, a stored MO part
    /// names no national language table).
    @Test func formatOneFileIsMigrated() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        let store = try openStore(path)
        try await store.markInFlight(id: "stuck", at: Date(timeIntervalSinceReferenceDate: 1))
        _ = try await store.addMOPart(StoreFixtures.part("g", index: 1))
        await store.close()
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            try db.execute(sql: "DROP TABLE mo_unconfirmed")
            try db.execute(sql: "ALTER TABLE request DROP COLUMN marks")
            try db.execute(sql: "ALTER TABLE mo_part DROP COLUMN locking_shift")
            try db.execute(sql: "ALTER TABLE mo_part DROP COLUMN single_shift")
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        try old.close()
        let migrated = try openStore(path)
        #expect(try await migrated.requestState(id: "stuck") == .inFlight(since: Date(timeIntervalSinceReferenceDate: 1)))
        #expect(try await migrated.moGroup(key: "g") == [StoreFixtures.part("g", index: 1)])
        var turkish = StoreFixtures.part("g", index: 2)
        turkish.nationalLanguageShift = GSMNationalLanguageShift(locking: 1, single: 1)
        #expect(try await migrated.addMOPart(turkish) == [StoreFixtures.part("g", index: 1), turkish])
        try await migrated.rememberUnconfirmedMO(key: "k", eventID: "e", at: Date(timeIntervalSinceReferenceDate: 2))
        #expect(try await migrated.takeUnconfirmedMO(key: "k", notBefore: .distantPast) == "e")
        await migrated.close()
        let check = try DatabaseQueue(path: path)
        #expect(try await check.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == SQLiteBridgeStore.formatVersion)
        try check.close()
    }

    @Test func newFileIsCreatedAtCurrentFormat() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bridge.sqlite")
        try await makeStore(at: path)
        let other = try DatabaseQueue(path: path)
        let (version, journalMode) = try await other.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA user_version"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        try other.close()
        #expect(version == SQLiteBridgeStore.formatVersion)
        #expect(journalMode == "wal")
    }
}
