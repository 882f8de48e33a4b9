import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { json, Receiver } from '../alert/receiver.js';
import { ROOT } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { startDaemonProcess, targetArgs, waitFor, type DaemonProcess } from '../schedule/daemon-process.js';

/**
 * Three `prober schedule` replicas of one location on one real Postgres, two journeys every 2 s for 40 s, one
 * replica SIGKILLed every 8 s and started again at once (4 kills: fewer than the 2-minute version's 5, to keep the
 * file under a minute of CI); a fault (in golden-path-api's steps only) injected a third
 * of the way in and cleared at two thirds. Counted from the database afterwards, per journey and location: runs per
 * tick, missed ticks (each must be explained by a kill, at most one per kill), runs recorded aborted.
 */
const DURATION_MS = 40_000;
const KILL_EVERY_MS = 8_000;
const INTERVAL_MS = 2_000;
const JOURNEYS = ['golden-path-api', 'auth-health'];
const LOCATION = 'eu-west';
const canary = `canary-${randomBytes(9).toString('hex')}`;
const config = `${ROOT}/test/fixtures/schedule-replicas.ts`;
let sandbox: Sandbox;
let server: PostgresServer;
const receiver = new Receiver();
const replicas: (DaemonProcess | undefined)[] = [undefined, undefined, undefined];

beforeAll(async () => {
  [sandbox, server] = await Promise.all([
    startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] }),
    startPostgres(),
    receiver.start(),
  ]);
}, 60_000);
afterAll(async () => {
  for (const r of replicas) await r?.stop('SIGKILL');
  await receiver.stop();
  await sandbox?.close();
  await server?.stop();
});

const until = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

describe('replicas without duplicates', () => {
  it('3 replicas, a SIGKILL every 8 s: one run per tick, at most one missed tick per kill, one firing and one resolved', {
    timeout: 300_000,
  }, async () => {
    const url = server.url(await server.createDatabase('replicas'));
    const env = {
      SANDBOX_PASSWORD: canary,
      PROBER_STORE_URL: url,
      PROBER_LOCATION: LOCATION,
      ALERT_HOOK_URL: `${receiver.url}/hook`,
    };
    const start = (i: number) =>
      startDaemonProcess(['--config', config, ...targetArgs(sandbox)], env, 60_000).then((d) => (replicas[i] = d));
    await Promise.all([0, 1, 2].map(start));
    const t0 = Date.now();
    const killedAt: number[] = [];
    let faultOn = false;
    let faultOff = false;
    for (let k = 1; Date.now() - t0 < DURATION_MS; k++) {
      await until(Math.min(t0 + k * KILL_EVERY_MS, t0 + DURATION_MS));
      if (Date.now() - t0 >= DURATION_MS) break;
      if (!faultOn && Date.now() - t0 >= DURATION_MS / 3) {
        sandbox.faults.set('auth.token=http500');
        faultOn = true;
      }
      if (faultOn && !faultOff && Date.now() - t0 >= (2 * DURATION_MS) / 3) {
        sandbox.faults.clear();
        faultOff = true;
      }
      const victim = (k - 1) % 3;
      killedAt.push(Date.now());
      await replicas[victim]!.stop('SIGKILL');
      await start(victim);
    }
    if (!faultOff) sandbox.faults.clear();
    // Let the last notifications go out, then stop cleanly; ticks from here on are not counted (a claimed tick may
    // be cut short by the shutdown).
    await waitFor(
      'a resolved notification',
      () => (receiver.requests.some((r) => json(r).state === 'resolved') ? true : undefined),
      60_000,
      250,
    ).catch(async (err: unknown) => {
      // What the store and the replicas knew, so a failure here says where the notification stopped.
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const outbox = (
        await db.query(
          "SELECT alert_key, payload->>'state' AS state, attempts, delivered_ms, dead_reason, last_error, lease_until_ms FROM prober_outbox ORDER BY seq",
        )
      ).rows;
      const states = (await db.query('SELECT key, state FROM prober_alert_state')).rows;
      await db.end();
      const alertLines = replicas.flatMap((r) =>
        r!
          .stderr()
          .split('\n')
          .filter((l) => l.includes('alert/'))
          .slice(-5),
      );
      console.log(
        JSON.stringify({ received: receiver.requests.map((r) => json(r).state), outbox, states, alertLines }, null, 1),
      );
      throw err;
    });
    const stopAt = Date.now();
    for (const r of replicas) expect((await r!.stop('SIGTERM')).code).toBe(0);
    const kills = killedAt.length;

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      for (const journey of JOURNEYS) {
        const claims = (
          await db.query<{ slot_ms: string; run_id: string }>(
            'SELECT slot_ms, run_id FROM prober_scheduled_runs WHERE journey = $1 AND location = $2 ORDER BY slot_ms',
            [journey, LOCATION],
          )
        ).rows;
        const runs = (
          await db.query<{ run_id: string; status: string; location: string | null }>(
            'SELECT r.run_id, j.status, r.location FROM prober_runs r JOIN prober_journey_runs j USING (run_id) WHERE j.journey = $1',
            [journey],
          )
        ).rows;
        const claimed = new Set(claims.map((c) => c.run_id));
        // Every recorded run is the run of exactly one claimed tick: no tick ran twice, no run ran unclaimed.
        expect(runs.filter((r) => !claimed.has(r.run_id))).toEqual([]);
        expect(new Set(runs.map((r) => r.run_id)).size).toBe(runs.length);
        expect(runs.every((r) => r.location === LOCATION)).toBe(true);
        // Missed ticks, up to the clean stop: slots nobody claimed, and claimed slots whose run was never recorded
        // (neither finished nor recovered as aborted: the claimer died between its claim and its in-flight marker).
        const recorded = new Set(runs.map((r) => r.run_id));
        const bySlot = new Map(claims.map((c) => [Number(c.slot_ms), c.run_id]));
        const first = Number(claims[0]!.slot_ms);
        const last = Math.max(...[...bySlot.keys()].filter((slot) => slot < stopAt - INTERVAL_MS));
        const missed: number[] = [];
        for (let slot = first; slot <= last; slot += INTERVAL_MS) {
          const run = bySlot.get(slot);
          if (run === undefined || !recorded.has(run)) missed.push(slot);
        }
        // Each missed tick is explained by a kill within two intervals of it, and no kill explains two.
        const blame = missed.map((slot) => killedAt.findIndex((k) => Math.abs(k - slot) <= 2 * INTERVAL_MS));
        const perKill = killedAt.map((_, i) => blame.filter((b) => b === i).length);
        const aborted = runs.filter((r) => r.status === 'error').length;
        console.log(
          JSON.stringify({
            journey,
            location: LOCATION,
            kills,
            ticks: (last - first) / INTERVAL_MS + 1,
            claimed: claims.length,
            runs: runs.length,
            missed: missed.length,
            perKill,
            aborted,
          }),
        );
        expect(
          blame.filter((b) => b === -1),
          `${journey}: missed ticks no kill explains`,
        ).toEqual([]);
        expect(Math.max(0, ...perKill), `${journey}: missed ticks of one kill`).toBeLessThanOrEqual(1);
        expect(aborted).toBeLessThanOrEqual(kills);
      }
    } finally {
      await db.end();
    }
    // One incident, one firing and one resolved, whatever replica sent them (a redelivery keeps its webhook-id).
    const byId = new Map(receiver.requests.map((r) => [String(r.headers['webhook-id']), json(r)]));
    console.log(
      JSON.stringify(
        [...byId.values()].map((n) => ({
          state: n.state,
          since: n.since,
          run: (n.lastResult as { runId: string }).runId,
          at: (n.lastResult as { startedAt: string }).startedAt,
        })),
      ),
    );
    // The healthy journey (auth-health) and the prober's own alert stay quiet.
    expect([...byId.values()].map((n) => [n.id, n.state])).toEqual([
      ['sandbox-replicas:golden-path-api', 'firing'],
      ['sandbox-replicas:golden-path-api', 'resolved'],
    ]);
  });
});
