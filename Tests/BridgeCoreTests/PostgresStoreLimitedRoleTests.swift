@testable import BridgeCore
import Foundation
import Logging
import PostgresNIO
import Testing

/// A DBA creates the tables (or a first start under the owning role did) and the bridge runs under a role with the
/// rows' rights only — no CREATE on the database or the schema, as on managed PostgreSQL services and PostgreSQL 15's
/// defaults. The store and the session budget start on such a current schema without any DDL (before, every start
/// ran CREATE SCHEMA / CREATE TABLE IF NOT EXISTS, which PostgreSQL refuses before it looks at what exists).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PostgresStoreLimitedRoleTests {
    /// The test database's URL under role `bridge_limited` (deploy/postgres.sh creates it with `bridge`'s password).
    static func limitedURL() throws -> PostgresStoreURL {
        let owner = try PostgresTestDatabase.url()
        return try PostgresStoreURL(parsing:
            "postgres://bridge_limited:\(owner.password ?? "")@\(owner.endpoint)/\(owner.database)?sslmode=disable")
    }

    @Test func theStoreAndTheBudgetStartOnTablesMadeInAdvanceWithoutCreateRights() async throws {
        let schema = PostgresTestDatabase.uniqueSchema("lim")
        // The owner creates everything once (as a first start would).
        let owned = try await PostgresTestDatabase.openStore(schema: schema)
        await owned.close()
        let budget = try ClusterSlotSQL(schema: schema, location: "test")
        let ownerConnection = try await PostgresTestDatabase.connect()
        try await budget.prepare(on: ownerConnection, logger: StoreFixtures.logger)
        try await ownerConnection.close()
        for grant in [
            "GRANT USAGE ON SCHEMA \"\(schema)\" TO bridge_limited",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"\(schema)\" TO bridge_limited",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA \"\(schema)\" TO bridge_limited",
        ] { try await PostgresTestDatabase.execute(grant) }
        let url = try Self.limitedURL()
        let store = try await PostgresBridgeStore(url: url, schema: schema, logger: StoreFixtures.logger)
        #expect(try await store.beginRequest(id: "limited-1", at: Date()) == nil)
        #expect(try await store.requestState(id: "limited-1") != nil)
        await store.close()
        let limited = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
                tls: .disable),
            id: 2, logger: StoreFixtures.logger)
        try await budget.prepare(on: limited, logger: StoreFixtures.logger)
        try await limited.close()
        await PostgresTestDatabase.dropSchema(schema)
    }
}
