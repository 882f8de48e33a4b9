import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { RunResult } from '../journey/result-schema.js';
import { migratePostgres } from './migrations/postgres-migrations.js';
import { claimOutbox, claimTick, pruneTicks, type TickClaim } from './postgres-fleet.js';
import { markInFlightIn, OWNER_LOCK_NS, takeDeadInFlightIn, updateInFlightIn } from './postgres-in-flight.js';
import { insertOutboxIn, listOutboxIn, saveIn, updateOutboxIn } from './postgres-writes.js';
import type {
  AlertStateRecord,
  InFlightRun,
  JsonValue,
  OutboxChange,
  OutboxEntry,
  OutboxQuery,
  OutboxRecord,
  RetentionPolicy,
  RunQuery,
  RunStore,
  StoreBatch,
  UptimeCounts,
} from './run-store.js';

export interface PostgresStoreOptions {
  /** Called for a stored document that no longer validates; it is skipped. */
  onInvalid?: (runId: string, problem: string) => void;
  /** Idle-connection errors (a restarted server): logged, the pool reconnects on next use. */
  onError?: (err: Error) => void;
  /** This process's identity in `prober_in_flight.owner`. @defaultValue a random UUID */
  owner?: string;
  /** Connections in the pool (one holds the liveness lock, one an exclusive section). @defaultValue 6 */
  maxConnections?: number;
}

const DAY_MS = 86_400_000;
/** Advisory-lock namespace of `exclusive` sections (alert evaluation). */
const EXCLUSIVE_NS = 0x616c7274; // "alrt"

/**
 * The fleet store: every replica and location shares one Postgres. Same contract as the SQLite store (one shared
 * contract suite runs on both). Liveness of a replica is a session advisory lock it holds on its own id for as long
 * as it lives: when its process dies, Postgres drops the connection and the lock, and `takeInFlight` (on any
 * replica) can tell its markers from those of runs still going elsewhere.
 */
export class PostgresRunStore implements RunStore {
  readonly owner: string;
  private readonly pool: pg.Pool;
  private readonly onInvalid: NonNullable<PostgresStoreOptions['onInvalid']>;
  private lockClient: pg.PoolClient | undefined;

  private constructor(pool: pg.Pool, options: PostgresStoreOptions) {
    this.pool = pool;
    this.owner = options.owner ?? randomUUID();
    this.onInvalid = options.onInvalid ?? (() => undefined);
  }

  /** Connects, applies migrations and takes this replica's liveness lock; a bad URL or refused connection throws. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresRunStore> {
    // bigint columns come back as strings by default; every bigint here is a millisecond time that fits a double.
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 6,
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
      store.lockClient = await pool.connect();
      store.lockClient.on('error', (err) => options.onError?.(err));
      await store.lockClient.query('SELECT pg_advisory_lock($1, hashtext($2))', [OWNER_LOCK_NS, store.owner]);
    } catch (err) {
      store.lockClient?.release(true);
      await pool.end().catch(() => undefined);
      throw err;
    }
    return store;
  }

  private async tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async saveRun(result: RunResult): Promise<void> {
    await this.tx((c) => saveIn(c, result));
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

  async prune(policy: RetentionPolicy, now: Date = new Date()): Promise<number> {
    return this.tx(async (c) => {
      const old = await c.query('DELETE FROM prober_runs WHERE started_ms < $1', [
        now.getTime() - policy.maxAgeDays * DAY_MS,
      ]);
      const excess = await c.query(
        `DELETE FROM prober_runs WHERE run_id IN (
           SELECT run_id FROM (
             SELECT run_id, ROW_NUMBER() OVER (PARTITION BY journey ORDER BY started_ms DESC) AS rn FROM prober_journey_runs
           ) ranked WHERE rn > $1)`,
        [policy.maxRunsPerJourney],
      );
      await pruneTicks(c, now.getTime() - policy.maxAgeDays * DAY_MS);
      return (old.rowCount ?? 0) + (excess.rowCount ?? 0);
    });
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
    return this.tx((c) => takeDeadInFlightIn(c, this.owner));
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
    await this.tx(async (c) => {
      await c.query(
        `INSERT INTO prober_alert_state (key, state, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        [key, JSON.stringify(state), new Date().toISOString()],
      );
      for (const e of enqueue) await insertOutboxIn(c, { ...e, attempts: 0 });
    });
  }

  /** Runs, alert states and outbox rows in one transaction (see RunStore.commit); idempotent by run id and row id. */
  async commit(batch: StoreBatch): Promise<void> {
    await this.tx(async (c) => {
      for (const r of batch.runs ?? []) await saveIn(c, r);
      for (const a of batch.alertStates ?? []) {
        await c.query(
          `INSERT INTO prober_alert_state (key, state, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
          [a.key, JSON.stringify(a.state), a.updatedAt],
        );
      }
      for (const o of batch.outbox ?? []) await insertOutboxIn(c, o, { upsert: true });
      for (const { id, change } of batch.outboxChanges ?? []) await updateOutboxIn(c, this.owner, id, change);
    });
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

  /**
   * Fleet: `work` under a session advisory lock named `name`, held on its own connection (work uses others). A
   * replica that dies while holding it loses its connection and so the lock. Waits at most 10 s, then runs the work
   * anyway (a stuck replica must not stop the others' alerting), which the caller's log would show as a duplicate.
   */
  async exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let locked = false;
    try {
      await client.query("SET lock_timeout = '10s'");
      locked = await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [EXCLUSIVE_NS, name]).then(
        () => true,
        () => false,
      );
      return await work();
    } finally {
      if (locked)
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [EXCLUSIVE_NS, name]).catch(() => undefined);
      client.release();
    }
  }

  /** Fleet: leases an outbox row for one delivery attempt, so replicas never send the same row at once. */
  claimOutbox(id: string, leaseMs: number): Promise<boolean> {
    return claimOutbox(this.pool, this.owner, id, leaseMs);
  }

  /** Releases the liveness lock (this replica's markers become recoverable) and the pool. */
  async close(): Promise<void> {
    const lock = this.lockClient;
    if (lock === undefined) return;
    this.lockClient = undefined;
    await lock.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    lock.release();
    await this.pool.end();
  }
}
