import Logging
import PostgresNIO

/// The statements of the session budget, on two tables of their own in `schema` (independent of the store's
/// tables and their version): `smpp_bridge_session_slots` (one lease row per account and slot; its expiry in
/// database time) and `smpp_bridge_cluster_instances` (one heartbeat row per live instance and account).
struct ClusterSlotSQL: Sendable {
    let slots: String
    let instances: String
    let schema: String
    /// The session budget's tables: lease rows, then heartbeat rows (the store's schema check allows them beside
    /// its own).
    static let tableNames = ["smpp_bridge_session_slots", "smpp_bridge_cluster_instances"]
    let createSchema: String?

    init(schema: String, location: String) throws(BridgeStoreError) {
        let allowed = schema.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        guard !schema.isEmpty, schema.utf8.count <= 63, allowed else {
            throw BridgeStoreError(code: .cannotOpen, location: location,
                                   detail: "schema \(schema): lower-case letters, digits and _ only")
        }
        self.schema = schema
        slots = "\"\(schema)\".\(Self.tableNames[0])"
        instances = "\"\(schema)\".\(Self.tableNames[1])"
        createSchema = schema == "public" ? nil : "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""
    }

    /// Creates what is missing, under a transaction-scoped advisory lock (instances start at once). Nothing when
    /// both tables exist: a role without CREATE rights (tables made in advance) runs on them.
    func prepare(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
        do {
            try await connection.run("SELECT pg_advisory_xact_lock(hashtext('smpp_bridge_cluster_schema'))",
                                     logger: logger)
            var binds = PostgresBindings()
            binds.append(schema)
            let existing = try await connection.run(PostgresQuery(
                unsafeSQL: "SELECT tablename FROM pg_tables WHERE schemaname = $1", binds: binds), logger: logger)
                .map { try $0.decode(String.self) }
            guard !Set(Self.tableNames).isSubset(of: existing) else {
                try await connection.run("COMMIT", logger: logger)
                return
            }
            let schemaExists = try await !connection.run(PostgresQuery(
                unsafeSQL: "SELECT 1 FROM pg_namespace WHERE nspname = $1", binds: binds), logger: logger).isEmpty
            if let createSchema, !schemaExists {
                try await connection.run(PostgresQuery(unsafeSQL: createSchema), logger: logger)
            }
            try await connection.run(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(slots) (
                    account text NOT NULL, slot integer NOT NULL, holder text NOT NULL,
                    expires_at timestamptz NOT NULL, claimed_at timestamptz NOT NULL,
                    PRIMARY KEY (account, slot))
                """), logger: logger)
            try await connection.run(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(instances) (
                    account text NOT NULL, instance text NOT NULL, expires_at timestamptz NOT NULL,
                    PRIMARY KEY (account, instance))
                """), logger: logger)
            try await connection.run("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.run("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The heartbeat of `instance`, living `ttl` seconds of database time.
    func heartbeat(account: String, instance: String, ttl: Double) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(account)
        binds.append(instance)
        binds.append(ttl)
        return PostgresQuery(unsafeSQL: """
            INSERT INTO \(instances) (account, instance, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
            ON CONFLICT (account, instance) DO UPDATE SET expires_at = EXCLUDED.expires_at
            """, binds: binds)
    }

    /// Renews the rows of `slots` this instance holds; returns the renewed slots.
    func renew(account: String, instance: String, slots renewed: [Int32], ttl: Double) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(account)
        binds.append(instance)
        binds.append(renewed)
        binds.append(ttl)
        return PostgresQuery(unsafeSQL: """
            UPDATE \(slots) SET expires_at = now() + make_interval(secs => $4)
            WHERE account = $1 AND holder = $2 AND slot = ANY($3) RETURNING slot
            """, binds: binds)
    }

    /// Deletes this instance's rows except `keep`.
    func deleteExcept(account: String, instance: String, keep: [Int32]) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(account)
        binds.append(instance)
        binds.append(keep)
        return PostgresQuery(unsafeSQL: """
            DELETE FROM \(slots) WHERE account = $1 AND holder = $2 AND NOT (slot = ANY($3))
            """, binds: binds)
    }

    /// The number of instances of `account` with a live heartbeat, and how many of them sort before `instance`
    /// (its rank: the shares are handed out in instance-id order).
    func liveInstances(account: String, instance: String) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(account)
        binds.append(instance)
        return PostgresQuery(unsafeSQL: """
            SELECT count(*), count(*) FILTER (WHERE instance COLLATE "C" < $2 COLLATE "C")
            FROM \(instances) WHERE account = $1 AND expires_at > now()
            """, binds: binds)
    }

    /// Every lease row of `account`: slot, holder, not yet expired.
    func rows(account: String) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(account)
        return PostgresQuery(unsafeSQL: """
            SELECT slot, holder, expires_at > now() FROM \(slots) WHERE account = $1
            """, binds: binds)
    }

    /// Claims `slot` if it has no row or its row expired; returns the slot when it did.
    func claim(account: String, slot: Int32, instance: String, ttl: Double) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(account)
        binds.append(slot)
        binds.append(instance)
        binds.append(ttl)
        return PostgresQuery(unsafeSQL: """
            INSERT INTO \(slots) AS s (account, slot, holder, expires_at, claimed_at)
            VALUES ($1, $2, $3, now() + make_interval(secs => $4), now())
            ON CONFLICT (account, slot) DO UPDATE
            SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, claimed_at = EXCLUDED.claimed_at
            WHERE s.expires_at <= now()
            RETURNING slot
            """, binds: binds)
    }

    /// How long a heartbeat row stays after it expired before a live instance deletes it (an instance that died
    /// does not delete its own; one that comes back after this long simply writes its row again).
    static let staleHeartbeatRetention: Double = 3_600

    /// Deletes the heartbeat rows of `account` expired more than ``staleHeartbeatRetention`` ago — instances that
    /// died, often under host names never seen again. Rows another transaction holds are skipped, not waited for:
    /// the round this runs in never blocks on it.
    func deleteStaleHeartbeats(account: String) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(account)
        binds.append(Self.staleHeartbeatRetention)
        return PostgresQuery(unsafeSQL: """
            DELETE FROM \(instances) WHERE ctid IN (
                SELECT ctid FROM \(instances)
                WHERE account = $1 AND expires_at < now() - make_interval(secs => $2)
                FOR UPDATE SKIP LOCKED)
            """, binds: binds)
    }

    /// Ends this instance's heartbeat (graceful stop).
    func deleteHeartbeat(account: String, instance: String) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(account)
        binds.append(instance)
        return PostgresQuery(unsafeSQL: "DELETE FROM \(instances) WHERE account = $1 AND instance = $2", binds: binds)
    }
}
