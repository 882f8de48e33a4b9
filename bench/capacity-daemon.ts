import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Plan {
  copies: number;
  /** Each clone runs every this many seconds; clone i at second offset i mod interval, so the seconds share them. */
  intervalSeconds: number;
  /** node-cron start jitter: spreads each second's runs over this window. */
  jitterMs: number;
  timeoutMs: number;
}

/**
 * The capacity bench's daemon: a real `prober schedule` process (bin/prober.js, as a user starts it) with
 * `plan.copies` clones of the bundled API golden path, from a throwaway project whose `golden-path-prober` is this
 * checkout (a symlink, so the journeys import the very build the CLI runs).
 */
export function writeProject(dir: string, root: string, plan: Plan): string {
  const { copies, intervalSeconds: n, jitterMs, timeoutMs } = plan;
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'golden-path-prober'));
  const names = Array.from({ length: copies }, (_, i) => `api-${i}`);
  writeFileSync(
    join(dir, 'journeys.ts'),
    [
      "import { journey } from 'golden-path-prober';",
      `import api from ${JSON.stringify(join(root, 'probes/golden-path-api.ts'))};`,
      ...names.map((n, i) => `export const j${i} = journey({ ...api, name: '${n}' });`),
    ].join('\n'),
  );
  // Timeout + start jitter must stay below the interval (the config check refuses more), so no tick can overlap.
  const settings = (i: number) => ({ schedule: n === 1 ? '* * * * * *' : `${i % n}-59/${n} * * * * *`, timeoutMs });
  const config = {
    environment: 'capacity',
    targets: { auth: 'http://127.0.0.1:1', backend: 'http://127.0.0.1:1', web: 'http://127.0.0.1:1' },
    probes: ['./journeys.ts'],
    secrets: { password: '${env:BENCH_PASSWORD}' },
    variables: { email: 'probe@bench.test' },
    // Start jitter spreads each second's runs, as a user with many journeys would; tick lag is measured before it.
    scheduler: { maxRandomDelayMs: jitterMs },
    server: { port: 0 },
    // A bounded history: a week-long daemon prunes too, and an ever-growing file would be measured as "RSS growth".
    store: { path: join(dir, 'state.db'), maxRunsPerJourney: 50 },
    // The floor (bench/floor-loop.mjs) does the exchange and nothing else; no janitor login per run either.
    janitor: { enabled: false },
    journeys: Object.fromEntries(names.map((name, i) => [name, settings(i)])),
  };
  const file = join(dir, 'prober.config.ts');
  writeFileSync(
    file,
    `import { defineConfig } from 'golden-path-prober';\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`,
  );
  return file;
}

export interface Daemon {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts `prober schedule` and waits for the line naming its metrics URL. */
export async function startSchedule(
  root: string,
  config: string,
  targets: { auth: string; backend: string },
  cwd: string,
  /** Extra Node flags for the daemon, e.g. `--cpu-prof --cpu-prof-dir=DIR` (the profile is written at its exit). */
  nodeArgs: readonly string[] = [],
): Promise<Daemon> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeArgs,
      join(root, 'bin/prober.js'),
      'schedule',
      '--config',
      config,
      '--target',
      `auth=${targets.auth}`,
      '--target',
      `backend=${targets.backend}`,
      '--log-level',
      'error',
    ],
    {
      cwd,
      env: { ...process.env, BENCH_PASSWORD: 'bench-password-1234', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  let url: string | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    url = /metrics (http:\/\/\S+)\/metrics/.exec(line)?.[1];
    if (url !== undefined) break;
  }
  if (url === undefined) throw new Error(`prober schedule exited before listening (${String(child.exitCode)})`);
  child.stdout!.resume(); // keep draining: a full pipe would block the daemon
  return {
    pid: child.pid!,
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Counters and the tick-lag histogram, read from /metrics as Prometheus would. */
export interface Scrape {
  at: number;
  runs: number;
  /** Runs whose status was not pass (a timeout under load is a failed run, not a held rate). */
  notPassed: number;
  skipped: number;
  /** Cumulative tick-lag histogram: upper bound in seconds → count. */
  lag: Map<string, number>;
  durationSum: number;
  durationCount: number;
}

export async function scrape(url: string): Promise<Scrape> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (re: RegExp) => [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  return {
    at: Date.now(),
    runs: sum(/^prober_runs_total\{[^}]*\} (\S+)$/gm),
    notPassed: sum(/^prober_runs_total\{[^}]*status="(?!pass")[^}]*\} (\S+)$/gm),
    skipped: sum(/^prober_ticks_skipped_total\{[^}]*\} (\S+)$/gm),
    lag: new Map(
      [...text.matchAll(/^prober_tick_lag_seconds_bucket\{le="([^"]+)"[^}]*\} (\S+)$/gm)].map((m) => [
        m[1]!,
        Number(m[2]),
      ]),
    ),
    durationSum: sum(/^prober_journey_duration_seconds_sum\{[^}]*\} (\S+)$/gm),
    durationCount: sum(/^prober_journey_duration_seconds_count\{[^}]*\} (\S+)$/gm),
  };
}

/**
 * The 99th percentile of the ticks between two scrapes: the histogram bucket holding it ("≤ 25 ms") and, as
 * Prometheus' histogram_quantile does, an estimate interpolated linearly inside that bucket.
 */
export function lagP99(
  a: Scrape,
  b: Scrape,
): { bound: string; estimateMs: number; under100ms: boolean; ticks: number } {
  const ticks = (b.lag.get('+Inf') ?? 0) - (a.lag.get('+Inf') ?? 0);
  const rank = 0.99 * ticks;
  let lower = 0;
  let below = 0;
  for (const [le, count] of b.lag) {
    const cumulative = count - (a.lag.get(le) ?? 0);
    if (ticks > 0 && cumulative >= rank) {
      if (le === '+Inf') return { bound: '> 5 s', estimateMs: Number.POSITIVE_INFINITY, under100ms: false, ticks };
      const upper = Number(le);
      const estimate = cumulative === below ? upper : lower + ((upper - lower) * (rank - below)) / (cumulative - below);
      return { bound: `≤ ${upper * 1000} ms`, estimateMs: estimate * 1000, under100ms: estimate < 0.1, ticks };
    }
    if (le !== '+Inf') lower = Number(le);
    below = cumulative;
  }
  return { bound: 'no ticks', estimateMs: Number.NaN, under100ms: false, ticks };
}

/** Resident set (bytes) and CPU time (ms, all threads) of a process, from /proc. */
export function procSample(pid: number): { rss: number; cpuMs: number } {
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime (fields 14 and 15 of stat, counted from 1) in clock ticks of 10 ms on Linux.
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
  return { rss: rssKb * 1024, cpuMs };
}

/** Least-squares slope of ys against xs. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** On SIGINT or SIGTERM: stops the running daemon and the target, then exits 130. */
export function cleanUpOnSignal(running: () => Daemon | undefined, target: ChildProcess): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      const d = running();
      if (d !== undefined) process.kill(d.pid, 'SIGTERM');
      target.kill('SIGTERM');
      process.exit(130);
    });
  }
}
