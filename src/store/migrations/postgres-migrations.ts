import type { ClientBase } from 'pg';

/**
 * Versioned Postgres schema, applied in order inside one transaction each and recorded in
 * `prober_schema_migrations`. Append only: a released migration is never edited, a change is a new version.
 * Every table is prefixed `prober_` so the store can share a database with other things.
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'runs, in-flight markers, alert state, outbox',
    sql: `
    CREATE TABLE prober_runs (
      run_id      text PRIMARY KEY,
      seq         bigserial NOT NULL,          -- insertion order, the tie-break for equal start times
      environment text NOT NULL,
      location    text,
      started_ms  bigint NOT NULL,
      status      text NOT NULL,
      document    text NOT NULL               -- the redacted prober.run/v1 document, verbatim (jsonb would reorder keys)
    );
    CREATE INDEX prober_runs_by_time ON prober_runs (started_ms DESC);

    CREATE TABLE prober_journey_runs (
      run_id      text NOT NULL REFERENCES prober_runs (run_id) ON DELETE CASCADE,
      journey     text NOT NULL,
      location    text,
      status      text NOT NULL,
      started_ms  bigint NOT NULL,
      duration_ms double precision NOT NULL,
      category    text,
      PRIMARY KEY (run_id, journey)
    );
    CREATE INDEX prober_journey_runs_by_time ON prober_journey_runs (journey, started_ms DESC);

    CREATE TABLE prober_step_results (
      run_id      text NOT NULL REFERENCES prober_runs (run_id) ON DELETE CASCADE,
      journey     text NOT NULL,
      ordinal     integer NOT NULL,
      step        text NOT NULL,
      service     text NOT NULL,
      status      text NOT NULL,
      duration_ms double precision NOT NULL,
      category    text,
      PRIMARY KEY (run_id, journey, ordinal)
    );

    -- owner: the replica running it. A replica holds a session advisory lock on its id for its whole life, so a
    -- marker whose owner's lock is free belongs to a dead process (see PostgresRunStore.takeInFlight).
    CREATE TABLE prober_in_flight (
      run_id      text PRIMARY KEY,
      journey     text NOT NULL,
      environment text NOT NULL,
      started_at  text NOT NULL,
      step        jsonb,
      owner       text NOT NULL
    );

    CREATE TABLE prober_alert_state (
      key         text PRIMARY KEY,
      state       jsonb NOT NULL,
      updated_at  text NOT NULL
    );

    CREATE TABLE prober_outbox (
      id              text PRIMARY KEY,
      seq             bigserial NOT NULL,      -- FIFO per alert key
      channel         text NOT NULL,
      alert_key       text NOT NULL,
      payload         jsonb NOT NULL,
      created_ms      bigint NOT NULL,
      attempts        integer NOT NULL DEFAULT 0,
      next_attempt_ms bigint NOT NULL,
      delivered_ms    bigint,
      dead_reason     text,
      last_error      text
    );
    CREATE INDEX prober_outbox_pending ON prober_outbox (seq) WHERE delivered_ms IS NULL AND dead_reason IS NULL;
    `,
  },
  {
    version: 2,
    name: 'alert states the prober could not read, kept aside',
    sql: `
    CREATE TABLE prober_alert_state_quarantine (
      key            text NOT NULL,
      state          text NOT NULL,
      updated_at     text NOT NULL,
      reason         text NOT NULL,
      quarantined_at text NOT NULL
    );
    `,
  },
  {
    version: 3,
    name: 'fleet: one claimed row per scheduled tick, outbox delivery leases',
    sql: `
    -- A tick of a journey in a location runs on exactly one replica: the replica that inserts this row.
    CREATE TABLE prober_scheduled_runs (
      environment text NOT NULL,
      location    text NOT NULL,
      journey     text NOT NULL,
      slot_ms     bigint NOT NULL,
      run_id      text NOT NULL,
      owner       text NOT NULL,
      claimed_ms  bigint NOT NULL,
      PRIMARY KEY (environment, location, journey, slot_ms)
    );
    -- A delivery attempt is leased to one replica; a lease that runs out (its replica died mid-attempt) lets
    -- another replica deliver the same row, with the same id (webhook-id).
    ALTER TABLE prober_outbox ADD COLUMN lease_owner text, ADD COLUMN lease_until_ms bigint;
    `,
  },
  {
    version: 4,
    name: 'fleet: the location of an in-flight run',
    sql: `
    -- Which location a run of a dead replica was judging, for its aborted record.
    ALTER TABLE prober_in_flight ADD COLUMN location text;
    `,
  },
  {
    version: 5,
    name: 'fleet at scale: replica leases, claims by slot, one row per journey and location',
    sql: `
    -- Liveness without a session: a replica renews its lease; a marker whose owner's lease ran out is recoverable.
    CREATE TABLE prober_replicas (
      owner          text PRIMARY KEY,
      location       text,
      started_ms     bigint NOT NULL,
      lease_until_ms bigint NOT NULL
    );
    -- Claims are pruned by age on a horizon of hours.
    CREATE INDEX prober_scheduled_runs_by_slot ON prober_scheduled_runs (slot_ms);
    -- Each journey in each location: its latest result (whichever replica ran it), for the fleet's location
    -- health, and the unit of count retention. location '' is "no location" (a primary key cannot hold NULL).
    CREATE TABLE prober_series (
      environment     text NOT NULL,
      journey         text NOT NULL,
      location        text NOT NULL,
      last_run_id     text NOT NULL,
      last_status     text NOT NULL,
      last_started_ms bigint NOT NULL,
      PRIMARY KEY (environment, journey, location)
    );
    INSERT INTO prober_series
      SELECT DISTINCT ON (r.environment, j.journey, coalesce(j.location, ''))
        r.environment, j.journey, coalesce(j.location, ''), j.run_id, j.status, j.started_ms
      FROM prober_journey_runs j JOIN prober_runs r USING (run_id)
      ORDER BY r.environment, j.journey, coalesce(j.location, ''), j.started_ms DESC;
    CREATE INDEX prober_journey_runs_by_series ON prober_journey_runs (journey, (coalesce(location, '')), started_ms DESC);
    `,
  },
];

/** Session-independent key of the migration lock: replicas starting together apply each migration once. */
const MIGRATION_LOCK = 0x70726f62; // "prob"

/** Brings the schema up to date; refuses a database written by a newer prober. Returns the version now in force. */
export async function migratePostgres(client: ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS prober_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM prober_schema_migrations');
    const current = rows[0]?.v ?? 0;
    const latest = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;
    if (current > latest)
      throw new Error(`the state store was written by a newer prober (schema ${current}, this prober knows ${latest})`);
    for (const m of POSTGRES_MIGRATIONS.filter((x) => x.version > current)) {
      await client.query(m.sql);
      await client.query('INSERT INTO prober_schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await client.query('COMMIT');
    return latest;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
