import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRunStore } from '../../src/store/postgres-run-store.js';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer.js';
import { poll } from '../support/poll.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { runStoreContract } from './run-store-contract.js';
import { sampleRun } from './sample-run.js';

/**
 * The fleet store through Debian's PgBouncer in transaction pooling mode, each replica at its default connection
 * budget (3): the whole StateStore contract, tick claims, alert-key locks and dead-replica recovery. In transaction
 * mode a session advisory lock would land on whichever server connection the pooler lent, and stay there for the
 * next client: the store must use only transaction-scoped locks and row leases to pass here.
 */
let server: PostgresServer;
let bouncer: PgBouncer;
const POOL = 3;
const open: PostgresRunStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
  bouncer = await startPgBouncer(server, POOL);
}, 60_000);
afterAll(async () => {
  for (const s of open) await s.close().catch(() => undefined);
  await bouncer?.stop();
  await server?.stop();
});

async function through(database: string, owner?: string): Promise<PostgresRunStore> {
  const s = await PostgresRunStore.open(bouncer.url(database), owner === undefined ? {} : { owner });
  open.push(s);
  return s;
}

let lastDb = '';
runStoreContract('Postgres behind PgBouncer (transaction mode)', () => ({
  async fresh() {
    const db = await server.createDatabase('bouncer');
    lastDb = db;
    return { store: await through(db), reopen: async (o) => PostgresRunStore.open(bouncer.url(db), o ?? {}) };
  },
  async corrupt(_store, runId, document) {
    const client = new pg.Client({ connectionString: server.url(lastDb) });
    await client.connect();
    await client.query('UPDATE prober_runs SET document = $1 WHERE run_id = $2', [document, runId]);
    await client.end();
  },
}));

describe('the fleet through PgBouncer', () => {
  it('four replicas at their budget share at most the pool: claims exact, alert keys locked, dead replicas found', async () => {
    const db = await server.createDatabase('fleet');
    const replicas = await Promise.all([0, 1, 2, 3].map(() => through(db)));
    const direct = new pg.Client({ connectionString: server.url(db) });
    await direct.connect();
    try {
      // Claims: every tick of two locations won exactly once, with all four racing.
      const slots = Array.from({ length: 30 }, (_, i) => 1_700_000_000_000 + i * 2_000);
      const wins = await Promise.all(
        slots.flatMap((slotMs) =>
          ['eu', 'us'].flatMap((location) =>
            replicas.map((r, i) =>
              r.claimTick({ environment: 'e', location, journey: 'j', slotMs, runId: `${location}-${slotMs}-${i}` }),
            ),
          ),
        ),
      );
      expect(wins.filter(Boolean)).toHaveLength(60);

      // Alert keys: the same key serialised, every evaluation of it seen by the next (a counter never loses a step).
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          replicas[i % replicas.length]!.withAlertLocks(['e:login'], async (scope) => {
            const n = Number((await scope.read(['e:login'])).get('e:login')?.state ?? 0);
            scope.write({ alertStates: [{ key: 'e:login', state: n + 1, updatedAt: new Date().toISOString() }] });
          }),
        ),
      );
      expect((await replicas[0]!.getAlertState('e:login'))?.state).toBe(24);

      // A replica that stops renewing its lease: its run in flight is taken once, by one survivor.
      const run = sampleRun();
      await direct.query(
        'INSERT INTO prober_replicas (owner, location, started_ms, lease_until_ms) VALUES ($1, $2, $3, $4)',
        ['gone', 'eu', 0, Date.now() - 1],
      );
      await direct.query(
        'INSERT INTO prober_in_flight (run_id, journey, environment, started_at, owner) VALUES ($1, $2, $3, $4, $5)',
        [run.runId, 'golden-path-api', 'test', run.startedAt, 'gone'],
      );
      const taken = await Promise.all(replicas.map((r) => r.takeInFlight()));
      expect(taken.flat().map((m) => m.runId)).toEqual([run.runId]);
      // A live replica's marker stays: its lease runs.
      await replicas[0]!.markInFlight({ runId: 'live', journey: 'j', environment: 'e', startedAt: run.startedAt });
      expect((await Promise.all(replicas.slice(1).map((r) => r.takeInFlight()))).flat()).toEqual([]);

      // Four clients at budget 3 each, and Postgres saw no more server connections than PgBouncer's pool.
      const backends = await direct.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db],
      );
      expect(Number(backends.rows[0]?.n)).toBeLessThanOrEqual(POOL);
    } finally {
      await direct.end();
    }
  });

  it('a replica closed cleanly ends its lease at once: its markers are recoverable without waiting', async () => {
    const db = await server.createDatabase('lease');
    const [a, b] = [await through(db), await through(db)];
    await a.markInFlight({ runId: 'r1', journey: 'j', environment: 'e', startedAt: new Date().toISOString() });
    expect(await b.takeInFlight()).toEqual([]);
    await a.close();
    const taken = await poll('the closed replica marker to be taken', async () => {
      const t = await b.takeInFlight();
      return t.length > 0 ? t : undefined;
    });
    expect(taken.map((m) => m.runId)).toEqual(['r1']);
  });
});
