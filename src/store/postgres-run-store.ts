import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { RunResult } from '../journey/result-schema.js';
import { migratePostgres } from './migrations/postgres-migrations.js';
import { type AlertLockResult, withAlertLocks } from './postgres-alert-locks.js';
import { commitBatch } from './postgres-batch.js';
import { claimOutbox, claimTick, type TickClaim } from './postgres-fleet.js';
import { markInFlightIn, takeDeadInFlightIn, updateInFlightIn } from './postgres-in-flight.js';
import { endLease, renewLease, startHeartbeat } from './postgres-liveness.js';
import { pruneClaims, pruneFleet } from './postgres-retention.js';
import { listOutboxIn, updateOutboxIn } from './postgres-writes.js';
import type {
  AlertLockScope,
  AlertStateRecord,
  InFlightRun,
  JsonValue,
  OutboxChange,
  OutboxEntry,
  OutboxQuery,
  OutboxRecord,
  RetentionPolicy,
  RunQuery,
  StateStore,
  StoreBatch,
  UptimeCounts,
} from './state-store.js';

export interface PostgresStoreOptions {
  /** Called for a stored document that no longer validates; it is skipped. */
  onInvalid?: (runId: string, problem: string) => void;
  /** Idle-connection errors (a restarted server): logged, the pool reconnects on next use. */
  onError?: (err: Error) => void;
  /** This process's identity in `prober_in_flight.owner`. @defaultValue a random UUID */
  owner?: string;
  /**
   * The replica's connection budget: the most connections it opens, whatever it does. Nothing holds a connection
   * between statements or transactions (no session locks), so 3 serve claims, alert evaluations and deliveries at
   * once, and the same number works through PgBouncer in transaction mode. @defaultValue 3
   */
  maxConnections?: number;
  /** How long an alert evaluation waits for its key's lock before it is left for the next run. @defaultValue 2000 */
  alertLockWaitMs?: number;
  /** The replica's location, kept with its liveness lease (operators' view of the fleet). */
  location?: string;
}

/** The default connection budget per replica (see PostgresStoreOptions.maxConnections). */
export const DEFAULT_MAX_CONNECTIONS = 3;

/**
 * The fleet store: every replica and location shares one Postgres. Same contract as the SQLite store (one shared
 * contract suite runs on both). Only transaction-scoped locks and row leases, never session state, so it runs
 * unchanged behind PgBouncer in transaction mode. Liveness of a replica is a lease row renewed by a heartbeat
 * (postgres-liveness.ts): `takeInFlight` (on any replica) tells a dead replica's markers from live runs by it.
 */
export class PostgresRunStore implements StateStore {
  readonly owner: string;
  private readonly pool: pg.Pool;
  private readonly onInvalid: NonNullable<PostgresStoreOptions['onInvalid']>;
  private readonly alertLockWaitMs: number;
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    pool: pg.Pool,
    private readonly options: PostgresStoreOptions,
  ) {
    this.pool = pool;
    this.owner = options.owner ?? randomUUID();
    this.onInvalid = options.onInvalid ?? (() => undefined);
    this.alertLockWaitMs = options.alertLockWaitMs ?? 2_000;
  }

  /** Connects, applies migrations and starts this replica's liveness lease; a bad URL or refused connection throws. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresRunStore> {
    // bigint columns come back as strings by default; every bigint here is a millisecond time that fits a double.
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
    pool.on('error', (err) => options.onError?.(err));
    const store = new PostgresRunStore(pool, options);
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client);
      } finally {
        client.release();
      }
      await renewLease(pool, store.owner, options.location);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    // Claims are pruned a bounded batch at a time by every replica, about every 20 s: their horizon is hours, and
    // 100 locations × 1,000 journeys add 100,000 a minute, more than an hourly prune could take in bounded batches.
    let beats = 0;
    store.heartbeat = startHeartbeat(
      async () => {
        await renewLease(pool, store.owner, options.location);
        if (++beats % 10 === 0) await pruneClaims(pool);
      },
      (err) => options.onError?.(err),
    );
    return store;
  }

  async saveRun(result: RunResult): Promise<void> {
    await commitBatch(this.pool, { runs: [result] }, this.owner);
  }

  async listRuns(query: RunQuery): Promise<RunResult[]> {
    const limit = Math.max(0, Math.floor(query.limit));
    const { rows } =
      query.journey === undefined
        ? await this.pool.query<{ run_id: string; document: string }>(
            'SELECT run_id, document FROM prober_runs ORDER BY started_ms DESC, seq DESC LIMIT $1',
            [limit],
          )
        : await this.pool.query<{ run_id: string; document: string }>(
            `SELECT r.run_id, r.document FROM prober_journey_runs j JOIN prober_runs r ON r.run_id = j.run_id
             WHERE j.journey = $1 ORDER BY j.started_ms DESC, r.seq DESC LIMIT $2`,
            [query.journey, limit],
          );
    const out: RunResult[] = [];
    for (const row of rows) {
      const parsed = RunResult.safeParse(JSON.parse(row.document));
      if (parsed.success) out.push(parsed.data);
      else this.onInvalid(row.run_id, parsed.error.issues[0]?.message ?? 'invalid document');
    }
    return out;
  }

  async listJourneys(): Promise<string[]> {
    const { rows } = await this.pool.query<{ journey: string }>(
      'SELECT DISTINCT journey FROM prober_journey_runs ORDER BY journey',
    );
    return rows.map((r) => r.journey);
  }

  async uptime(journey: string, since: Date): Promise<UptimeCounts> {
    const { rows } = await this.pool.query<{ up: string | null; down: string | null }>(
      `SELECT count(*) FILTER (WHERE status IN ('pass', 'degraded', 'flaky')) AS up, count(*) FILTER (WHERE status = 'fail') AS down
       FROM prober_journey_runs WHERE journey = $1 AND started_ms >= $2`,
      [journey, since.getTime()],
    );
    return { up: Number(rows[0]?.up ?? 0), down: Number(rows[0]?.down ?? 0) };
  }

  /** Retention in bounded batches (postgres-retention.ts): never one long transaction, never a lock on claims. */
  prune(policy: RetentionPolicy, now: Date = new Date()): Promise<number> {
    return pruneFleet(this.pool, policy, now.getTime());
  }

  // In-flight markers: the statements are in postgres-in-flight.ts.
  async markInFlight(marker: InFlightRun): Promise<void> {
    await markInFlightIn(this.pool, marker, this.owner);
  }

  async updateInFlight(runId: string, step: { name: string; service: string; timeoutMs: number }): Promise<void> {
    await updateInFlightIn(this.pool, runId, step);
  }

  /** Markers whose owner is dead, taken once (see takeDeadInFlightIn). */
  async takeInFlight(): Promise<InFlightRun[]> {
    return takeDeadInFlightIn(this.pool, this.owner);
  }

  async getAlertState(key: string): Promise<AlertStateRecord | undefined> {
    const { rows } = await this.pool.query<{ key: string; state: JsonValue; updated_at: string }>(
      'SELECT key, state, updated_at FROM prober_alert_state WHERE key = $1',
      [key],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : { key: row.key, raw: JSON.stringify(row.state), state: row.state, updatedAt: row.updated_at };
  }

  async listAlertStateKeys(prefix: string): Promise<string[]> {
    // left(), not LIKE: a key may contain `%` or `_`.
    const { rows } = await this.pool.query<{ key: string }>(
      'SELECT key FROM prober_alert_state WHERE left(key, $1) = $2 ORDER BY key',
      [prefix.length, prefix],
    );
    return rows.map((r) => r.key);
  }

  async quarantineAlertState(key: string, reason: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO prober_alert_state_quarantine (key, state, updated_at, reason, quarantined_at) SELECT key, state::text, updated_at, $1, $2 FROM prober_alert_state WHERE key = $3',
      [reason, new Date().toISOString(), key],
    );
  }

  async putAlertState(key: string, state: JsonValue, enqueue: readonly OutboxEntry[] = []): Promise<void> {
    const batch = {
      alertStates: [{ key, state, updatedAt: new Date().toISOString() }],
      outbox: enqueue.map((e) => ({ ...e, attempts: 0 })),
    };
    await commitBatch(this.pool, batch, this.owner, { newOutbox: true });
  }

  /** Runs, alert states and outbox rows in ONE statement (postgres-batch.ts): atomic, one round trip. */
  async commit(batch: StoreBatch): Promise<void> {
    await commitBatch(this.pool, batch, this.owner);
  }

  /** Fleet: alert evaluation under per-key transaction-scoped locks (postgres-alert-locks.ts). */
  withAlertLocks<T>(keys: readonly string[], work: (scope: AlertLockScope) => Promise<T>): Promise<AlertLockResult<T>> {
    return withAlertLocks(this.pool, this.owner, keys, this.alertLockWaitMs, work);
  }

  listOutbox(query: OutboxQuery): Promise<OutboxRecord[]> {
    return listOutboxIn(this.pool, query);
  }

  async updateOutbox(id: string, change: OutboxChange): Promise<void> {
    await updateOutboxIn(this.pool, this.owner, id, change);
  }

  /** Fleet: true for exactly one replica per scheduled tick (see postgres-fleet.ts for why a unique row). */
  claimTick(tick: TickClaim): Promise<boolean> {
    return claimTick(this.pool, this.owner, tick);
  }

  /** Fleet: one row per journey and location (prober_series, kept by every run's write), whichever replica ran it. */
  async latestByLocation(): Promise<
    { environment: string; journey: string; location: string; status: string; startedMs: number }[]
  > {
    const { rows } = await this.pool.query<{
      environment: string;
      journey: string;
      location: string;
      last_status: string;
      last_started_ms: string;
    }>('SELECT environment, journey, location, last_status, last_started_ms FROM prober_series');
    return rows.map((r) => ({
      environment: r.environment,
      journey: r.journey,
      location: r.location === '' ? 'default' : r.location,
      status: r.last_status,
      startedMs: Number(r.last_started_ms),
    }));
  }

  /** Fleet: leases an outbox row for one delivery attempt, so replicas never send the same row at once. */
  claimOutbox(id: string, leaseMs: number): Promise<boolean> {
    return claimOutbox(this.pool, this.owner, id, leaseMs);
  }

  /** Ends the liveness lease (this replica's markers become recoverable at once) and the pool. */
  async close(): Promise<void> {
    const heartbeat = this.heartbeat;
    if (heartbeat === undefined) return;
    this.heartbeat = undefined;
    clearInterval(heartbeat);
    await endLease(this.pool, this.owner).catch((err: unknown) =>
      this.options.onError?.(err instanceof Error ? err : new Error(String(err))),
    );
    await this.pool.end();
  }
}
