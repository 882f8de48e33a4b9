/**
 * Capacity of `prober schedule`: the real daemon process (bin/prober.js, bundled build, SQLite store, metrics, HTTP
 * endpoints, loop watchdog) runs K clones of the bundled API golden path on short intervals against the cheap
 * loopback target in its own process (bench/cheap-target.mjs), so the figures are the prober's, not a server's.
 *  1. Ramp: for each K of --ramp, a fresh daemon for --stage-seconds (after --warmup-seconds); the highest
 *     journeys/minute with tick lag p99 < 100 ms (from prober_tick_lag_seconds) and no skipped tick and every run passed is the capacity.
 *  2. Soak: --journeys clones until --runs runs or --max-minutes, sampling the daemon's RSS (from /proc) every
 *     --sample-seconds; prints the least-squares RSS slope after warm-up, as growth over --runs runs in % of RSS.
 *   npm run build && node --import tsx bench/capacity.ts [--ramp 84,168,252] [--stage-seconds 30]
 *     [--journeys 168] [--runs 50000] [--max-minutes 15] [--interval 2] [--jitter 1500] [--timeout 400]
 * (K clones every --interval seconds, a divisor of 60, is K x 60 / interval journeys per minute.)
 * A bench, run by hand: nothing here is asserted in the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cleanUpOnSignal,
  lagP99,
  procSample,
  scrape,
  slope,
  startSchedule,
  writeProject,
  type Daemon,
} from './capacity-daemon.js';
import { startCheapTarget } from './stats.js';

const { values } = parseArgs({
  options: {
    ramp: { type: 'string' },
    'stage-seconds': { type: 'string' },
    'warmup-seconds': { type: 'string' },
    jitter: { type: 'string' },
    timeout: { type: 'string' },
    interval: { type: 'string' },
    journeys: { type: 'string' },
    runs: { type: 'string' },
    'max-minutes': { type: 'string' },
    'sample-seconds': { type: 'string' },
  },
});
const ramp = (values.ramp ?? '84,168,252').split(',').filter(Boolean).map(Number);
const stageSeconds = Number(values['stage-seconds'] ?? 30);
const warmupSeconds = Number(values['warmup-seconds'] ?? 5);
const intervalSeconds = Number(values.interval ?? 2);
// Timeout + jitter must stay below the interval; a wide jitter spreads each second's runs instead of bursting them.
const jitterMs = Number(values.jitter ?? 1500);
const timeoutMs = Number(values.timeout ?? 400);
const soakJourneys = Number(values.journeys ?? 168);
const soakRuns = Number(values.runs ?? 50_000);
const maxMinutes = Number(values['max-minutes'] ?? 15);
const sampleSeconds = Number(values['sample-seconds'] ?? 10);
const root = fileURLToPath(new URL('../', import.meta.url));
const MB = 2 ** 20;

const target = await startCheapTarget(root);
const dirs: string[] = [];
let running: Daemon | undefined;
// Never leave a daemon or the target behind, even when the bench is interrupted.
cleanUpOnSignal(() => running, target.child);

async function daemonWith(copies: number): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'prober-capacity-'));
  dirs.push(dir);
  running = await startSchedule(
    root,
    writeProject(dir, root, { copies, intervalSeconds, jitterMs, timeoutMs }),
    target.urls,
    dir,
  );
  return running;
}

async function stopDaemon(d: Daemon): Promise<void> {
  await d.stop();
  running = undefined;
}

try {
  if (ramp.length > 0) {
    console.log(
      `ramp: K journeys, each every ${intervalSeconds} s (timeout ${timeoutMs} ms), start jitter up to ${jitterMs} ms; ${warmupSeconds} s warm-up, then ${stageSeconds} s measured`,
    );
    console.log(
      '| K | journeys/min | tick lag p99 | skipped ticks | not passed | mean journey | daemon CPU | target CPU | daemon RSS |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
  }
  let capacity = 0;
  for (const k of ramp) {
    const d = await daemonWith(k);
    await pause(warmupSeconds * 1_000);
    const a = await scrape(d.url);
    const pa = procSample(d.pid);
    const ta = procSample(target.child.pid!);
    await pause(stageSeconds * 1_000);
    const b = await scrape(d.url);
    const pb = procSample(d.pid);
    const tb = procSample(target.child.pid!);
    await stopDaemon(d);
    const seconds = (b.at - a.at) / 1000;
    const perMin = ((b.runs - a.runs) / seconds) * 60;
    const p99 = lagP99(a, b);
    const skipped = b.skipped - a.skipped;
    const notPassed = b.notPassed - a.notPassed;
    const cpu = (x: { cpuMs: number }, y: { cpuMs: number }) => `${((y.cpuMs - x.cpuMs) / 10 / seconds).toFixed(0)} %`;
    const meanMs = ((b.durationSum - a.durationSum) / Math.max(1, b.durationCount - a.durationCount)) * 1000;
    console.log(
      `| ${k} | ${perMin.toFixed(0)} | ${p99.estimateMs.toFixed(0)} ms (bucket ${p99.bound}, ${p99.ticks} ticks) | ${skipped} | ${notPassed} | ${meanMs.toFixed(0)} ms | ${cpu(pa, pb)} | ${cpu(ta, tb)} | ${(pb.rss / MB).toFixed(0)} MB |`,
    );
    if (p99.under100ms && skipped === 0 && notPassed === 0) capacity = Math.max(capacity, perMin);
  }
  if (ramp.length > 0)
    console.log(
      `highest rate held (tick lag p99 < 100 ms, 0 skipped ticks, every run passed): ${capacity.toFixed(0)} journeys/min`,
    );

  if (soakRuns > 0) {
    console.log(
      `soak: ${soakJourneys} journeys, each every ${intervalSeconds} s, until ${soakRuns} runs or ${maxMinutes} min`,
    );
    const d = await daemonWith(soakJourneys);
    await pause(warmupSeconds * 1_000);
    const first = await scrape(d.url);
    const samples: { runs: number; rss: number }[] = [];
    const started = Date.now();
    let last = first;
    while (last.runs - first.runs < soakRuns && Date.now() - started < maxMinutes * 60_000) {
      await pause(sampleSeconds * 1_000);
      last = await scrape(d.url);
      const { rss } = procSample(d.pid);
      samples.push({ runs: last.runs - first.runs, rss });
      if (samples.length % 6 === 0)
        console.log(`  ${String(last.runs - first.runs).padStart(6)} runs  rss ${(rss / MB).toFixed(1)} MB`);
    }
    await stopDaemon(d);
    const minutes = (last.at - first.at) / 60_000;
    const runs = last.runs - first.runs;
    const p99 = lagP99(first, last);
    // The first fifth is warm-up (JIT, pools, SQLite cache filling); growth after it is what a week would show.
    const steady = samples.slice(Math.floor(samples.length / 5));
    const bytesPerRun = slope(
      steady.map((s) => s.runs),
      steady.map((s) => s.rss),
    );
    const meanRss = steady.reduce((s, x) => s + x.rss, 0) / Math.max(1, steady.length);
    console.log(
      `soak: ${runs} runs in ${minutes.toFixed(1)} min (${(runs / minutes).toFixed(0)}/min), tick lag p99 ${p99.estimateMs.toFixed(0)} ms (bucket ${p99.bound}), skipped ticks ${last.skipped - first.skipped}, not passed ${last.notPassed - first.notPassed}`,
    );
    console.log(
      `  RSS ${(samples[0]!.rss / MB).toFixed(0)} → ${(samples.at(-1)!.rss / MB).toFixed(0)} MB; slope after warm-up ${(bytesPerRun / 1024).toFixed(2)} KB/run = ` +
        `${((bytesPerRun * soakRuns) / MB).toFixed(1)} MB over ${soakRuns} runs (${((100 * bytesPerRun * soakRuns) / meanRss).toFixed(2)} % of the mean RSS ${(meanRss / MB).toFixed(0)} MB)`,
    );
  }
} finally {
  if (running !== undefined) await running.stop();
  await target.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
