/**
 * The fleet's per-run cost against a real Postgres 15 (a fresh cluster in a temp dir, as the tests start it): R
 * simulated replicas (each a PostgresRunStore with its own pool, the default budget of 3) in this one process share
 * J journeys × L locations; each scheduled run is what a replica does for a tick: claim it, write its in-flight
 * marker and one step's progress, then evaluate its alert under the journey's key and write run + state in the
 * lock's transaction (the real AlertPipeline over a ResilientStore, as the daemon wires it). The journey itself is
 * not run (a fixed one-step pass/fail result): this measures the store, not the target.
 * Reports runs/s, statements (round trips) per run counted at the pg client, p99 claim latency, deferred
 * evaluations (a key held past the bound), and the database's bytes per stored run.
 *   node --import tsx bench/fleet/fleet-bench.ts [--runs 2000] [--replicas 4] [--concurrency 24]
 * A bench, run by hand: nothing here is asserted in the tests.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { AlertPipeline } from '../../src/alert/alert-pipeline.js';
import { AlertsConfigSchema } from '../../src/config/alerts-config.js';
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
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
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
      const pipeline = new AlertPipeline({
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
  statements = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) await one(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const perRun = statements / RUNS;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const size = await db.query<{ bytes: string; runs: string }>(
    `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname LIKE 'prober_%' AND c.relkind = 'r') AS bytes,
            (SELECT count(*) FROM prober_runs) AS runs`,
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
    deferred: replicas.reduce((n, r) => n + r.deferred(), 0),
    bytesPerRun: Math.round(Number(size.rows[0]?.bytes) / Number(size.rows[0]?.runs)),
  };
}

const server = await startPostgres();
try {
  const rows: Awaited<ReturnType<typeof scenario>>[] = [];
  for (const journeys of [10, 100, 1_000])
    for (const locations of [2, 10, 50]) {
      const row = await scenario(server, journeys, locations);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  const cost = (j: number) =>
    rows.filter((r) => r.journeys === j).reduce((n, r) => n + r.roundTripsPerRun, 0) /
    rows.filter((r) => r.journeys === j).length;
  console.log(JSON.stringify({ roundTripRatio1000vs10: Number((cost(1_000) / cost(10)).toFixed(3)) }));
} finally {
  await server.stop();
}
