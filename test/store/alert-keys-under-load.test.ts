import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRecorder } from '../../src/alert/alert-recorder.js';
import { AlertsConfigSchema } from '../../src/config/alerts-config.js';
import { lockId } from '../../src/store/postgres-alert-locks.js';
import { PostgresRunStore } from '../../src/store/postgres-run-store.js';
import { ResilientStore } from '../../src/store/resilient-store.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { sampleRun } from './sample-run.js';

/**
 * Two alert keys under load from 50 simulated locations, through the real alert recorder on four replicas of one
 * real Postgres: while another session holds one journey's key, none of that journey's evaluations runs (each is
 * deferred and counted, its run still recorded), and the other journey's evaluations all run meanwhile: they
 * never wait on a key they do not take.
 */
const LOCATIONS = 50;
const ALERT_LOCK_NS = 0x616c7274;
let server: PostgresServer;
const stores: ResilientStore[] = [];
const log = pino({ level: 'silent' });
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const s of stores) await s.close();
  await server?.stop();
});

async function replicas(url: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const store = new ResilientStore(await PostgresRunStore.open(url, { alertLockWaitMs: 300 }), { label: 't', log });
      stores.push(store);
      const deferred: string[] = [];
      const pipeline = new AlertRecorder({
        store,
        alerts: AlertsConfigSchema.parse({ channels: {}, policy: { failureThreshold: 2, successThreshold: 2 } }),
        channels: ['hook'],
        log,
        commit: (b) => store.commitOrHold(b),
        onDeferred: (key) => deferred.push(key),
      });
      return { store, pipeline, deferred };
    }),
  );
}

/** One failed run of `journey` in each of the 50 locations, spread over the replicas, all at once. */
function failEverywhere(reps: Awaited<ReturnType<typeof replicas>>, journey: string, at: Date) {
  return Array.from({ length: LOCATIONS }, (_, i) =>
    reps[i % reps.length]!.pipeline.record({
      ...sampleRun({ journey, status: 'fail', startedAt: at }),
      location: `loc${i}`,
    }),
  );
}

describe('two alert keys under load from 50 locations', { timeout: 60_000 }, () => {
  it('a held key defers every evaluation of its journey (never unlocked); the other journey evaluates without waiting', async () => {
    const url = server.url(await server.createDatabase('keys'));
    const reps = await replicas(url, 4);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      // Another session holds login's alert key, as a replica stuck inside its evaluation would.
      await holder.query(`BEGIN; SELECT pg_advisory_xact_lock(${ALERT_LOCK_NS}, ${lockId('test:login')})`);
      const t0 = new Date(Date.now() - 120_000);
      const login = Promise.all([...failEverywhere(reps, 'login', t0), ...failEverywhere(reps, 'login', t0)]);
      // chat, twice from every location: all 100 evaluations finish while login's key is still held.
      await Promise.all([...failEverywhere(reps, 'chat', t0), ...failEverywhere(reps, 'chat', new Date())]);
      const chatState = await reps[0]!.store.getAlertState('test:chat');
      expect(chatState).toBeDefined();
      expect(reps.flatMap((r) => r.deferred).filter((k) => k === 'test:chat')).toEqual([]);
      const outbox = await reps[0]!.store.listOutbox({ status: 'all', limit: 1_000 });
      expect(outbox.map((o) => [o.alertKey, (o.payload as { state?: string }).state])).toEqual([
        ['test:chat', 'firing'],
      ]);

      await login;
      // Every login evaluation was deferred: none ran, none wrote a state or a notification, all 100 runs recorded.
      expect(reps.flatMap((r) => r.deferred).filter((k) => k === 'test:login')).toHaveLength(2 * LOCATIONS);
      expect(await reps[0]!.store.getAlertState('test:login')).toBeUndefined();
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const counts = await db.query<{ journey: string; n: string }>(
          'SELECT journey, count(*) AS n FROM prober_journey_runs GROUP BY journey ORDER BY journey',
        );
        expect(counts.rows.map((r) => [r.journey, Number(r.n)])).toEqual([
          ['chat', 2 * LOCATIONS],
          ['login', 2 * LOCATIONS],
        ]);
      } finally {
        await db.end();
      }
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    // Released: the next run of login is evaluated (it judges from the recorded runs, so it fires).
    await reps[1]!.pipeline.record({ ...sampleRun({ journey: 'login', status: 'fail' }), location: 'loc0' });
    expect(await reps[0]!.store.getAlertState('test:login')).toBeDefined();
  });
});
