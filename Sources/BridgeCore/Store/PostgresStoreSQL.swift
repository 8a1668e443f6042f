/// The PostgreSQL store's statements, with its schema's name built in once (table names cannot be bind
/// parameters). Times are `double precision` seconds since 2001-01-01 UTC, as in the SQLite store, so a `Date`
/// comes back exactly as it was stored.
struct PostgresStoreSQL: Sendable {
    /// The first key of every advisory lock this store takes ("SMPB"); the second is a hash of what is locked.
    static let lockClassSchema: Int32 = 0x534D_5042
    static let lockClassMOGroup: Int32 = 0x534D_5043

    let schema: String
    let versionTable: String
    let request: String
    let correlation: String
    let moPart: String
    let moClaim: String
    let moUnconfirmed: String

    /// Refuses a schema name that is not plain lower-case (`[a-z_][a-z0-9_]*`, at most 63 octets), so quoting it is
    /// trivial and it means the same to every tool.
    init(schema: String, location: String) throws(BridgeStoreError) {
        let utf8 = Array(schema.utf8)
        let valid = !utf8.isEmpty && utf8.count <= 63
            && utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
            && !(utf8[0] >= 0x30 && utf8[0] <= 0x39)
        guard valid else {
            throw BridgeStoreError(
                code: .cannotOpen, location: location,
                detail: "schema name \(schema) is not lower-case letters, digits and _ (at most 63)")
        }
        self.init(schema: schema, prefix: "\"\(schema)\".")
    }

    /// The statements with unqualified table names, for prepared statements (their SQL must not depend on the
    /// store): they find the tables through the pool's `search_path`, set to the store's schema.
    static let unqualified = PostgresStoreSQL(schema: "", prefix: "")

    private init(schema: String, prefix: String) {
        self.schema = schema
        versionTable = prefix + "smpp_bridge_schema"
        request = prefix + "request"
        correlation = prefix + "correlation"
        moPart = prefix + "mo_part"
        moClaim = prefix + "mo_claim"
        moUnconfirmed = prefix + "mo_unconfirmed"
    }

    /// Every schema step: the version it produces and its statements (one per query: the extended protocol takes
    /// one statement at a time).
    var steps: [(version: Int, statements: [String])] {
        [
            (
                1,
                [
                    """
                    CREATE TABLE \(request) (
                        id text PRIMARY KEY,
                        completed boolean NOT NULL,
                        at double precision NOT NULL,
                        prev_at double precision,
                        event_id text,
                        status text,
                        routing_key text,
                        body bytea
                    )
                    """,
                    "CREATE INDEX request_at ON \(request) (at)",
                    """
                    CREATE TABLE \(correlation) (
                        match_key text PRIMARY KEY,
                        keys text NOT NULL,
                        message_id text NOT NULL,
                        request_id text NOT NULL,
                        segment integer NOT NULL,
                        segments integer NOT NULL,
                        to_address text NOT NULL,
                        from_address text NOT NULL,
                        metadata bytea,
                        submitted_at double precision NOT NULL
                    )
                    """,
                    "CREATE INDEX correlation_submitted_at ON \(correlation) (submitted_at)",
                    """
                    CREATE TABLE \(moPart) (
                        group_key text NOT NULL,
                        part_index integer NOT NULL,
                        total integer NOT NULL,
                        payload bytea NOT NULL,
                        data_coding integer NOT NULL,
                        from_address text NOT NULL,
                        to_address text NOT NULL,
                        received_at double precision NOT NULL,
                        PRIMARY KEY (group_key, part_index)
                    )
                    """,
                    "CREATE INDEX mo_part_received_at ON \(moPart) (received_at)",
                    """
                    CREATE TABLE \(moClaim) (
                        group_key text PRIMARY KEY,
                        claimed_until double precision NOT NULL
                    )
                    """,
                ]
            ),
            (
                2,
                [
                    """
                    CREATE TABLE \(moUnconfirmed) (
                        key text PRIMARY KEY,
                        event_id text NOT NULL,
                        at double precision NOT NULL
                    )
                    """,
                    "CREATE INDEX mo_unconfirmed_at ON \(moUnconfirmed) (at)",
                ]
            ),
            (
                3,
                // How many deliveries marked a request in flight (bounds resubmission after repeated interruptions).
                ["ALTER TABLE \(request) ADD COLUMN marks integer NOT NULL DEFAULT 1"]
            ),
            (
                4,
                // The national language tables a long MO part's UDH named (NULL: the default table).
                [
                    "ALTER TABLE \(moPart) ADD COLUMN locking_shift integer",
                    "ALTER TABLE \(moPart) ADD COLUMN single_shift integer",
                ]
            ),
        ]
    }

    // MARK: - Requests

    var requestState: String {
        "SELECT completed, at, event_id, status, routing_key, body, marks FROM \(request) WHERE id = $1"
    }

    /// The states of several requests ($1 ids).
    var requestStates: String {
        "SELECT id, completed, at, event_id, status, routing_key, body, marks FROM \(request) WHERE id = ANY($1::text[])"
    }

    /// Begins several requests at once ($1 ids, distinct, $2 times). Returns `(id, prev_at, marks)` for each row it
    /// inserted (prev_at NULL: no earlier state) or refreshed (prev_at: the earlier in-flight time; marks counts this
    /// one); an id with no row back is
    /// completed (then read it). The row lock makes a concurrent begin of the same id in another instance wait for
    /// this one's commit and then see its mark.
    var beginRequests: String { beginUpsert(from: 1) }

    /// Completes several requests at once ($1–$8: ids (distinct), times, event ids, statuses, routing keys, bodies,
    /// whether each names its delivery's in-flight mark, and that mark): an outcome only lands on a row that is not
    /// completed and, when a mark is named, still holds that mark; a completion's correlations ($9–$20, the last
    /// array naming each row's request) only when its outcome landed. Returns the ids whose outcome landed.
    var completeRequests: String {
        """
        WITH done AS (
            \(completionUpsert(from: 1))
        ),
        c AS (
            \(insertCorrelations(from: 9, ownedBy: "done"))
        )
        SELECT id FROM done
        """
    }

    /// Begins ($1 ids, $2 times, as ``beginRequests``) and completes ($3–$10 and correlations $11–$22, as
    /// ``completeRequests``) several requests in one statement — one round trip and its own commit, where a
    /// transaction around the two statements takes four. The ids begun and completed must be distinct from each
    /// other (a statement may not change a row twice). Returns the begins' `(id, prev_at, marks, true)` rows and the
    /// landed completions' `(id, NULL, 0, false)` rows.
    var beginAndCompleteRequests: String {
        """
        WITH b AS (
            \(beginUpsert(from: 1))
        ),
        done AS (
            \(completionUpsert(from: 3))
        ),
        c AS (
            \(insertCorrelations(from: 11, ownedBy: "done"))
        )
        SELECT id, prev_at, marks, true FROM b
        UNION ALL SELECT id, NULL::float8, 0, false FROM done
        """
    }

    /// The begins' upsert from two arrays at parameter `first` (ids, times), returning `(id, prev_at, marks)`.
    private func beginUpsert(from first: Int) -> String {
        """
        INSERT INTO \(request) AS r (id, completed, at)
        SELECT id, false, at FROM unnest($\(first)::text[], $\(first + 1)::float8[]) AS u(id, at)
        ON CONFLICT (id) DO UPDATE SET prev_at = r.at, at = excluded.at, marks = r.marks + 1 WHERE NOT r.completed
        RETURNING id, prev_at, marks
        """
    }

    /// The outcomes' upsert from eight arrays at parameter `first`, returning the ids whose outcome landed. The
    /// completing delivery's mark travels in the proposed row's `prev_at` (the conflict condition sees only table
    /// columns); it is cleared on the row it completes.
    private func completionUpsert(from first: Int) -> String {
        let p = (0..<8).map { "$\(first + $0)" }
        return """
            INSERT INTO \(request) AS r (id, completed, at, event_id, status, routing_key, body, prev_at)
            SELECT id, true, at, e, s, k, b, CASE WHEN hm THEN m END
            FROM unnest(\(p[0])::text[], \(p[1])::float8[], \(p[2])::text[], \(p[3])::text[], \(p[4])::text[],
                        \(p[5])::bytea[], \(p[6])::bool[], \(p[7])::float8[]) AS u(id, at, e, s, k, b, hm, m)
            ON CONFLICT (id) DO UPDATE SET completed = true, at = excluded.at, prev_at = NULL,
                event_id = excluded.event_id, status = excluded.status, routing_key = excluded.routing_key,
                body = excluded.body
            WHERE NOT r.completed AND (excluded.prev_at IS NULL OR r.at = excluded.prev_at)
            RETURNING id
            """
    }

    // MARK: - Correlations

    /// One row per key from parallel arrays starting at parameter `first` (eleven, and a twelfth naming the owning
    /// request when `owner` names a CTE of landed request ids: rows of other requests are skipped). A secondary key
    /// never displaces the segment whose primary key it is (`ReceiptCorrelation.mayReplace`).
    func insertCorrelations(from first: Int, ownedBy owner: String? = nil) -> String {
        let p = (0..<12).map { "$\(first + $0)" }
        let ownerArray = owner == nil ? "" : ", \(p[11])::text[]"
        let ownerColumn = owner == nil ? "" : ", o"
        let condition = owner.map { "WHERE o IN (SELECT id FROM \($0))" } ?? ""
        return """
            INSERT INTO \(correlation) AS c
                (match_key, keys, message_id, request_id, segment, segments, to_address, from_address, metadata,
                 submitted_at)
            SELECT k, ks, m, r, s::integer, n::integer, t, f, CASE WHEN hm THEN md END, at
            FROM unnest(\(p[0])::text[], \(p[1])::text[], \(p[2])::text[], \(p[3])::text[], \(p[4])::int8[],
                        \(p[5])::int8[], \(p[6])::text[], \(p[7])::text[], \(p[8])::bool[], \(p[9])::bytea[],
                        \(p[10])::float8[]\(ownerArray)) AS u(k, ks, m, r, s, n, t, f, hm, md, at\(ownerColumn))
            \(condition)
            ON CONFLICT (match_key) DO UPDATE SET keys = excluded.keys, message_id = excluded.message_id,
                request_id = excluded.request_id, segment = excluded.segment, segments = excluded.segments,
                to_address = excluded.to_address, from_address = excluded.from_address, metadata = excluded.metadata,
                submitted_at = excluded.submitted_at
            WHERE position((octet_length(c.match_key) || ':' || c.match_key) IN c.keys) <> 1
                OR position((octet_length(excluded.match_key) || ':' || excluded.match_key) IN excluded.keys) = 1
            """
    }

    var correlationByKeys: String {
        """
        SELECT match_key, keys, message_id, request_id, segment, segments, to_address, from_address, metadata,
               submitted_at
        FROM \(correlation) WHERE match_key = ANY($1::text[])
        """
    }

    // MARK: - MO parts

    static let partColumns = """
        group_key, part_index, total, payload, data_coding, from_address, to_address, received_at, locking_shift, \
        single_shift
        """

    /// Serializes the writers of one group across instances until their transaction ends.
    var lockMOGroup: String {
        "SELECT pg_advisory_xact_lock(\(Self.lockClassMOGroup), hashtext($1))"
    }

    /// Adds (or replaces) the part and returns the whole group; the statement's snapshot is taken after the group
    /// lock, so it holds every part another instance committed before.
    var addMOPart: String {
        """
        WITH ins AS (
            INSERT INTO \(moPart) AS p (\(Self.partColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (group_key, part_index) DO UPDATE SET total = excluded.total, payload = excluded.payload,
                data_coding = excluded.data_coding, from_address = excluded.from_address,
                to_address = excluded.to_address, received_at = excluded.received_at,
                locking_shift = excluded.locking_shift, single_shift = excluded.single_shift
            RETURNING \(Self.partColumns)
        )
        SELECT \(Self.partColumns) FROM ins
        UNION ALL
        SELECT \(Self.partColumns) FROM \(moPart) WHERE group_key = $1 AND part_index <> $2
        ORDER BY part_index
        """
    }

    var releaseInFlight: String {
        "DELETE FROM \(request) WHERE id = $1 AND NOT completed AND at = $2"
    }

    /// Puts back an earlier count ($3 marks) on the mark set at $2.
    var restoreInFlight: String {
        "UPDATE \(request) SET marks = $3 WHERE id = $1 AND NOT completed AND at = $2"
    }

    /// Removes parts as read ($1 group keys, $2 indexes, $3 arrival times: one entry per part; a part stored again
    /// since has another arrival time and stays), the claims of their groups, and the MO id $5 remembered under key
    /// $4 (both null: none).
    var removeMOParts: String {
        """
        WITH claim AS (DELETE FROM \(moClaim) WHERE group_key = ANY($1::text[])),
        forgotten AS (DELETE FROM \(moUnconfirmed) WHERE key = $4::text AND event_id = $5::text)
        DELETE FROM \(moPart) AS p
        USING unnest($1::text[], $2::int8[], $3::float8[]) AS d(group_key, part_index, received_at)
        WHERE p.group_key = d.group_key AND p.part_index = d.part_index AND p.received_at = d.received_at
        """
    }

    /// The parts of group $1 in part order.
    var moGroup: String {
        "SELECT \(Self.partColumns) FROM \(moPart) WHERE group_key = $1 ORDER BY part_index"
    }

    var moGroups: String {
        """
        SELECT \(Self.partColumns) FROM \(moPart)
        WHERE group_key IN (SELECT group_key FROM \(moPart) WHERE received_at < $1)
        ORDER BY group_key, part_index
        """
    }

    /// Claims the due groups nobody holds ($1 cutoff, $2 claimed until, $3 now). A concurrent claim of the same group
    /// waits on its claim row and then finds it held: each group goes to exactly one caller.
    var claimMOGroups: String {
        """
        WITH due AS (SELECT DISTINCT group_key FROM \(moPart) WHERE received_at < $1),
        claimed AS (
            INSERT INTO \(moClaim) AS c (group_key, claimed_until)
            SELECT group_key, $2 FROM due
            ON CONFLICT (group_key) DO UPDATE SET claimed_until = excluded.claimed_until WHERE c.claimed_until <= $3
            RETURNING group_key
        )
        SELECT \(Self.partColumns) FROM \(moPart) WHERE group_key IN (SELECT group_key FROM claimed)
        ORDER BY group_key, part_index
        """
    }

    /// Request rows, correlation rows and the parts of whole MO groups older than $1, counted as SQLite counts.
    /// Remembers an unconfirmed MO's id ($1 key, $2 event id, $3 time), replacing an earlier one.
    var rememberUnconfirmedMO: String {
        """
        INSERT INTO \(moUnconfirmed) (key, event_id, at) VALUES ($1, $2, $3)
        ON CONFLICT (key) DO UPDATE SET event_id = excluded.event_id, at = excluded.at
        """
    }

    /// Takes the id remembered under $1: one statement, so of instances taking at once exactly one gets it.
    var takeUnconfirmedMO: String { "DELETE FROM \(moUnconfirmed) WHERE key = $1 RETURNING event_id, at" }

    /// The purge's statements, each deleting at most $2 rows and returning how many it deleted: requests completed
    /// before $1 or in flight since before $3, correlation rows and remembered MO ids older than $1. MO parts are not
    /// purged: the timeout sweep publishes every group, then removes it.
    var purgeChunks: [(sql: String, bindsMarkCutoff: Bool)] {
        [
            (Self.deleteChunk(from: request, key: "id", where: "(completed AND at < $1) OR (NOT completed AND at < $3)"), true),
            (Self.deleteChunk(from: correlation, key: "match_key", where: "submitted_at < $1"), false),
            (Self.deleteChunk(from: moUnconfirmed, key: "key", where: "at < $1"), false),
        ]
    }

    private static func deleteChunk(from table: String, key: String, where condition: String) -> String {
        """
        WITH d AS (DELETE FROM \(table) WHERE \(key) IN (SELECT \(key) FROM \(table) WHERE \(condition) LIMIT $2)
                   RETURNING 1)
        SELECT count(*)::int8 FROM d
        """
    }
}
