import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerting, type Alerting } from '../../src/alert/alerting.js';
import { AlertsConfigSchema } from '../../src/config/alerts-config.js';
import { Redactor } from '../../src/redact.js';
import { PostgresRunStore } from '../../src/store/postgres-run-store.js';
import { ResilientStore } from '../../src/store/resilient-store.js';
import { FAST_DELIVERY, memoryLogger } from '../alert/harness.js';
import { poll } from '../support/poll.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { sampleRun } from './sample-run.js';

/**
 * A delivery is recorded before it is called delivered, on a real Postgres store wrapped as the daemon wraps it:
 * the test holds row locks from its own connection to stop the store's statements at the moment that matters
 * (the receiver has answered 200, the outcome is not committed yet; a run is mid-commit when an outcome arrives).
 */
let server: PostgresServer;
/** A webhook receiver whose answers the test releases: each request waits in `waiting` until answered. */
const waiting: { id: string; res: ServerResponse }[] = [];
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => waiting.push({ id: String(req.headers['webhook-id']), res }));
});
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  receiver.listen(0, '127.0.0.1');
  [server] = await Promise.all([startPostgres(), once(receiver, 'listening')]);
}, 60_000);
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  receiver.closeAllConnections();
  receiver.close();
  await server?.stop();
});

interface Rig {
  url: string;
  store: ResilientStore;
  alerting: Alerting;
  lines: string[];
  db: pg.Client;
}

async function rig(): Promise<Rig> {
  const url = server.url(await server.createDatabase('recorded'));
  const redactor = new Redactor();
  const { log, lines } = memoryLogger(redactor);
  const store = new ResilientStore(await PostgresRunStore.open(url), {
    label: 'postgres',
    log,
    retry: { initialMs: 50, maxMs: 200 },
  });
  const alerting = createAlerting({
    alerts: AlertsConfigSchema.parse({
      channels: { hook: { type: 'webhook', url: '${env:HOOK_URL}' } },
      policy: { failureThreshold: 1 },
      delivery: FAST_DELIVERY,
    }),
    store,
    log,
    redactor,
    env: { HOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` },
  });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  cleanup.push(
    () => alerting.deliverer.stop(),
    () => store.close(),
    () => db.end(),
  );
  return { url, store, alerting, lines, db };
}

/** A failing run through the pipeline: one firing notification in the outbox, committed. */
async function firing(r: Rig): Promise<string> {
  await r.alerting.recorder.record(sampleRun({ status: 'fail' }));
  const [row] = await r.store.listOutbox({ status: 'pending', limit: 10 });
  expect(row?.payload).toMatchObject({ state: 'firing' });
  return row!.id;
}

const logged = (lines: string[], msg: string) =>
  lines.filter((l) => (JSON.parse(l) as { msg: string }).msg.startsWith(msg));

/** Statements of the store's pool that wait for a lock the test holds. */
async function lockWaits(db: pg.Client, table: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE $1 AND pid <> pg_backend_pid()",
    [`%${table}%`],
  );
  return Number(rows[0]?.n ?? 0);
}

describe('recorded before it is called delivered', () => {
  it('alert/delivered is logged only after the outcome is committed', async () => {
    const r = await rig();
    const id = await firing(r);
    const pass = r.alerting.deliverer.deliverDue();
    const arrival = await poll('the delivery at the receiver', () => waiting.find((w) => w.id === id), {
      timeoutMs: 10_000,
    });
    // The receiver has the request; the test locks the row before answering, so the outcome cannot commit yet.
    const blocker = new pg.Client({ connectionString: r.url });
    await blocker.connect();
    cleanup.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM prober_outbox WHERE id = $1 FOR UPDATE', [id]);
    arrival.res.writeHead(200).end('{}');
    await poll(
      'the outcome waiting on the lock',
      async () => ((await lockWaits(r.db, 'prober_outbox')) > 0 ? true : undefined),
      { timeoutMs: 10_000 },
    );
    // 200 received, outcome not committed: nothing may say it was delivered, nothing is held in memory.
    expect(logged(r.lines, 'alert/delivered')).toEqual([]);
    expect(r.store.health().held).toEqual({ runs: 0, alertStates: 0, notifications: 0 });
    await blocker.query('ROLLBACK');
    await pass;
    const row = await r.db.query('SELECT delivered_ms FROM prober_outbox WHERE id = $1', [id]);
    expect(row.rows[0]?.delivered_ms).not.toBeNull();
    expect(logged(r.lines, 'alert/delivered')).toHaveLength(1);
    expect(logged(r.lines, 'alert/delivered-held')).toEqual([]);
  });

  it('an outcome arriving while a run commits is written at once; both writes report success', async () => {
    const r = await rig();
    const id = await firing(r);
    const run = sampleRun();
    const later = sampleRun();
    // The test inserts the same run id uncommitted: the store's insert waits on it (the unique index).
    const blocker = new pg.Client({ connectionString: r.url });
    await blocker.connect();
    cleanup.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query(
      "INSERT INTO prober_runs (run_id, environment, started_ms, status, document) VALUES ($1, 'test', 0, 'pass', '{}')",
      [run.runId],
    );
    const first = r.store.commitOrHold({ runs: [run] });
    await poll(
      'the run commit waiting on the lock',
      async () => ((await lockWaits(r.db, 'prober_runs')) > 0 ? true : undefined),
      { timeoutMs: 10_000 },
    );
    const second = r.store.commitOrHold({ runs: [later] });
    // With a run mid-commit (held until it lands), a delivery outcome goes to the store directly, not to memory.
    expect(await r.store.recordOutbox(id, { attempts: 1, nextAttemptMs: 0, deliveredMs: Date.now() })).toBe(true);
    const row = await r.db.query('SELECT delivered_ms FROM prober_outbox WHERE id = $1', [id]);
    expect(row.rows[0]?.delivered_ms).not.toBeNull();
    expect(r.store.health().held.notifications).toBe(0);
    await blocker.query('ROLLBACK');
    // The first commit's write of its own run succeeded although another write arrived while it ran.
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    expect(r.store.health()).toMatchObject({ ok: true, held: { runs: 0, alertStates: 0, notifications: 0 } });
    expect(logged(r.lines, 'store/failing')).toEqual([]);
    const stored = await r.db.query('SELECT run_id FROM prober_runs WHERE run_id = ANY($1)', [
      [run.runId, later.runId],
    ]);
    expect(stored.rowCount).toBe(2);
  });

  it('a failing store: the outcome is held (false: not recorded) and written once the store is back', async () => {
    const r = await rig();
    const id = await firing(r);
    await r.db.query('ALTER TABLE prober_outbox RENAME TO prober_outbox_away');
    expect(await r.store.recordOutbox(id, { attempts: 1, nextAttemptMs: 0, deliveredMs: Date.now() })).toBe(false);
    expect(r.store.health().ok).toBe(false);
    expect(logged(r.lines, 'store/failing')).toHaveLength(1);
    await r.db.query('ALTER TABLE prober_outbox_away RENAME TO prober_outbox');
    await poll('the store to recover', () => (r.store.health().ok ? true : undefined), { timeoutMs: 10_000 });
    const row = await r.db.query('SELECT delivered_ms FROM prober_outbox WHERE id = $1', [id]);
    expect(row.rows[0]?.delivered_ms).not.toBeNull();
  });
});
