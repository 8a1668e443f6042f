public import Logging
import NIOCore
import NIOSSL
import PostgresNIO

extension PostgresBridgeStore {
    /// What opening did to the schema (logged at start).
    enum SchemaOutcome: CustomStringConvertible, Sendable {
        case created
        case current
        case migrated(from: Int)

        var description: String {
            switch self {
            case .created: "created"
            case .current: "current"
            case .migrated(let from): "migrated from version \(from)"
            }
        }
    }

    /// Connects once outside the pool (the pool would retry an unreachable server for a minute; here the first
    /// failure, with the server's own words, is the answer) and creates or migrates the schema in one transaction.
    static func prepareSchema(
        url: PostgresStoreURL, sql: PostgresStoreSQL, timeout: Duration, logger: Logger
    ) async throws(BridgeStoreError) -> SchemaOutcome {
        let location = url.description
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration(url: url, connectTimeout: timeout), id: 0, logger: logger)
        } catch {
            throw storeError(error, code: .cannotOpen, location: location)
        }
        do {
            let outcome = try await migrate(connection, sql: sql, location: location, logger: logger)
            try? await connection.close()
            return outcome
        } catch {
            try? await connection.close()
            throw storeError(error, code: .migrationFailed, location: location)
        }
    }

    /// Under `pg_advisory_xact_lock` (per schema), so instances starting together create the schema once: creates
    /// the schema and version table when missing, refuses a newer version or foreign tables, runs the steps.
    private static func migrate(
        _ connection: PostgresConnection, sql: PostgresStoreSQL, location: String, logger: Logger
    ) async throws -> SchemaOutcome {
        func run(_ text: String, _ binds: PostgresBindings = PostgresBindings()) async throws -> [PostgresRow] {
            try await connection.run(PostgresQuery(unsafeSQL: text, binds: binds), logger: logger)
        }
        let known = schemaVersion
        var schemaBinds = PostgresBindings()
        schemaBinds.append("schema:" + sql.schema)
        // READ COMMITTED whatever the server's default: the reads after the lock must see what the instance that
        // held it committed. A lock held by another session (a stuck old instance) fails the start after 10 s
        // instead of stalling it, and every writer queued behind the migration's table locks.
        _ = try await run("BEGIN ISOLATION LEVEL READ COMMITTED")
        _ = try await run("SELECT pg_advisory_xact_lock(\(PostgresStoreSQL.lockClassSchema), hashtext($1))", schemaBinds)
        _ = try await run("SET LOCAL lock_timeout = '10s'")
        var nameBinds = PostgresBindings()
        nameBinds.append(sql.schema)
        // DDL only where something is missing: a role with no CREATE right on the database (tables made by a DBA
        // in advance, or by an earlier start under another role) starts on a current schema.
        let schemaExists = try await !run("SELECT 1 FROM pg_namespace WHERE nspname = $1", nameBinds).isEmpty
        if !schemaExists { _ = try await run("CREATE SCHEMA \"\(sql.schema)\"") }
        let tables = try await run(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", nameBinds
        ).map { try $0.decode(String.self) }
        var version = 0
        if tables.contains("smpp_bridge_schema") {
            let rows = try await run("SELECT coalesce(max(version), 0) FROM \(sql.versionTable)")
            version = try rows.first?.decode(Int.self) ?? 0
        }
        if version > known {
            throw BridgeStoreError(
                code: .migrationFailed, location: location,
                detail: "the database has store schema version \(version), newer than the \(known) this smpp-bridge "
                    + "knows: run a newer smpp-bridge, or point store.url at another database")
        }
        let ours = Set(tableNames)
        // The session budget's tables (ClusterSlotSQL) share the schema and may be created first.
        let storeTables = tables.filter { !ClusterSlotSQL.tableNames.contains($0) }
        if version == 0, !storeTables.isEmpty {
            let foreign = storeTables.filter { !ours.contains($0) }
            let reason = foreign.isEmpty ? "store tables without a schema version" : "other tables"
            throw BridgeStoreError(
                code: .migrationFailed, location: location,
                detail: "not a smpp-bridge store: schema \(sql.schema) has \(reason) "
                    + "(\((foreign.isEmpty ? storeTables : foreign).joined(separator: ", ")))")
        }
        if version == 0 {
            _ = try await run("CREATE TABLE \(sql.versionTable) (version integer NOT NULL)")
        }
        for step in sql.steps where step.version > version {
            for statement in step.statements { _ = try await run(statement) }
        }
        if version == 0 {
            _ = try await run("INSERT INTO \(sql.versionTable) (version) VALUES (\(known))")
        } else if version < known {
            _ = try await run("UPDATE \(sql.versionTable) SET version = \(known)")
        }
        _ = try await run("COMMIT")
        if version == 0 { return .created }
        return version < known ? .migrated(from: version) : .current
    }

    /// Drops `schema` and every table in it (benchmarks and tests that worked in a schema of their own). Refuses
    /// `public` and any name ``init(url:schema:logger:maximumConnections:connectionTimeout:)`` would refuse.
    public static func dropSchema(_ schema: String, url text: String, logger: Logger) async throws(BridgeStoreError) {
        let url: PostgresStoreURL
        do {
            url = try PostgresStoreURL(parsing: text)
        } catch {
            throw BridgeStoreError(code: .cannotOpen, location: "store.url", detail: "the URL \(error.description)")
        }
        let sql = try PostgresStoreSQL(schema: schema, location: url.description)
        guard schema != "public" else {
            throw BridgeStoreError(code: .writeFailed, location: url.description, detail: "will not drop schema public")
        }
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration(url: url, connectTimeout: .seconds(5)), id: 0, logger: logger)
        } catch {
            throw storeError(error, code: .cannotOpen, location: url.description)
        }
        do {
            try await connection.run(
                PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(sql.schema)\" CASCADE"), logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw storeError(error, code: .writeFailed, location: url.description)
        }
    }

    static func connectionConfiguration(
        url: PostgresStoreURL, connectTimeout: Duration
    ) throws(BridgeStoreError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch url.tlsMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try sslContext(url))
        case .require, .verifyCA, .verifyFull: tls = .require(try sslContext(url))
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: tls)
        configuration.options.connectTimeout = .nanoseconds(Int64(connectTimeout.nanoseconds))
        return configuration
    }

    /// The pool's configuration. Every connection starts with `synchronous_commit = on`, whatever the server's or
    /// the database's default: a commit returns only once its WAL is on disk, so an ack never waits on a commit
    /// that a server crash could still undo (some servers are tuned with `off`). With `searchPath`, every connection
    /// also starts with that schema as its `search_path` (what the prepared statements' unqualified names resolve
    /// to).
    static func clientConfiguration(
        url: PostgresStoreURL, maximumConnections: Int, connectTimeout: Duration, searchPath: String? = nil
    ) throws(BridgeStoreError) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch url.tlsMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(tlsConfiguration(url))
        case .require, .verifyCA, .verifyFull:
            _ = try sslContext(url)  // an unreadable sslrootcert is an error now, not at the first connect
            tls = .require(tlsConfiguration(url))
        }
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: tls)
        configuration.options.maximumConnections = max(2, maximumConnections)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = connectTimeout
        configuration.options.additionalStartupParameters = [("synchronous_commit", "on")]
        if let searchPath { configuration.options.additionalStartupParameters.append(("search_path", searchPath)) }
        return configuration
    }

    /// libpq's `prefer` and `require` encrypt without checking the server's certificate; so do we. `verify-ca`
    /// checks the chain against `sslrootcert` (or the system's trust store), `verify-full` also the name: the URL's
    /// host, as a DNS name or an IP address.
    private static func tlsConfiguration(_ url: PostgresStoreURL) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch url.tlsMode {
        case .disable, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if url.tlsMode.verifiesCertificate, let path = url.sslRootCertificate {
            configuration.trustRoots = .file(path)
        }
        return configuration
    }

    /// The TLS context for `url`; an `sslrootcert` that cannot be read is a `.cannotOpen` naming it.
    private static func sslContext(_ url: PostgresStoreURL) throws(BridgeStoreError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: tlsConfiguration(url))
        } catch {
            let what = url.tlsMode.verifiesCertificate && url.sslRootCertificate != nil
                ? "sslrootcert \(url.sslRootCertificate ?? "") cannot be used" : "TLS setup failed"
            throw BridgeStoreError(code: .cannotOpen, location: url.description, detail: "\(what): \(error)")
        }
    }

    /// A store error for anything postgres-nio throws: the server's SQLSTATE and message when it answered, the
    /// connection's error otherwise; never the password (PSQLError's own text is generic on purpose, so the parts
    /// are taken one by one).
    static func storeError(_ error: any Error, code: BridgeStoreError.Code, location: String) -> BridgeStoreError {
        if let error = error as? BridgeStoreError { return error }
        return BridgeStoreError(code: code, location: location, detail: errorDetail(error))
    }

    static func errorDetail(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let message = info[.message] ?? "server error"
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = info[.detail].map { ": \($0)" } ?? ""
                return message + detail + state
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if error is CancellationError { return "cancelled" }
        return "\(error)"
    }

    /// The SQLSTATE of a server error, if the error is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
