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
            // A run: its job, its caps and what it has spent, its token bucket, its verdict and
            // the counts its thresholds judge (`recent`: the sliding window's last outcomes,
            // '1' a success, '0' a failure). Amounts in picodollars (Vigil's exact unit); times
            // from the server's clock.
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
                judged bigint NOT NULL DEFAULT 0,
                succeeded bigint NOT NULL DEFAULT 0,
                consecutive_failures bigint NOT NULL DEFAULT 0,
                recent text NOT NULL DEFAULT '',
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
            // The rules run in the server, one call each: the run's row is locked only while the
            // function runs, not across a client's round trips (with a transaction of five
            // statements, 8 shards got 300 reservations a second; see Benchmarks/Coordinator).
            // The row is locked first in every function, so they never wait on each other in
            // a cycle.
            """
            CREATE FUNCTION vigil_reserve(p_run text, p_shard text, p_cost bigint, p_tokens bigint,
                p_lease double precision) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE
                run vigil_runs%ROWTYPE;
                held_cost bigint;
                held_tokens bigint;
                granted bigint;
            BEGIN
                SELECT * INTO run FROM vigil_runs WHERE run_id = p_run FOR UPDATE;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'run % is not at the coordinator (was it pruned?)', p_run;
                END IF;
                SELECT coalesce(sum(cost_pico), 0), coalesce(sum(tokens), 0) INTO held_cost, held_tokens
                    FROM vigil_reservations WHERE run_id = p_run AND expires_at > clock_timestamp();
                -- 0: it cannot fit even once every reservation has ended (spend only grows).
                IF (run.max_cost_pico IS NOT NULL AND run.spent_pico + p_cost > run.max_cost_pico)
                    OR (run.max_tokens IS NOT NULL AND run.spent_tokens + p_tokens > run.max_tokens) THEN
                    RETURN 0;
                END IF;
                -- NULL: not now; it may once reservations in flight have ended.
                IF run.max_cost_pico IS NOT NULL AND run.spent_pico + held_cost + p_cost > run.max_cost_pico THEN
                    RETURN NULL;
                END IF;
                IF run.max_tokens IS NOT NULL AND run.spent_tokens + held_tokens + p_tokens > run.max_tokens THEN
                    RETURN NULL;
                END IF;
                INSERT INTO vigil_reservations (run_id, shard, cost_pico, tokens, expires_at)
                    VALUES (p_run, p_shard, p_cost, p_tokens, clock_timestamp() + make_interval(secs => p_lease))
                    RETURNING id INTO granted;
                RETURN granted;
            END $$
            """,
            """
            CREATE FUNCTION vigil_settle(p_run text, p_id bigint, p_cost bigint, p_tokens bigint)
                RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM 1 FROM vigil_runs WHERE run_id = p_run FOR UPDATE;
                DELETE FROM vigil_reservations WHERE id = p_id;
                UPDATE vigil_runs SET spent_pico = spent_pico + p_cost, spent_tokens = spent_tokens + p_tokens,
                    updated_at = clock_timestamp() WHERE run_id = p_run;
            END $$
            """,
            // A reservation's lease made new, for a request about to be sent after a long wait
            // (the breaker, the bucket): only while it still holds (false: it has run out, and
            // what it held may be another's now; reserve again). Under the run's lock, so a
            // reservation counted by a concurrent vigil_reserve is never renewed unseen.
            """
            CREATE FUNCTION vigil_renew(p_run text, p_id bigint, p_lease double precision)
                RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM 1 FROM vigil_runs WHERE run_id = p_run FOR UPDATE;
                UPDATE vigil_reservations SET expires_at = clock_timestamp() + make_interval(secs => p_lease)
                    WHERE id = p_id AND run_id = p_run AND expires_at > clock_timestamp();
                RETURN FOUND;
            END $$
            """,
            // The token bucket of one process's RateLimiter: refill, take one ahead, say how
            // long to wait for it (NULL: the run has no rate limit).
            """
            CREATE FUNCTION vigil_take_token(p_run text) RETURNS double precision LANGUAGE plpgsql AS $$
            DECLARE
                run vigil_runs%ROWTYPE;
                left_over double precision;
            BEGIN
                SELECT * INTO run FROM vigil_runs WHERE run_id = p_run FOR UPDATE;
                IF NOT FOUND OR run.rate_per_second IS NULL THEN
                    RETURN NULL;
                END IF;
                left_over := least(run.bucket_capacity, run.bucket_tokens
                    + greatest(0, extract(epoch FROM clock_timestamp() - run.bucket_at)) * run.rate_per_second) - 1;
                UPDATE vigil_runs SET bucket_tokens = left_over, bucket_at = clock_timestamp(),
                    updated_at = clock_timestamp() WHERE run_id = p_run;
                RETURN CASE WHEN left_over >= 0 THEN 0 ELSE -left_over / run.rate_per_second END;
            END $$
            """,
            // One more judged outcome in the run's counts; returns them, the window's before
            // and after, so the shard whose outcome crosses a threshold is the one that judges it.
            """
            CREATE FUNCTION vigil_judge(p_run text, p_success boolean, p_window integer,
                OUT o_judged bigint, OUT o_succeeded bigint, OUT o_consecutive_failures bigint,
                OUT o_window_successes integer, OUT o_window_filled integer,
                OUT o_window_successes_before integer, OUT o_window_filled_before integer)
                LANGUAGE plpgsql AS $$
            DECLARE
                run vigil_runs%ROWTYPE;
                now_recent text;
            BEGIN
                SELECT * INTO run FROM vigil_runs WHERE run_id = p_run FOR UPDATE;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'run % is not at the coordinator (was it pruned?)', p_run;
                END IF;
                o_window_filled_before := length(run.recent);
                o_window_successes_before := length(replace(run.recent, '0', ''));
                now_recent := CASE WHEN p_window > 0
                    THEN right(run.recent || CASE WHEN p_success THEN '1' ELSE '0' END, p_window) ELSE '' END;
                o_judged := run.judged + 1;
                o_succeeded := run.succeeded + CASE WHEN p_success THEN 1 ELSE 0 END;
                o_consecutive_failures := CASE WHEN p_success THEN 0 ELSE run.consecutive_failures + 1 END;
                o_window_filled := length(now_recent);
                o_window_successes := length(replace(now_recent, '0', ''));
                UPDATE vigil_runs SET judged = o_judged, succeeded = o_succeeded,
                    consecutive_failures = o_consecutive_failures, recent = now_recent,
                    updated_at = clock_timestamp() WHERE run_id = p_run;
            END $$
            """,
        ]
    ]
}
