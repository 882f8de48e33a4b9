import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openSqlite, statementCache, type SqliteDatabase, type SqliteStatement } from './load-sqlite.js';
import { RunResult } from '../journey/result-schema.js';
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
  StateStore,
  StoreBatch,
  UptimeCounts,
} from './state-store.js';
import * as alertTables from './sqlite-alert-tables.js';
import { batchWriter } from './sqlite-batch.js';
import { prepareDatabase } from './sqlite-schema.js';

export interface SqliteStoreOptions {
  /** Called for a stored document that no longer validates (hand-edited, or from another schema); it is skipped. */
  onInvalid?: (runId: string, problem: string) => void;
  /** How long one statement may wait for another process's lock, synchronously. @defaultValue 5000 */
  busyTimeoutMs?: number;
  /** How long opening (and upgrading the schema) may wait for a lock, synchronously. @defaultValue 5000 */
  openBusyTimeoutMs?: number;
}

type Row<T> = T | undefined;
const DAY_MS = 86_400_000;

/** The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous; the async interface is for other stores. */
export class SqliteRunStore implements StateStore {
  private db: SqliteDatabase;
  private readonly file: string;
  private readonly busyTimeoutMs: number;
  private readonly openBusyTimeoutMs: number | undefined;
  private readonly onInvalid: NonNullable<SqliteStoreOptions['onInvalid']>;
  private write: (batch: StoreBatch) => void;
  /** The file this handle has open: a path that now names another file (or none) means the store was deleted. */
  private identity: { dev: number; ino: number };

  /** Statements prepared once per connection: a scheduled run updates its in-flight marker at every step. */
  private prepared: (sql: string) => SqliteStatement;
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.file = resolve(path);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    this.openBusyTimeoutMs = options.openBusyTimeoutMs;
    this.onInvalid = options.onInvalid ?? (() => undefined);
    mkdirSync(dirname(this.file), { recursive: true });
    this.db = this.open();
    this.prepared = statementCache(this.db);
    this.write = batchWriter(this.db);
    this.identity = fileIdentity(this.file);
  }

  private open(): SqliteDatabase {
    const db = openSqlite(this.file);
    try {
      // Opening (and upgrading the schema) may wait for a lock like any reader; the short timeout is for run time.
      prepareDatabase(db, this.openBusyTimeoutMs);
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`);
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  }

  /** Where the database file is (for messages and `/healthz`). */
  get path(): string {
    return this.file;
  }

  /** The journal mode in force, for tests and `prober validate`-style diagnostics. */
  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  async saveRun(result: RunResult): Promise<void> {
    this.write({ runs: [result] });
  }

  async commit(batch: StoreBatch): Promise<void> {
    this.write(batch);
  }

  /**
   * SQLite keeps writing to a deleted file through the open handle, so a deleted directory looks healthy while every
   * run goes nowhere. Comparing the path's inode with the one opened finds it on the next write.
   */
  async check(): Promise<void> {
    let now: { dev: number; ino: number } | undefined;
    try {
      now = fileIdentity(this.file);
    } catch (err) {
      throw new Error(
        `${this.file} is gone (deleted while the prober had it open: ${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
    if (now.dev !== this.identity.dev || now.ino !== this.identity.ino)
      throw new Error(`${this.file} was replaced by another file while the prober had it open`);
  }

  /**
   * After `check` failed: recreates the directory and copies everything the still-open handle can read (VACUUM INTO)
   * to the path, then switches to it. A file someone put there instead is adopted as it is, never overwritten.
   */
  async repair(): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    if (!existsSync(this.file)) {
      const tmp = `${this.file}.recovering-${process.pid}`;
      rmSync(tmp, { force: true });
      this.db.prepare('VACUUM INTO ?').run(tmp);
      renameSync(tmp, this.file);
    }
    const db = this.open();
    const old = this.db;
    this.db = db;
    this.prepared = statementCache(db);
    this.write = batchWriter(db);
    this.identity = fileIdentity(this.file);
    try {
      old.close();
    } catch {
      // The old handle points at a deleted file; nothing in it is lost (it was copied above).
    }
  }

  async listRuns(query: RunQuery): Promise<RunResult[]> {
    const limit = Math.max(0, Math.floor(query.limit));
    const rows =
      query.journey === undefined
        ? this.prepared('SELECT run_id, document FROM runs ORDER BY started_ms DESC, rowid DESC LIMIT ?').all(limit)
        : this.prepared(
            `SELECT r.run_id, r.document FROM journey_runs j JOIN runs r ON r.run_id = j.run_id
               WHERE j.journey = ? ORDER BY j.started_ms DESC, r.rowid DESC LIMIT ?`,
          ).all(query.journey, limit);
    const out: RunResult[] = [];
    for (const row of rows as { run_id: string; document: string }[]) {
      const parsed = RunResult.safeParse(JSON.parse(row.document));
      if (parsed.success) out.push(parsed.data);
      else this.onInvalid(row.run_id, parsed.error.issues[0]?.message ?? 'invalid document');
    }
    return out;
  }

  async listJourneys(): Promise<string[]> {
    return (
      this.prepared('SELECT DISTINCT journey FROM journey_runs ORDER BY journey').pluck().all() as string[]
    ).slice();
  }

  async uptime(journey: string, since: Date): Promise<UptimeCounts> {
    const row = this.prepared(
      `SELECT SUM(status IN ('pass', 'degraded', 'flaky')) AS up, SUM(status = 'fail') AS down
         FROM journey_runs WHERE journey = ? AND started_ms >= ?`,
    ).get(journey, since.getTime()) as Row<{ up: number | null; down: number | null }>;
    return { up: row?.up ?? 0, down: row?.down ?? 0 };
  }

  async prune(policy: RetentionPolicy, now: Date = new Date()): Promise<number> {
    const prune = this.db.transaction(() => {
      const old = this.prepared('DELETE FROM runs WHERE started_ms < ?').run(
        now.getTime() - policy.maxAgeDays * DAY_MS,
      ).changes;
      const excess = this.prepared(
        `DELETE FROM runs WHERE run_id IN (
             SELECT run_id FROM (
               SELECT run_id, ROW_NUMBER() OVER (PARTITION BY journey ORDER BY started_ms DESC) AS rn FROM journey_runs
             ) WHERE rn > ?)`,
      ).run(policy.maxRunsPerJourney).changes;
      return old + excess;
    });
    return prune.immediate();
  }

  async markInFlight(marker: InFlightRun): Promise<void> {
    this.prepared(
      'INSERT OR REPLACE INTO in_flight (run_id, journey, environment, started_at, step) VALUES (?, ?, ?, ?, ?)',
    ).run(
      marker.runId,
      marker.journey,
      marker.environment,
      marker.startedAt,
      marker.step === undefined ? null : JSON.stringify(marker.step),
    );
  }

  async updateInFlight(runId: string, step: { name: string; service: string; timeoutMs: number }): Promise<void> {
    this.prepared('UPDATE in_flight SET step = ? WHERE run_id = ?').run(JSON.stringify(step), runId);
  }

  async takeInFlight(): Promise<InFlightRun[]> {
    const take = this.db.transaction(() => {
      const rows = this.prepared(
        'SELECT run_id, journey, environment, started_at, step FROM in_flight ORDER BY started_at',
      ).all() as {
        run_id: string;
        journey: string;
        environment: string;
        started_at: string;
        step: string | null;
      }[];
      this.prepared('DELETE FROM in_flight').run();
      return rows.map((r) => ({
        runId: r.run_id,
        journey: r.journey,
        environment: r.environment,
        startedAt: r.started_at,
        step: r.step === null ? undefined : (JSON.parse(r.step) as InFlightRun['step']),
      }));
    });
    return take.immediate();
  }

  // Alert state and the outbox: the SQL is in sqlite-alert-tables.ts.
  async getAlertState(key: string): Promise<AlertStateRecord | undefined> {
    return alertTables.getAlertState(this.db, key);
  }

  async listAlertStateKeys(prefix: string): Promise<string[]> {
    return alertTables.listAlertStateKeys(this.db, prefix);
  }

  async quarantineAlertState(key: string, reason: string): Promise<void> {
    alertTables.quarantineAlertState(this.db, key, reason);
  }

  async putAlertState(key: string, state: JsonValue, enqueue: readonly OutboxEntry[] = []): Promise<void> {
    alertTables.putAlertState(this.db, key, state, enqueue);
  }

  async listOutbox(query: OutboxQuery): Promise<OutboxRecord[]> {
    return alertTables.listOutbox(this.db, query);
  }

  async updateOutbox(id: string, change: OutboxChange): Promise<void> {
    alertTables.updateOutbox(this.db, id, change);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Fold the WAL back into the main file so a copied state.db is complete on its own.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

function fileIdentity(file: string): { dev: number; ino: number } {
  const st = statSync(file);
  return { dev: st.dev, ino: st.ino };
}
