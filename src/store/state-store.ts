import type { RunResult } from '../journey/result-schema.js';

/**
 * The state store: one database holding five kinds of state, each its own interface below, so a reader sees which
 * concern a method belongs to and code that needs one concern can say so in its types. The scheduler, `prober run
 * --store`, alerting and the status page talk only to these interfaces, so a shared store (Postgres) is another
 * implementation, not a change to the runner. Results given to `saveRun` are already redacted.
 */
export interface StateStore extends RunHistoryStore, InFlightMarkers, AlertStateStore, AlertOutbox, FleetCoordination {
  /**
   * Writes runs, alert states and outbox rows (new, or changed since they were written) in ONE transaction: a
   * crash keeps all of a batch or none of it, so a run and the alert-state step it caused can never be split.
   * Runs are idempotent by `runId` and outbox rows by `id`, so replaying a batch after a failure writes nothing twice.
   */
  commit(batch: StoreBatch): Promise<void>;
  /**
   * Throws when the store can no longer be trusted with writes although they would appear to succeed (the SQLite
   * file was deleted or replaced under the open handle). Optional: a network store has nothing to check here.
   */
  check?(): Promise<void>;
  /** Best effort to make a store that failed `check` usable again (recreate the directory, copy what is still open). */
  repair?(): Promise<void>;

  /** Makes everything durable (WAL checkpoint) and releases the database. */
  close(): Promise<void>;
}

/** The run history: every finished run, what the status page, `prober report` and retention read. */
export interface RunHistoryStore {
  /** Records a finished run (idempotent by `runId`: saving the same run twice keeps one copy) and clears its in-flight marker. */
  saveRun(result: RunResult): Promise<void>;
  /** Newest first; every document is re-validated against the `prober.run/v1` schema on the way out. */
  listRuns(query: RunQuery): Promise<RunResult[]>;
  /** Journey names with at least one stored run, sorted. */
  listJourneys(): Promise<string[]>;
  /** Judged runs since `since`: pass/degraded/flaky count as up, fail as down; `error` (could not judge) is not counted. */
  uptime(journey: string, since: Date): Promise<UptimeCounts>;
  /** Deletes runs older than the age limit and beyond the per-journey count limit; returns how many runs went. */
  prune(policy: RetentionPolicy, now?: Date): Promise<number>;
}

/** Runs in progress, so a run cut short by SIGKILL is found at the next start and recorded as aborted. */
export interface InFlightMarkers {
  /** Written when a run starts. */
  markInFlight(marker: InFlightRun): Promise<void>;
  /** Progress of an in-flight run: the step that is running now. */
  updateInFlight(runId: string, step: { name: string; service: string; timeoutMs: number }): Promise<void>;
  /** Returns and removes the markers of runs that never finished (their process died). */
  takeInFlight(): Promise<InFlightRun[]>;
}

/** Per-journey alert state, kept as the alert code wrote it (the store does not interpret it). */
export interface AlertStateStore {
  /** The stored text as written; the alert code reads (and upgrades) its format. */
  getAlertState(key: string): Promise<AlertStateRecord | undefined>;
  /** Keys starting with `prefix` (e.g. `staging:`), sorted. */
  listAlertStateKeys(prefix: string): Promise<string[]>;
  /** Copies an unreadable state aside (never deleted by the prober), so the key can start afresh without losing it. */
  quarantineAlertState(key: string, reason: string): Promise<void>;
  /** Stores alert state and, in the same transaction, the notifications it caused: a crash keeps both or neither. */
  putAlertState(key: string, state: JsonValue, enqueue?: readonly OutboxEntry[]): Promise<void>;
}

/** The durable outbox of notifications, written before their first delivery attempt. */
export interface AlertOutbox {
  /** Outbox rows in insertion order (which is each key's FIFO order). */
  listOutbox(query: OutboxQuery): Promise<OutboxRecord[]>;
  /** Records the outcome of a delivery attempt on one row. */
  updateOutbox(id: string, change: OutboxChange): Promise<void>;
}

/**
 * What replicas sharing one store (Postgres) agree through it: tick claims, alert locks, outbox leases, the latest
 * run per location. Every method is optional: a store one process uses (SQLite) has none, and each caller then
 * behaves as the only process.
 */
export interface FleetCoordination {
  /**
   * Fleet (a store shared by replicas): true for exactly one caller per scheduled tick of a journey in a location.
   * Absent on a store only one process uses (SQLite): every tick is this process's.
   */
  claimTick?(tick: {
    environment: string;
    location: string;
    journey: string;
    slotMs: number;
    runId: string;
  }): Promise<boolean>;
  /**
   * Fleet: alert state read → evaluate → write under locks on `keys` (environment + journey), held until the write
   * commits; `{ locked: false }` when another replica holds one past the store's wait bound (evaluate again on the
   * next run; never go on unlocked). Absent: one process, the caller's own ordering is enough.
   */
  withAlertLocks?<T>(
    keys: readonly string[],
    work: (scope: AlertLockScope) => Promise<T>,
  ): Promise<{ locked: true; value: T } | { locked: false }>;
  /** Fleet: the latest run of each journey in each location, whichever replica ran it (location health). */
  latestByLocation?(): Promise<
    { environment: string; journey: string; location: string; status: string; startedMs: number }[]
  >;
  /** Fleet: leases an outbox row for one delivery attempt; false while another replica's lease on it runs. */
  claimOutbox?(id: string, leaseMs: number): Promise<boolean>;
}

/** What alert evaluation sees inside `withAlertLocks`. */
export interface AlertLockScope {
  /** The states of `keys` as committed now (read after the locks were taken). */
  read(keys: readonly string[]): Promise<Map<string, AlertStateRecord>>;
  /** One more key's lock, without waiting: false when another replica holds it now. */
  tryLock(key: string): Promise<boolean>;
  /** The batch the transaction writes; committed with it (and the locks released) when the work returns. */
  write(batch: StoreBatch): void;
}

/** An alert state to write: the parsed value, stored as JSON text. */
export interface AlertStateWrite {
  key: string;
  state: JsonValue;
  updatedAt: string;
}

/** One atomic write: see `StateStore.commit`. Runs are written in array order. */
export interface StoreBatch {
  runs?: readonly RunResult[] | undefined;
  alertStates?: readonly AlertStateWrite[] | undefined;
  /** Rows inserted, or updated to these values when the id exists (a row held in memory and delivered meanwhile). */
  outbox?: readonly OutboxRecord[] | undefined;
  /** Changes to rows already in the store. */
  outboxChanges?: readonly { id: string; change: OutboxChange }[] | undefined;
}

export interface RunQuery {
  /** Only runs that include this journey; all runs when omitted. */
  journey?: string | undefined;
  limit: number;
}

export interface UptimeCounts {
  up: number;
  down: number;
}

/** Retention by age and by count, whichever removes more. */
export interface RetentionPolicy {
  maxAgeDays: number;
  maxRunsPerJourney: number;
}

export interface InFlightRun {
  runId: string;
  journey: string;
  environment: string;
  startedAt: string;
  step?: { name: string; service: string; timeoutMs: number } | undefined;
  /** Fleet: the location of the replica running it (kept by the Postgres store). */
  location?: string | undefined;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AlertStateRecord {
  key: string;
  /** The stored text, which may not even be JSON (hand-edited, truncated, from another prober). */
  raw: string;
  /** `raw` parsed, or undefined when it is not JSON. */
  state: JsonValue | undefined;
  updatedAt: string;
}

/**
 * A notification for one channel, written before its first delivery attempt: a receiver that is down, or a killed
 * prober, loses nothing, and a retry keeps the same id.
 */
export interface OutboxEntry {
  /** The delivery id: the same on every attempt (`webhook-id`). */
  id: string;
  channel: string;
  /** Deliveries with the same channel and key go out in order. */
  alertKey: string;
  payload: JsonValue;
  createdMs: number;
  nextAttemptMs: number;
}

export interface OutboxRecord extends OutboxEntry {
  attempts: number;
  deliveredMs?: number | undefined;
  deadReason?: string | undefined;
  lastError?: string | undefined;
  /** Fleet: a delivery attempt of this row is in flight on some replica until then (its lease); read-only. */
  leaseUntilMs?: number | undefined;
}

export type OutboxChange = Pick<
  OutboxRecord,
  'attempts' | 'nextAttemptMs' | 'deliveredMs' | 'deadReason' | 'lastError'
>;

export interface OutboxQuery {
  /** pending: neither delivered nor dead-lettered. */
  status: 'pending' | 'delivered' | 'dead' | 'all';
  limit: number;
}
