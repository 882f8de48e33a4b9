/**
 * The fleet's per-run cost against a real Postgres 15 (a fresh cluster in a temp dir, as the tests start it): R
 * simulated replicas (each a PostgresRunStore with its own pool, the default budget of 3) in this one process share
 * J journeys × L locations; each scheduled run is what a replica does for a tick: claim it, write its in-flight
 * marker and one step's progress, then evaluate its alert under the journey's key and write run + state in the
 * lock's transaction (the real AlertRecorder over a ResilientStore, as the daemon wires it). The journey itself is
 * not run (a fixed one-step pass/fail result): this measures the store, not the target.
 * Reports runs/s, statements (round trips) per run counted at the pg client, p99 claim latency, lock waits (a
 * sampler asks pg_locks every 10 ms for alert-key locks not granted: the share of samples with a waiter, and the
 * most waiters seen), deferred evaluations (a key held past the bound), and the database's bytes per stored run and
 * per claim row; then the Postgres size for 100 locations × 1,000 journeys a minute from those bytes. Cells: 10,
 * 100 and 1,000 journeys × 2, 10 and 50 locations, and 2 journeys × 50 locations (two alert keys under load).
 *   node --import tsx bench/fleet/fleet-bench.ts [--runs 2000] [--replicas 4] [--concurrency 24]
 * A bench, run by hand: nothing here is asserted in the tests.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { AlertRecorder } from '../../src/alert/alert-recorder.js';
import { AlertsConfigSchema } from '../../src/config/alerts-config.js';
import { proberAlertKey } from '../../src/alert/notification.js';
import { lockId } from '../../src/store/postgres-alert-locks.js';
import { PostgresRunStore } from '../../src/store/postgres-run-store.js';
import { ResilientStore } from '../../src/store/resilient-store.js';
import { startPostgres } from '../../test/support/postgres-server.js';
import { sampleRun } from '../../test/store/sample-run.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2000' },
    replicas: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '24' },
  },
});
const RUNS = Number(values.runs);
const REPLICAS = Number(values.replicas);
const CONCURRENCY = Number(values.concurrency);

// Every statement the pg client sends is one round trip (Pool.query goes through Client.query).
let statements = 0;
/** The lock-wait sampler's own client: its statements are not the fleet's. */
const uncounted = new WeakSet<pg.Client>();
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (!uncounted.has(this)) statements++;
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof original;

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;
const log = pino({ level: 'silent' });

async function scenario(server: Awaited<ReturnType<typeof startPostgres>>, journeys: number, locations: number) {
  const url = server.url(await server.createDatabase('bench'));
  const replicas = await Promise.all(
    Array.from({ length: REPLICAS }, async () => {
      const store = new ResilientStore(await PostgresRunStore.open(url), { label: 'bench', log });
      let deferred = 0;
      const pipeline = new AlertRecorder({
        store,
        alerts: AlertsConfigSchema.parse({ channels: {}, policy: { failureThreshold: 2, successThreshold: 2 } }),
        channels: [],
        log,
        commit: (b) => store.commitOrHold(b),
        onDeferred: () => deferred++,
      });
      return { store, pipeline, deferred: () => deferred };
    }),
  );
  const claimMs: number[] = [];
  let next = 0;
  const slot0 = Date.now() - (Date.now() % 60_000);
  const one = async (i: number) => {
    const journey = `j${i % journeys}`;
    const location = `loc${Math.floor(i / journeys) % locations}`;
    const slotMs = slot0 + Math.floor(i / (journeys * locations)) * 60_000;
    const r = replicas[i % REPLICAS]!;
    const run = {
      ...sampleRun({ journey, steps: [['http.get', 5]], status: i % 7 === 0 ? 'fail' : 'pass' }),
      location,
    };
    const t = performance.now();
    const won = await r.store.claimTick!({ environment: 'bench', location, journey, slotMs, runId: run.runId });
    claimMs.push(performance.now() - t);
    if (!won) return;
    await r.store.markInFlight({ runId: run.runId, journey, environment: 'test', startedAt: run.startedAt, location });
    await r.store.updateInFlight(run.runId, { name: 'http.get', service: 'api', timeoutMs: 5_000 });
    await r.pipeline.record(run);
  };
  const sampler = await lockWaitSampler(url);
  statements = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) await one(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const perRun = statements / RUNS;
  const waits = await sampler.stop();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const size = await db.query<{ bytes: string; runs: string; claim_bytes: string; claims: string }>(
    `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname LIKE 'prober_%' AND c.relkind = 'r'
               AND c.relname <> 'prober_scheduled_runs') AS bytes,
            (SELECT count(*) FROM prober_runs) AS runs,
            pg_total_relation_size('prober_scheduled_runs') AS claim_bytes,
            (SELECT count(*) FROM prober_scheduled_runs) AS claims`,
  );
  await db.end();
  for (const r of replicas) await r.store.close();
  return {
    journeys,
    locations,
    runs: RUNS,
    runsPerSecond: Math.round(RUNS / seconds),
    roundTripsPerRun: Number(perRun.toFixed(2)),
    claimP99Ms: Number(p99(claimMs).toFixed(2)),
    // Samples (every 10 ms) with an evaluation waiting on its own journey's key / on the shared prober: key.
    sameJourneyLockWaitPct: waits.pct,
    sameJourneyWaitersMax: waits.max,
    crossJourneyLockWaitPct: waits.sharedPct,
    deferred: replicas.reduce((n, r) => n + r.deferred(), 0),
    bytesPerRun: Math.round(Number(size.rows[0]?.bytes) / Number(size.rows[0]?.runs)),
    bytesPerClaim: Math.round(Number(size.rows[0]?.claim_bytes) / Number(size.rows[0]?.claims)),
  };
}

/** Samples pg_locks every 10 ms on its own connection: alert-key advisory locks someone is waiting for. */
async function lockWaitSampler(
  url: string,
): Promise<{ stop(): Promise<{ pct: number; sharedPct: number; max: number }> }> {
  const client = new pg.Client({ connectionString: url });
  uncounted.add(client);
  await client.connect();
  let samples = 0;
  let waited = 0;
  let sharedWaited = 0;
  const shared = lockId(proberAlertKey('test'));
  let max = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      // objid is the key's id (postgres-alert-locks.ts): a wait on a journey's own key is that journey judged in
      // several locations at once; a wait on the shared prober:<env> key is the only way two journeys can wait on
      // each other.
      const { rows } = await client.query<{ shared: string; own: string }>(
        `SELECT count(*) FILTER (WHERE objid::bigint = ${shared >>> 0}) AS shared, count(*) FILTER (WHERE objid::bigint <> ${shared >>> 0}) AS own
           FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
      const n = Number(rows[0]?.own);
      samples++;
      if (n > 0) waited++;
      if (Number(rows[0]?.shared) > 0) sharedWaited++;
      max = Math.max(max, n);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      const pct = (k: number) => Number(((100 * k) / Math.max(1, samples)).toFixed(2));
      return { pct: pct(waited), sharedPct: pct(sharedWaited), max };
    },
  };
}

const server = await startPostgres();
try {
  const rows: Awaited<ReturnType<typeof scenario>>[] = [];
  const cells: [number, number][] = [[2, 50]];
  for (const journeys of [10, 100, 1_000]) for (const locations of [2, 10, 50]) cells.push([journeys, locations]);
  for (const [journeys, locations] of cells) {
    const row = await scenario(server, journeys, locations);
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const cost = (j: number) =>
    rows.filter((r) => r.journeys === j).reduce((n, r) => n + r.roundTripsPerRun, 0) /
    rows.filter((r) => r.journeys === j).length;
  console.log(JSON.stringify({ roundTripRatio1000vs10: Number((cost(1_000) / cost(10)).toFixed(3)) }));
  // 100 locations × 1,000 journeys, each every minute, from the bytes measured at 1,000 × 50.
  const big = rows.find((r) => r.journeys === 1_000 && r.locations === 50)!;
  const runsPerMinute = 100 * 1_000;
  const gb = (bytes: number) => Number((bytes / 1e9).toFixed(2));
  console.log(
    JSON.stringify({
      fleet100x1000PerMinute: {
        runsPerMinute,
        gbWrittenPerMinute: gb(runsPerMinute * big.bytesPerRun),
        gbKeptAtMaxRunsPerJourney1440: gb(runsPerMinute * 1_440 * big.bytesPerRun),
        claimRowsAt3hHorizon: runsPerMinute * 180,
        gbOfClaimsAt3hHorizon: gb(runsPerMinute * 180 * big.bytesPerClaim),
      },
    }),
  );
} finally {
  await server.stop();
}
