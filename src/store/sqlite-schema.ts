import type { Database } from 'better-sqlite3';

/**
 * Schema versions, applied in order and recorded in `user_version`, so an old state file is upgraded in place
 * instead of being thrown away with its history.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    run_id      TEXT PRIMARY KEY,
    environment TEXT NOT NULL,
    started_ms  INTEGER NOT NULL,
    status      TEXT NOT NULL,
    document    TEXT NOT NULL            -- the redacted prober.run/v1 document, verbatim
  );
  CREATE INDEX runs_by_time ON runs (started_ms DESC);

  CREATE TABLE journey_runs (
    run_id      TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    journey     TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_ms  INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    category    TEXT,
    PRIMARY KEY (run_id, journey)
  );
  CREATE INDEX journey_runs_by_time ON journey_runs (journey, started_ms DESC);

  -- Queryable step history (latency and failure statistics without parsing documents).
  CREATE TABLE step_results (
    run_id      TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    journey     TEXT NOT NULL,
    ordinal     INTEGER NOT NULL,
    step        TEXT NOT NULL,
    service     TEXT NOT NULL,
    status      TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    category    TEXT,
    PRIMARY KEY (run_id, journey, ordinal)
  );

  CREATE TABLE in_flight (
    run_id      TEXT PRIMARY KEY,
    journey     TEXT NOT NULL,
    environment TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    step        TEXT                     -- JSON {name, service, timeoutMs} of the step running now
  );

  CREATE TABLE alert_state (
    key         TEXT PRIMARY KEY,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  );

  -- Notifications are written here before the first delivery attempt, so a receiver that is down or a restart
  -- of the prober redelivers them with the same id.
  CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    delivered_ms    INTEGER,
    dead_reason     TEXT
  );
  CREATE INDEX outbox_due ON outbox (delivered_ms, next_attempt_ms);
  `,
  // Alerting: per-key FIFO needs the alert key; the last error explains a dead letter.
  `
  ALTER TABLE outbox ADD COLUMN alert_key TEXT NOT NULL DEFAULT '';
  ALTER TABLE outbox ADD COLUMN last_error TEXT;
  `,
  // Alert states the prober could not read are kept here, never dropped: they may hold an open incident.
  `
  CREATE TABLE alert_state_quarantine (
    key            TEXT NOT NULL,
    state          TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    reason         TEXT NOT NULL,
    quarantined_at TEXT NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** WAL: readers (the status page, `prober report`) never block the writer, and a SIGKILL loses no committed run. */
export function prepareDatabase(db: Database, busyTimeoutMs = 5_000): void {
  // better-sqlite3 waits for a lock synchronously, freezing the event loop: the daemon passes a few ms and retries
  // asynchronously instead (resilient-store.ts); readers such as `prober report` can afford to wait.
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last transactions.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `the state store was written by a newer prober (schema ${current}, this prober knows ${SCHEMA_VERSION})`,
    );
  }
  if (current === SCHEMA_VERSION) return;
  const upgrade = db.transaction(() => {
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] ?? '');
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  upgrade.immediate();
}
