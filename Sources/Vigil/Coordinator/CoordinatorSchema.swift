/// The coordinator's tables, versioned: `vigil_coordinator_schema` holds the version the
/// tables are at. Every Vigil migrates an older version on first use (under an advisory lock,
/// so shards starting together do it once) and refuses a newer one: two Vigil versions on one
/// server either agree or say so.
enum CoordinatorSchema {
    /// The version this Vigil writes and reads.
    static let version = 1

    /// A number for `pg_advisory_xact_lock`: one migration at a time on a server.
    static let migrationLock: Int64 = 0x5669_6769_6C31  // "Vigil1"

    static let versionTable = "CREATE TABLE IF NOT EXISTS vigil_coordinator_schema (version integer NOT NULL)"

    /// What takes version n-1 to n, in order (index 0: from nothing to 1).
    static let migrations: [[String]] = [
        [
            // A run: its job, its caps and what it has spent, its token bucket, its verdict.
            // Amounts in picodollars (Vigil's exact unit); times from the server's clock.
            """
            CREATE TABLE vigil_runs (
                run_id text PRIMARY KEY,
                job_sha256 text NOT NULL,
                max_cost_pico bigint,
                max_tokens bigint,
                spent_pico bigint NOT NULL DEFAULT 0,
                spent_tokens bigint NOT NULL DEFAULT 0,
                rate_per_second double precision,
                bucket_capacity double precision,
                bucket_tokens double precision,
                bucket_at timestamptz,
                verdict text,
                verdict_shard text,
                verdict_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """,
            // A request's reservation: it counts against the caps until it is settled or its
            // lease runs out (a shard killed with kill -9 settles nothing).
            """
            CREATE TABLE vigil_reservations (
                id bigserial PRIMARY KEY,
                run_id text NOT NULL REFERENCES vigil_runs ON DELETE CASCADE,
                shard text NOT NULL,
                cost_pico bigint NOT NULL,
                tokens bigint NOT NULL,
                expires_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX vigil_reservations_run ON vigil_reservations (run_id, expires_at)",
        ]
    ]
}
