/**
 * The fleet's per-run cost against a real Postgres 15 (a fresh cluster in a temp dir, as the tests start it): R
 * simulated replicas (each a PostgresRunStore with its own pool, the default budget of 3) in this one process share
 * J journeys × L locations; each scheduled run is what a replica does for a tick: claim it, write its in-flight
 * marker and one step's progress, then evaluate its alert under the journey's key and write run + state in the
 * lock's transaction (the real AlertRecorder over a ResilientStore, as the daemon wires it). The journey itself is
 * not run (a fixed one-step pass/fail result): this measures the store, not the target. Before each cell its
 * database gets --history-minutes of the fleet's past (claims, runs, step rows for every journey × location), so
 * tables and indexes grow with the fleet.
 * Reports per cell: runs/s, statements and round trips per run (counted at the pg client: a simple-protocol query
 * is one round trip and may hold several statements), WAL bytes per run, p99 claim latency, lock waits (a sampler
 * asks pg_locks every 10 ms for alert-key locks not granted: the share of samples with a waiter on a journey's own
 * key and on the shared prober:<env> key, and the most waiters seen), deferred evaluations (a key held past the
 * bound, or the shared key held at that moment), and the bytes per stored run and per claim row; then the cost per
 * run of 1,000 journeys against 10, the Postgres size for 100 locations × 1,000 journeys a minute, and the load
 * average at the start and the end (the figures are only as good as the box is idle).
 * Cells: 10, 100 and 1,000 journeys × 2, 10 and 50 locations, and 2 journeys × 50 locations (two alert keys under
 * load). One command, about 40 s idle (90 s at load 10):
 *   node --import tsx bench/fleet/fleet-bench.ts [--runs 2000] [--replicas 4] [--concurrency 24] [--history-minutes 2]
 * A bench, run by hand: nothing here is asserted in the tests.
 */
import os from 'node:os';
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
    'history-minutes': { type: 'string', default: '2' },
  },
});
const RUNS = Number(values.runs);
const REPLICAS = Number(values.replicas);
const CONCURRENCY = Number(values.concurrency);
const HISTORY_MINUTES = Number(values['history-minutes']);

// Every query the pg client sends is one round trip (Pool.query goes through Client.query); a simple-protocol query
// may hold several statements (the batch's write and its COMMIT), counted apart.
let roundTrips = 0;
let statements = 0;
/** The lock-wait sampler's own client: its statements are not the fleet's. */
const uncounted = new WeakSet<pg.Client>();
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (!uncounted.has(this)) {
    roundTrips++;
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    statements += text === undefined ? 1 : statementCount(text);
  }
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof original;

/** Statements in a query text: `;` outside string literals ('…' with '' inside, and E'…' with backslash escapes). */
function statementCount(sql: string): number {
  let n = 0;
  let open: 'plain' | 'escaped' | undefined;
  let content = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (open !== undefined) {
      if (open === 'escaped' && c === '\\') i++;
      else if (c === "'" && sql[i + 1] === "'") i++;
      else if (c === "'") open = undefined;
    } else if (c === "'") {
      open = /[eE]/.test(sql[i - 1] ?? '') ? 'escaped' : 'plain';
      content = true;
    } else if (c === ';') {
      if (content) n++;
      content = false;
    } else if (!/\s/.test(c ?? '')) content = true;
  }
  return n + (content ? 1 : 0);
}

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
  await prefillHistory(url, journeys, locations, slot0);
  const sampler = await lockWaitSampler(url);
  // WAL written while the cell ran (cluster-wide; nothing else writes): the write cost of a run, indexes included.
  const { lsn } = await ask(url, 'SELECT pg_current_wal_lsn()::text AS lsn');
  roundTrips = 0;
  statements = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) await one(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const perRun = roundTrips / RUNS;
  const statementsPerRun = statements / RUNS;
  const waits = await sampler.stop();
  const walBytes = Number((await ask(url, 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS d', [lsn])).d) / RUNS;
  const size = await ask(
    url,
    `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname LIKE 'prober_%' AND c.relkind = 'r'
               AND c.relname <> 'prober_scheduled_runs') AS bytes,
            (SELECT count(*) FROM prober_runs) AS runs,
            pg_total_relation_size('prober_scheduled_runs') AS claim_bytes,
            (SELECT count(*) FROM prober_scheduled_runs) AS claims`,
  );
  for (const r of replicas) await r.store.close();
  return {
    journeys,
    locations,
    runs: RUNS,
    runsPerSecond: Math.round(RUNS / seconds),
    statementsPerRun: Number(statementsPerRun.toFixed(2)),
    roundTripsPerRun: Number(perRun.toFixed(2)),
    walBytesPerRun: Math.round(walBytes),
    claimP99Ms: Number(p99(claimMs).toFixed(2)),
    // Samples (every 10 ms) with an evaluation waiting on its own journey's key / on the shared prober: key.
    sameJourneyLockWaitPct: waits.pct,
    sameJourneyWaitersMax: waits.max,
    crossJourneyLockWaitPct: waits.sharedPct,
    deferred: replicas.reduce((n, r) => n + r.deferred(), 0),
    bytesPerRun: Math.round(Number(size.bytes) / Number(size.runs)),
    bytesPerClaim: Math.round(Number(size.claim_bytes) / Number(size.claims)),
  };
}

/** One uncounted query on its own connection: the bench's own questions are not the fleet's statements. */
async function ask(url: string, text: string, params: unknown[] = []): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: url });
  uncounted.add(c);
  await c.connect();
  try {
    return (await c.query<Record<string, string>>(text, params)).rows[0] ?? {};
  } finally {
    await c.end();
  }
}

/**
 * The fleet's recent past, written straight into the tables before the cell is measured (not counted): for every
 * journey × location, HISTORY_MINUTES minutes of claimed ticks and stored runs (one step each, the sample run's
 * document), and its latest-result row. Tables and indexes then grow with the fleet, as they do in a real one,
 * instead of every cell writing into the same small tables.
 */
async function prefillHistory(url: string, journeys: number, locations: number, slot0: number): Promise<void> {
  const doc = JSON.stringify({ ...sampleRun({ journey: 'j', steps: [['http.get', 5]] }), location: 'loc' });
  const series = `SELECT 'j' || j AS journey, 'loc' || l AS location, $1::bigint - m * 60000 AS slot,
      'h-' || j || '-' || l || '-' || m AS run_id
    FROM generate_series(0, ${journeys - 1}) j, generate_series(0, ${locations - 1}) l,
         generate_series(1, ${HISTORY_MINUTES}) m`;
  const c = new pg.Client({ connectionString: url });
  uncounted.add(c);
  await c.connect();
  try {
    await c.query(
      `INSERT INTO prober_scheduled_runs (environment, location, journey, slot_ms, run_id, owner, claimed_ms)
         SELECT 'bench', location, journey, slot, run_id, 'history', slot FROM (${series}) s`,
      [slot0],
    );
    await c.query(
      `INSERT INTO prober_runs (run_id, environment, location, started_ms, status, document)
         SELECT run_id, 'test', location, slot, 'pass', $2 FROM (${series}) s`,
      [slot0, doc],
    );
    await c.query(
      `INSERT INTO prober_journey_runs (run_id, journey, location, status, started_ms, duration_ms)
         SELECT run_id, journey, location, 'pass', slot, 5 FROM (${series}) s`,
      [slot0],
    );
    await c.query(
      `INSERT INTO prober_step_results (run_id, journey, ordinal, step, service, status, duration_ms)
         SELECT run_id, journey, 0, 'http.get', 'api', 'pass', 5 FROM (${series}) s`,
      [slot0],
    );
    await c.query(
      `INSERT INTO prober_series (environment, journey, location, last_run_id, last_status, last_started_ms)
         SELECT 'test', journey, location, run_id, 'pass', slot FROM (${series}) s WHERE slot = $1::bigint - 60000`,
      [slot0],
    );
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
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

const load = () => os.loadavg().map((l) => Number(l.toFixed(2)));
console.log(JSON.stringify({ loadAverageAtStart: load(), runs: RUNS, replicas: REPLICAS, concurrency: CONCURRENCY }));
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
  // The cost per run as the fleet grows: 1,000 journeys against 10, averaged over the location counts.
  const mean = (j: number, pick: (r: (typeof rows)[number]) => number) => {
    const of = rows.filter((r) => r.journeys === j);
    return of.reduce((n, r) => n + pick(r), 0) / of.length;
  };
  const ratio = (pick: (r: (typeof rows)[number]) => number) => Number((mean(1_000, pick) / mean(10, pick)).toFixed(3));
  console.log(
    JSON.stringify({
      costPerRunRatio1000vs10: {
        roundTrips: ratio((r) => r.roundTripsPerRun),
        statements: ratio((r) => r.statementsPerRun),
        walBytes: ratio((r) => r.walBytesPerRun),
      },
    }),
  );
  // 100 locations × 1,000 journeys, each every minute, from the bytes measured at 1,000 × 50.
  const big = rows.find((r) => r.journeys === 1_000 && r.locations === 50)!;
  const runsPerMinute = 100 * 1_000;
  const gb = (bytes: number) => Number((bytes / 1e9).toFixed(2));
  console.log(
    JSON.stringify({
      fleet100x1000PerMinute: {
        runsPerMinute,
        gbStoredPerMinute: gb(runsPerMinute * big.bytesPerRun),
        gbOfWalPerMinute: gb(runsPerMinute * big.walBytesPerRun),
        gbKeptAtMaxRunsPerJourney1440: gb(runsPerMinute * 1_440 * big.bytesPerRun),
        claimRowsAt3hHorizon: runsPerMinute * 180,
        gbOfClaimsAt3hHorizon: gb(runsPerMinute * 180 * big.bytesPerClaim),
      },
    }),
  );
  console.log(JSON.stringify({ loadAverageAtEnd: load() }));
} finally {
  await server.stop();
}
