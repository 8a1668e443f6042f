@testable import BridgeCore
import Foundation
import PostgresNIO
import Testing

/// An instance that dies leaves its heartbeat row (no final round deletes it), and replacement instances often come
/// under new host names: the live gates delete such rows an hour after they expired, in their rounds, without
/// waiting for rows another transaction holds, and only their own account's (real PostgreSQL of deploy/postgres.sh).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ClusterStaleHeartbeatTests {
    static let account = "127.0.0.1:1/acct"

    static func instances(_ connection: PostgresConnection, schema: String) async throws -> Set<String> {
        var names = Set<String>()
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT account || '|' || instance FROM \"\(schema)\".smpp_bridge_cluster_instances"),
            logger: ClusterSlotGateTests.logger)
        for try await name in rows.decode(String.self) { names.insert(name) }
        return names
    }

    @Test func theRoundsDeleteHeartbeatsExpiredAnHourAgoSkippingLockedRows() async throws {
        let schema = PostgresTestDatabase.uniqueSchema("hb")
        let a = ClusterSlotGateTests.RunningGate(
            try ClusterSlotGateTests.gate("a", schema: schema, total: 1, takeoverAfter: .seconds(30)))
        let claims = ClusterSlotGateTests.claimAll(a.gate, total: 1)
        #expect(await ClusterSlotGateTests.eventually(within: .seconds(10)) { a.gate.status.heldSlots.count == 1 })
        let connection = try await PostgresTestDatabase.connect()
        let table = "\"\(schema)\".smpp_bridge_cluster_instances"
        try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (account, instance, expires_at) VALUES
            ('\(Self.account)', 'dead-long-ago', now() - interval '2 hours'),
            ('\(Self.account)', 'dead-locked', now() - interval '2 hours'),
            ('\(Self.account)', 'dead-recently', now() - interval '10 minutes'),
            ('other/acct', 'dead-elsewhere', now() - interval '2 hours')
            """), logger: ClusterSlotGateTests.logger)
        let blocker = try await PostgresTestDatabase.connect()
        try await blocker.query("BEGIN", logger: ClusterSlotGateTests.logger)
        try await blocker.query(PostgresQuery(unsafeSQL: """
            SELECT * FROM \(table) WHERE instance = 'dead-locked' FOR UPDATE
            """), logger: ClusterSlotGateTests.logger)
        var left: Set<String> = []
        for _ in 0..<400 {
            left = try await Self.instances(connection, schema: schema)
            if !left.contains("\(Self.account)|dead-long-ago") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(left == [
            "\(Self.account)|a", "\(Self.account)|dead-locked", "\(Self.account)|dead-recently",
            "other/acct|dead-elsewhere",
        ])
        #expect(a.gate.status.lastError == nil, "a locked stale row does not fail the round")
        #expect(a.gate.status.heldSlots.count == 1)
        try await blocker.query("ROLLBACK", logger: ClusterSlotGateTests.logger)
        try await blocker.close()
        for _ in 0..<400 {
            left = try await Self.instances(connection, schema: schema)
            if !left.contains("\(Self.account)|dead-locked") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!left.contains("\(Self.account)|dead-locked"), "deleted by a later round once free")
        try await connection.close()
        claims.cancel()
        await a.stop()
        await PostgresTestDatabase.dropSchema(schema)
    }
}
