/**
 * The fleet's per-run cost against a real Postgres 15 (a fresh cluster in a temp dir, as the tests start it). R
 * simulated replicas in this one process, each what `prober schedule` assembles (replicas.ts: a PostgresRunStore
 * at its default pool budget of 3 in a ResilientStore, the AlertRecorder, a webhook channel's deliverer, metrics,
 * every sink), share J journeys × L locations; the journeys are real `http` steps against a no-op HTTP server in
 * its own process (noop-target.ts), run by the prober's runner the way the daemon runs a tick (tickClaimer, then
 * runScheduledJourney: in-flight marker, step progress, the run, every sink, alert evaluation under the journey's
 * key). Each tick is offered to the 2 replicas standing in its location; both claim it, the one whose claim lands
 * runs it. 1 tick in 7 fails (its last step gets a 500; see failing()), and the policy fires on 1 fail and resolves
 * on 1 pass, so evaluation opens and closes incidents and the deliverers send them. Before each cell its database gets
 * --history-minutes of the fleet's past (history.ts), so tables and indexes grow with the fleet.
 * Reports per cell: runs/s, statements and round trips per run (counted at the pg client, pg-counts.ts: everything
 * the replicas sent while the cell ran and its notifications drained, divided by the runs), WAL bytes per run,
 * p99 claim latency, lock waits (lock-waits.ts), deferred evaluations, notifications per run, bytes per stored run
 * and per claim row; then the cost per run of 1,000 journeys against 10 and the Postgres size for 100 locations ×
 * 1,000 journeys a minute (summary.ts), and the load average at the start and the end.
 * Cells: 10, 100 and 1,000 journeys × 2, 10 and 50 locations (one step), 2 journeys × 50 locations (two alert keys
 * under load) and 100 journeys × 10 locations of 5 steps. One command:
 *   node --import tsx bench/fleet/fleet-bench.ts [--runs 2000] [--replicas 4] [--concurrency 24] [--history-minutes 2]
 * A bench, run by hand: nothing here is asserted in the tests.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { JourneyDefinition } from '../../src/journey/define.js';
import { startPostgres, type PostgresServer } from '../../test/support/postgres-server.js';
import { ENVIRONMENT, failingRuns, fleetConfig, fleetJourneys } from './fleet-config.js';
import { prefillHistory } from './history.js';
import { lockWaitSampler } from './lock-waits.js';
import { startNoopTarget } from './noop-target.js';
import { ask, counts, countQueries, resetCounts } from './pg-counts.js';
import { startReplica, type Replica } from './replicas.js';
import { fleetSummary, type CellRow } from './summary.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2000' },
    replicas: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '24' },
    'history-minutes': { type: 'string', default: '2' },
    /** Only these cells, e.g. `2x50x1,100x10x5` (journeys x locations x steps); default all. */
    cells: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const REPLICAS = Number(values.replicas);
const CONCURRENCY = Number(values.concurrency);
const HISTORY_MINUTES = Number(values['history-minutes']);
/** Replicas standing in each location: each tick is claimed by this many, run by one. */
const PER_LOCATION = Math.min(2, REPLICAS);
/** How long a cell waits for its last notifications to be delivered (their round trips are the cell's). */
const DRAIN_MS = 30_000;

interface Cell {
  journeys: number;
  locations: number;
  steps: number;
}

interface Drive {
  claimMs: number[];
  statuses: Record<string, number>;
  won: number;
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;

/**
 * 1 tick in 7 fails, always one whose journey's next tick passes: the journey's k-th tick (k = ⌊i/J⌋, counted
 * across locations) fails when k is even and (j + k/2) mod 7 < 2. So with the 1-and-1 policy every failure fires
 * and the next tick of that journey resolves it, whatever the cell's size: 2 notifications per 7 runs in every
 * cell, even at 1,000 journeys, where a cell holds only 2 ticks of each journey.
 */
function failing(i: number, cell: Cell): boolean {
  const k = Math.floor(i / cell.journeys);
  return k % 2 === 0 && ((i % cell.journeys) + k / 2) % 7 < 2;
}

/** Tick i: journey i mod J, location ⌊i/J⌋ mod L, one minute later each time every series had a tick. */
async function tick(i: number, cell: Cell, defs: JourneyDefinition[], replicas: Replica[], d: Drive, slot0: number) {
  const def = defs[i % cell.journeys]!;
  const l = Math.floor(i / cell.journeys) % cell.locations;
  const location = `loc${l}`;
  const slotMs = slot0 + Math.floor(i / (cell.journeys * cell.locations)) * 60_000;
  const here = Array.from({ length: PER_LOCATION }, (_, k) => ({
    r: replicas[(l + k) % replicas.length]!,
    id: randomUUID(),
  }));
  if (failing(i, cell)) for (const h of here) failingRuns.add(h.id);
  const claimed = await Promise.all(
    here.map(async (h) => {
      const t = performance.now();
      const won = await h.r.claim(def.name, location, slotMs, h.id);
      d.claimMs.push(performance.now() - t);
      return won ? h : undefined;
    }),
  );
  for (const h of claimed) {
    if (h === undefined) continue;
    d.won++;
    const result = await h.r.run(def, location, h.id);
    const status = result?.status ?? 'crashed';
    d.statuses[status] = (d.statuses[status] ?? 0) + 1;
  }
  for (const h of here) failingRuns.delete(h.id);
}

/** RUNS ticks, CONCURRENCY at a time. */
async function drive(cell: Cell, defs: JourneyDefinition[], replicas: Replica[], slot0: number): Promise<Drive> {
  const d: Drive = { claimMs: [], statuses: {}, won: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) await tick(next++, cell, defs, replicas, d, slot0);
    }),
  );
  return d;
}

/** Waits (bounded) until every notification the cell queued is delivered or dead. */
async function drained(url: string): Promise<number> {
  const until = Date.now() + DRAIN_MS;
  const pending = async () =>
    Number(
      (await ask(url, 'SELECT count(*) AS n FROM prober_outbox WHERE delivered_ms IS NULL AND dead_reason IS NULL')).n,
    );
  let n = await pending();
  while (n > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    n = await pending();
  }
  return n;
}

/** Four replicas on the cell's own database, a warm-up run (its document is the history's), the history. */
async function setUp(server: PostgresServer, target: string, cell: Cell) {
  const url = server.url(await server.createDatabase('bench'));
  const defs = fleetJourneys(cell.journeys, cell.steps);
  const loaded = await fleetConfig(target, defs);
  const replicas: Replica[] = [];
  // One at a time, as replicas come up: the first applies the migrations.
  for (let r = 0; r < REPLICAS; r++) replicas.push(await startReplica(loaded, url));
  const warm = await replicas[0]!.run(defs[0]!, 'warmup', randomUUID());
  if (warm?.status !== 'pass') throw new Error(`the warm-up run did not pass: ${JSON.stringify(warm?.journeys)}`);
  const slot0 = Date.now() - (Date.now() % 60_000) + 60_000;
  await prefillHistory(url, {
    environment: ENVIRONMENT,
    journeys: cell.journeys,
    locations: cell.locations,
    steps: cell.steps,
    minutes: HISTORY_MINUTES,
    slot0,
    document: JSON.stringify(warm),
  });
  return { url, defs, replicas, slot0 };
}

async function runCell(server: PostgresServer, target: string, cell: Cell): Promise<CellRow> {
  const { url, defs, replicas, slot0 } = await setUp(server, target, cell);
  const sampler = await lockWaitSampler(url, ENVIRONMENT);
  // WAL written while the cell ran (cluster-wide; nothing else writes): the write cost of a run, indexes included.
  const { lsn } = await ask(url, 'SELECT pg_current_wal_lsn()::text AS lsn');
  resetCounts();
  const t0 = performance.now();
  const d = await drive(cell, defs, replicas, slot0);
  const seconds = (performance.now() - t0) / 1000;
  const undelivered = await drained(url);
  const seen = { roundTrips: counts.roundTrips, statements: counts.statements, by: new Map(counts.byPurpose) };
  const waits = await sampler.stop();
  const walBytes = Number((await ask(url, 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS d', [lsn])).d);
  const size = await sizes(url);
  const sum = async (name: string) =>
    (await Promise.all(replicas.map((r) => r.counter(name)))).reduce((a, b) => a + b, 0);
  const deferred = await sum('prober_alert_evaluations_deferred_total');
  const sinkFailures = await sum('prober_sink_failures_total');
  for (const r of replicas) await r.close();
  const perRun = (n: number) => Number((n / RUNS).toFixed(2));
  return {
    ...cell,
    runs: RUNS,
    runsPerSecond: Math.round(RUNS / seconds),
    statementsPerRun: perRun(seen.statements),
    roundTripsPerRun: perRun(seen.roundTrips),
    roundTripsPerRunBy: Object.fromEntries([...seen.by].sort().map(([k, n]) => [k, perRun(n)])),
    walBytesPerRun: Math.round(walBytes / RUNS),
    claimP99Ms: Number(p99(d.claimMs).toFixed(2)),
    sameJourneyLockWaitPct: waits.pct,
    sameJourneyWaitersMax: waits.max,
    crossJourneyLockWaitPct: waits.sharedPct,
    deferred,
    notificationsPerRun: Number((Number(size.delivered) / RUNS).toFixed(3)),
    bytesPerRun: Math.round(Number(size.bytes) / Number(size.runs)),
    bytesPerClaim: Math.round(Number(size.claim_bytes) / Number(size.claims)),
    statuses: { ...d.statuses, ...(undelivered > 0 ? { undeliveredNotifications: undelivered } : {}) },
    duplicateRuns: d.won - RUNS,
    sinkFailures,
  };
}

/** The stored runs' tables (claims apart; the outbox included), the claims, and the notifications delivered. */
function sizes(url: string) {
  return ask(
    url,
    `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname LIKE 'prober_%' AND c.relkind = 'r'
               AND c.relname <> 'prober_scheduled_runs') AS bytes,
            (SELECT count(*) FROM prober_runs) AS runs,
            pg_total_relation_size('prober_scheduled_runs') AS claim_bytes,
            (SELECT count(*) FROM prober_scheduled_runs) AS claims,
            (SELECT count(*) FROM prober_outbox WHERE delivered_ms IS NOT NULL) AS delivered`,
  );
}

function chosenCells(): Cell[] {
  if (values.cells !== undefined)
    return values.cells.split(',').map((c) => {
      const [journeys, locations, steps] = c.split('x').map(Number);
      return { journeys: journeys ?? 10, locations: locations ?? 2, steps: steps ?? 1 };
    });
  const cells: Cell[] = [{ journeys: 2, locations: 50, steps: 1 }];
  for (const journeys of [10, 100, 1_000])
    for (const locations of [2, 10, 50]) cells.push({ journeys, locations, steps: 1 });
  cells.push({ journeys: 100, locations: 10, steps: 5 });
  return cells;
}

const load = () => os.loadavg().map((l) => Number(l.toFixed(2)));
countQueries();
console.log(JSON.stringify({ loadAverageAtStart: load(), runs: RUNS, replicas: REPLICAS, concurrency: CONCURRENCY }));
const server = await startPostgres();
const target = await startNoopTarget();
try {
  const rows: CellRow[] = [];
  for (const cell of chosenCells()) {
    const row = await runCell(server, target.url, cell);
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  console.log(JSON.stringify(fleetSummary(rows)));
  console.log(JSON.stringify({ loadAverageAtEnd: load() }));
} finally {
  await target.stop();
  await server.stop();
}
