import BridgeCore
import Foundation
import Logging
import PostgresNIO
import Testing

/// The private PostgreSQL of deploy/postgres.sh, for the PostgreSQL store's tests. Each test works in a schema of
/// its own (tests run in parallel), dropped at its end.
enum PostgresTestDatabase {
    static let environment = ProcessInfo.processInfo.environment
    /// The test database's URL (`SMPP_BRIDGE_TEST_POSTGRES_URL`).
    static let urlText = environment["SMPP_BRIDGE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// The command that restarts the test cluster (`SMPP_BRIDGE_TEST_POSTGRES_RESTART`).
    static let restartCommand = environment["SMPP_BRIDGE_TEST_POSTGRES_RESTART"].flatMap { $0.isEmpty ? nil : $0 }

    /// Why a PostgreSQL test cannot run: it fails with this, never skips silently.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static let howToRun =
        "start the private PostgreSQL and export its variables: deploy/postgres.sh start && eval \"$(deploy/postgres.sh env)\""

    static func url() throws -> PostgresStoreURL {
        guard let urlText else {
            throw Unavailable(description: "SMPP_BRIDGE_TEST_POSTGRES_URL is not set: \(howToRun)")
        }
        return try PostgresStoreURL(parsing: urlText)
    }

    /// A schema name no other test uses.
    static func uniqueSchema(_ prefix: String = "t") -> String {
        prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// A store on the test database, in `schema`.
    static func openStore(
        schema: String, connectionTimeout: Duration = .seconds(5), maximumConnections: Int = 4
    ) async throws -> PostgresBridgeStore {
        try await PostgresBridgeStore(
            url: try url(), schema: schema, logger: StoreFixtures.logger, maximumConnections: maximumConnections,
            connectionTimeout: connectionTimeout)
    }

    /// A connection of its own as the test role (the caller closes it).
    static func connect() async throws -> PostgresConnection {
        let url = try url()
        return try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: .disable),
            id: 1, logger: StoreFixtures.logger)
    }

    /// Runs `sql` as the test role on a connection of its own.
    static func execute(_ sql: String) async throws {
        let connection = try await connect()
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: StoreFixtures.logger)
        } catch {
            try? await connection.close()
            throw Unavailable(description: "\(sql): \(String(reflecting: error))")
        }
        try await connection.close()
    }

    /// Drops a test's schema and everything in it.
    static func dropSchema(_ schema: String) async {
        try? await execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
    }

    /// Runs `body` with `count` stores on one fresh schema (as many bridge instances), then closes them and drops it.
    static func withStores(
        _ count: Int, connectionTimeout: Duration = .seconds(5),
        _ body: ([PostgresBridgeStore]) async throws -> Void
    ) async throws {
        let schema = uniqueSchema("c")
        var stores: [PostgresBridgeStore] = []
        do {
            for _ in 0..<count { stores.append(try await openStore(schema: schema, connectionTimeout: connectionTimeout)) }
            try await body(stores)
        } catch {
            for store in stores { await store.close() }
            await dropSchema(schema)
            throw error
        }
        for store in stores { await store.close() }
        await dropSchema(schema)
    }
}
