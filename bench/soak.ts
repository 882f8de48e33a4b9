/**
 * Soak and capacity of `prober schedule` in one process: the real daemon (node-cron, runner, SQLite store, metrics,
 * HTTP endpoints) runs K copies of the API golden path, each every second, against a sandbox in a child process.
 *  1. Ramp: K = each value of --ramp for --stage-seconds; the highest journeys/minute whose tick lag p99 stays under
 *     100 ms with no skipped tick is the sustained capacity.
 *  2. Soak: at --journeys copies until --runs runs, printing RSS and active handles every 500 runs, then the slopes.
 *   node --expose-gc --import tsx bench/soak.ts [--runs 5000] [--journeys 10] [--ramp 5,10,20,40] [--stage-seconds 20]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { prepareRun } from '../src/cli/execute-run.js';
import { journey } from '../src/journey/define.js';
import { startDaemon } from '../src/schedule/daemon.js';
import { SqliteRunStore } from '../src/store/sqlite-run-store.js';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, journeys: { type: 'string' }, ramp: { type: 'string' }, 'stage-seconds': { type: 'string' } },
});
const totalRuns = Number(values.runs ?? 5_000);
const soakJourneys = Number(values.journeys ?? 10);
const ramp = (values.ramp ?? '5,10,20,40').split(',').map(Number);
const stageSeconds = Number(values['stage-seconds'] ?? 20);
const root = fileURLToPath(new URL('../', import.meta.url));
const password = 'bench-password-1234';
const dir = mkdtempSync(join(tmpdir(), 'prober-soak-'));

const sandbox = spawn(process.execPath, [join(root, 'bin/prober.js'), 'sandbox', '--port', '0'], {
  env: { ...process.env, SANDBOX_PASSWORD: password },
  stdio: ['ignore', 'pipe', 'ignore'],
});
// Never leave the sandbox behind, even when the bench is interrupted.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    sandbox.kill('SIGTERM');
    process.exit(130);
  });
}
const [line] = (await once(sandbox.stdout, 'data')) as [Buffer];
const urls = JSON.parse(line.toString()) as Record<'auth' | 'backend' | 'web', string>;

interface Daemonised {
  url: string;
  stop: () => Promise<void>;
}

/** The real daemon with `copies` clones of the API journey, each every second (timeout 800 ms, no jitter). */
async function startCopies(copies: number, storeFile: string): Promise<Daemonised> {
  const prepared = await prepareRun({
    configPath: join(root, 'test/fixtures/schedule-every-second.ts'),
    targets: urls,
    env: { ...process.env, SANDBOX_PASSWORD: password },
    logLevel: 'silent',
  });
  const [api] = prepared.loaded.journeys;
  if (api === undefined) throw new Error('the fixture has no journey');
  const settings = { enabled: true, schedule: '* * * * * *', timeoutMs: 800, steps: {} };
  prepared.loaded.journeys = Array.from({ length: copies }, (_, i) => journey({ ...api, name: `api-${i}`, steps: api.steps }));
  prepared.loaded.config.journeys = Object.fromEntries(prepared.loaded.journeys.map((j) => [j.name, settings]));
  prepared.loaded.config.scheduler.maxRandomDelayMs = 0;
  prepared.runOptions.overrides = Object.fromEntries(prepared.loaded.journeys.map((j) => [j.name, { timeoutMs: 800 }]));
  const store = new SqliteRunStore(storeFile);
  const daemon = await startDaemon({
    loaded: prepared.loaded,
    store,
    storeLabel: storeFile,
    base: prepared.runOptions,
    log: pino({ level: 'error' }, pino.destination(2)),
    host: '127.0.0.1',
    port: 0,
    print: () => undefined,
  });
  return { url: daemon.url, stop: () => daemon.shutdown('bench done') };
}

/** Sums of the counters and the tick-lag histogram, read from /metrics like Prometheus would. */
interface Scrape {
  runs: number;
  skipped: number;
  /** Cumulative tick-lag histogram: upper bound in seconds → count. */
  lag: Map<string, number>;
  durationSum: number;
  durationCount: number;
}

async function scrape(url: string): Promise<Scrape> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (re: RegExp) => [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  return {
    runs: sum(/^prober_runs_total\{[^}]*\} (\S+)$/gm),
    skipped: sum(/^prober_ticks_skipped_total\{[^}]*\} (\S+)$/gm),
    lag: new Map([...text.matchAll(/^prober_tick_lag_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])])),
    durationSum: sum(/^prober_journey_duration_seconds_sum\{[^}]*\} (\S+)$/gm),
    durationCount: sum(/^prober_journey_duration_seconds_count\{[^}]*\} (\S+)$/gm),
  };
}

/** The histogram bucket holding the 99th percentile of the ticks between two scrapes ("≤ 25 ms"). */
function lagP99(a: Scrape, b: Scrape): { bound: string; under100ms: boolean } {
  const total = (b.lag.get('+Inf') ?? 0) - (a.lag.get('+Inf') ?? 0);
  for (const [le, count] of b.lag) {
    if (total > 0 && (count - (a.lag.get(le) ?? 0)) / total >= 0.99) {
      return { bound: le === '+Inf' ? '> 5 s' : `≤ ${Number(le) * 1000} ms`, under100ms: le !== '+Inf' && Number(le) <= 0.1 };
    }
  }
  return { bound: 'no ticks', under100ms: false };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = (globalThis as { gc?: () => void }).gc;

try {
  console.log(`ramp: K journeys every second for ${stageSeconds} s each`);
  let capacity = 0;
  for (const k of ramp) {
    const d = await startCopies(k, join(dir, `ramp-${k}.db`));
    await pause(2_000); // first ticks warm up connections; measure after
    const a = await scrape(d.url);
    await pause(stageSeconds * 1_000);
    const b = await scrape(d.url);
    await d.stop();
    const perMin = ((b.runs - a.runs) / stageSeconds) * 60;
    const p99 = lagP99(a, b);
    const skipped = b.skipped - a.skipped;
    const meanMs = ((b.durationSum - a.durationSum) / Math.max(1, b.durationCount - a.durationCount)) * 1000;
    console.log(`  K=${k}: ${perMin.toFixed(0)} journeys/min, tick lag p99 ${p99.bound}, skipped ticks ${skipped}, mean journey ${meanMs.toFixed(0)} ms`);
    if (p99.under100ms && skipped === 0) capacity = Math.max(capacity, perMin);
  }
  console.log(`sustained capacity (p99 tick lag < 100 ms, no skips): ${capacity.toFixed(0)} journeys/min`);

  if (totalRuns > 0) {
    console.log(`soak: ${soakJourneys} journeys every second until ${totalRuns} runs`);
    const d = await startCopies(soakJourneys, join(dir, 'soak.db'));
    const samples: { runs: number; rssMb: number; handles: number }[] = [];
    const t0 = Date.now();
    for (let next = 500; next <= totalRuns; ) {
      const { runs } = await scrape(d.url);
      if (runs < next) {
        await pause(250);
        continue;
      }
      gc?.();
      const s = { runs, rssMb: process.memoryUsage().rss / 2 ** 20, handles: process.getActiveResourcesInfo().length };
      samples.push(s);
      console.log(`  ${String(runs).padStart(5)} runs  rss ${s.rssMb.toFixed(1)} MB  active handles ${s.handles}`);
      next += 500;
    }
    const end = await scrape(d.url);
    await d.stop();
    const half = samples.slice(Math.floor(samples.length / 2)); // after warm-up: what growth would look like in a week
    const slope = (f: (s: (typeof samples)[number]) => number) => {
      const xs = half.map((s) => s.runs);
      const ys = half.map(f);
      const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
      const my = ys.reduce((a, b) => a + b, 0) / ys.length;
      const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
      const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
      return den === 0 ? 0 : (num / den) * 1_000;
    };
    console.log(`soak: ${end.runs} runs in ${((Date.now() - t0) / 60_000).toFixed(1)} min, skipped ticks ${end.skipped}`);
    console.log(`slope over the second half: rss ${slope((s) => s.rssMb).toFixed(2)} MB per 1000 runs, handles ${slope((s) => s.handles).toFixed(2)} per 1000 runs${gc === undefined ? ' (run with --expose-gc for a cleaner RSS slope)' : ''}`);
  }
} finally {
  sandbox.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
