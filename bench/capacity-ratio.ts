/**
 * Capacity of `prober schedule` as a share of the floor, in one run (issue #29):
 *  1. the floor: the bare golden path in a closed loop with fresh connections in one process (bench/floor-loop.mjs),
 *     journeys/minute and CPU per journey;
 *  2. the prober: for each share of --shares, a fresh daemon (bench/capacity-daemon.ts: the real CLI, SQLite store,
 *     metrics, alerting, loop watchdog) planned at share x floor journeys/minute (K clones every --interval s);
 *     a stage holds when tick lag p99 < 100 ms, no tick was skipped and every run passed;
 *  3. prints the floor, the highest rate held, its ratio to the floor (goal >= 0.8), the daemon's CPU per journey
 *     against the floor's (goal <= 1.3x) and the tick-lag p99 at the held rate; with --profile DIR, the held stage is
 *     run once more under `--cpu-prof` and the profile left in DIR (summarise it with bench/profile-top.mjs).
 *   npm run build && node --import tsx bench/capacity-ratio.ts [--shares 0.2,0.4,0.6,0.8,1] [--stage-seconds 20]
 *     [--floor-seconds 15] [--interval 2] [--jitter 1500] [--timeout 400] [--profile /tmp/cap-prof]
 *     [--rates 6000,9000] (fixed planned journeys/min instead of shares) [--baseline DIR] (another built checkout,
 *     run first at each stage: a before/after pair under one load)
 * Both sides share this machine's cores with the cheap target (its own process): run it on an idle machine.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import {
  cleanUpOnSignal,
  lagP99,
  procSample,
  scrape,
  startSchedule,
  writeProject,
  type Daemon,
} from './capacity-daemon.js';
import { startCheapTarget } from './stats.js';

const { values } = parseArgs({
  options: {
    shares: { type: 'string' },
    rates: { type: 'string' },
    'stage-seconds': { type: 'string' },
    'warmup-seconds': { type: 'string' },
    'floor-seconds': { type: 'string' },
    interval: { type: 'string' },
    jitter: { type: 'string' },
    timeout: { type: 'string' },
    profile: { type: 'string' },
    baseline: { type: 'string' },
  },
});
// --baseline DIR: another built checkout (e.g. main's, for a before/after): each stage runs its daemon first, then
// this checkout's, at the same planned rate, so the pair shares one load average.
const baseline = values.baseline;
const shares = (values.shares ?? '0.2,0.4,0.6,0.8,1').split(',').filter(Boolean).map(Number);
// --rates: fixed planned rates (journeys/min) instead of shares of the floor, for before/after comparisons under a
// varying load (CPU per journey at one fixed rate is steadier than the held rate).
const rates = values.rates?.split(',').filter(Boolean).map(Number);
const stageSeconds = Number(values['stage-seconds'] ?? 20);
const warmupSeconds = Number(values['warmup-seconds'] ?? 5);
const floorSeconds = Number(values['floor-seconds'] ?? 15);
const intervalSeconds = Number(values.interval ?? 2);
const jitterMs = Number(values.jitter ?? 1500);
const timeoutMs = Number(values.timeout ?? 400);
const root = fileURLToPath(new URL('../', import.meta.url));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const target = await startCheapTarget(root);
const dirs: string[] = [];
let running: Daemon | undefined;
// Never leave a daemon or the target behind, even when the bench is interrupted.
cleanUpOnSignal(() => running, target.child);

interface Stage {
  planned: number;
  perMin: number;
  p99Ms: number;
  bound: string;
  skipped: number;
  notPassed: number;
  cpuMsPerJourney: number;
  daemonCpu: number;
  held: boolean;
}

async function stage(perMinPlanned: number, nodeArgs: readonly string[] = [], from = root): Promise<Stage> {
  const copies = Math.max(1, Math.round((perMinPlanned * intervalSeconds) / 60));
  const dir = mkdtempSync(join(tmpdir(), 'prober-capacity-'));
  dirs.push(dir);
  const config = writeProject(dir, from, { copies, intervalSeconds, jitterMs, timeoutMs });
  const d = await startSchedule(from, config, target.urls, dir, nodeArgs);
  running = d;
  try {
    await pause(warmupSeconds * 1_000);
    const a = await scrape(d.url);
    const pa = procSample(d.pid);
    await pause(stageSeconds * 1_000);
    const b = await scrape(d.url);
    const pb = procSample(d.pid);
    const seconds = (b.at - a.at) / 1000;
    const runs = b.runs - a.runs;
    const p99 = lagP99(a, b);
    const skipped = b.skipped - a.skipped;
    const notPassed = b.notPassed - a.notPassed;
    return {
      planned: (copies * 60) / intervalSeconds,
      perMin: (runs / seconds) * 60,
      p99Ms: p99.estimateMs,
      bound: p99.bound,
      skipped,
      notPassed,
      cpuMsPerJourney: (pb.cpuMs - pa.cpuMs) / Math.max(1, runs),
      daemonCpu: (pb.cpuMs - pa.cpuMs) / 10 / seconds,
      held: p99.under100ms && skipped === 0 && notPassed === 0 && runs > 0,
    };
  } finally {
    await d.stop();
    running = undefined;
  }
}

try {
  console.log(`load average before: ${load()}`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'bench/floor-loop.mjs'), target.urls.auth, target.urls.backend, String(floorSeconds)],
    { env: { ...process.env, BENCH_PASSWORD: 'bench-password-1234' } },
  );
  const floor = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { perMin: number; cpuMsPerJourney: number };
  console.log(
    `floor (bare closed loop, fresh connections, one process, ${floorSeconds} s): ${floor.perMin.toFixed(0)} journeys/min, ${floor.cpuMsPerJourney.toFixed(2)} ms CPU per journey`,
  );
  console.log(
    `prober: K clones every ${intervalSeconds} s (timeout ${timeoutMs} ms, start jitter ≤ ${jitterMs} ms), ${warmupSeconds} s warm-up, ${stageSeconds} s measured`,
  );
  console.log(
    '| share of floor | planned/min | journeys/min | tick lag p99 | skipped | not passed | CPU/journey | daemon CPU | load |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  let held: Stage | undefined;
  const row = (share: number, s: Stage, label = '') =>
    console.log(
      `| ${label}${share.toFixed(2)} | ${s.planned.toFixed(0)} | ${s.perMin.toFixed(0)} | ${s.p99Ms.toFixed(0)} ms (${s.bound}) | ${s.skipped} | ${s.notPassed} | ${s.cpuMsPerJourney.toFixed(2)} ms | ${s.daemonCpu.toFixed(0)} % | ${load()} |`,
    );
  for (const share of rates?.map((r) => r / floor.perMin) ?? shares) {
    if (baseline !== undefined) row(share, await stage(share * floor.perMin, [], baseline), 'baseline ');
    const s = await stage(share * floor.perMin);
    row(share, s);
    if (!s.held) break;
    held = s;
  }
  if (held === undefined) console.log('held rate: none of the planned rates was held');
  else {
    console.log(`held rate: ${held.perMin.toFixed(0)} journeys/min (planned ${held.planned.toFixed(0)})`);
    console.log(`ratio to the floor: ${(held.perMin / floor.perMin).toFixed(2)} (goal ≥ 0.8)`);
    console.log(
      `CPU per journey: ${held.cpuMsPerJourney.toFixed(2)} ms against ${floor.cpuMsPerJourney.toFixed(2)} ms bare: ${(held.cpuMsPerJourney / floor.cpuMsPerJourney).toFixed(2)}x (goal ≤ 1.3x)`,
    );
    console.log(`tick lag p99 at the held rate: ${held.p99Ms.toFixed(0)} ms (${held.bound})`);
  }
  const profileRate = held?.planned ?? rates?.[0];
  if (values.profile !== undefined && profileRate !== undefined) {
    // The profile covers the daemon's whole life (start-up, warm-up, stage, shutdown), not only the measured stage.
    const p = await stage(profileRate, ['--cpu-prof', `--cpu-prof-dir=${values.profile}`]);
    console.log(
      `CPU profile of the daemon at ${profileRate.toFixed(0)}/min planned (${p.perMin.toFixed(0)}/min, ${p.cpuMsPerJourney.toFixed(2)} ms CPU/journey under the profiler): ${values.profile}/*.cpuprofile, summarise with node bench/profile-top.mjs FILE`,
    );
  }
  console.log(`load average after: ${load()}`);
} finally {
  target.child.kill('SIGTERM');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
