/**
 * The daemon's endpoint server holding 1,000 idle connections (opened, never sending a byte, as a slowloris or a
 * crowd of stuck clients would): /healthz must keep answering and the scheduler's tick lag p99 stay < 100 ms.
 *   node --import tsx bench/server-idle-connections.ts
 * Two child processes in the same run, each the endpoint server plus a CronScheduler ticking 10 journeys every
 * second: a bare baseline with no idle connections and the loaded one; the parent opens the connections (its own
 * file descriptors) and times /healthz. The window (8 s) stays inside headersTimeoutMs (10 s), after which the
 * server itself closes connections that never sent headers.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const WINDOW_MS = 8_000;
const IDLE = 1_000;

async function child(): Promise<void> {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const pino = (await import('pino')).default;
  const { ProberMetrics } = await import('../src/report/metrics.js');
  const { createEndpointServer, listen } = await import('../src/schedule/http-endpoints.js');
  const { CronScheduler } = await import('../src/schedule/cron-scheduler.js');
  const { SqliteRunStore } = await import('../src/store/sqlite-run-store.js');
  const log = pino({ level: 'silent' });
  const lags: number[] = [];
  const scheduler = new CronScheduler(
    Array.from({ length: 10 }, (_, i) => ({ journey: `j${i}`, schedule: '* * * * * *', run: async () => undefined })),
    { maxRandomDelayMs: 0, log, hooks: { onSkip: () => undefined, onTickLag: (_j, s) => void lags.push(s * 1_000) } },
  );
  const server = createEndpointServer({
    store: new SqliteRunStore(join(mkdtempSync(join(tmpdir(), 'bench-idle-')), 'state.db')),
    metrics: new ProberMetrics({ defaultMetrics: false }),
    monitor: scheduler.monitor,
    log,
    stopping: () => false,
    page: { environment: 'bench' },
  });
  const url = await listen(server, '127.0.0.1', 0);
  scheduler.start();
  process.send?.({ url });
  process.once('message', async () => {
    const connections = await new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
    const sorted = [...lags].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
    process.send?.({ ticks: sorted.length, p50: p(0.5), p99: p(0.99), connections });
    scheduler.destroy();
    process.exit(0);
  });
}

async function measure(idle: number): Promise<Record<string, number>> {
  const worker = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'] });
  const [{ url }] = (await once(worker, 'message')) as [{ url: string }];
  const { port } = new URL(url);
  const sockets: Socket[] = [];
  for (let i = 0; i < idle; i++) {
    const s = connect(Number(port), '127.0.0.1');
    s.on('error', () => undefined);
    sockets.push(s);
  }
  await Promise.all(sockets.map((s) => once(s, 'connect')));
  const healthMs: number[] = [];
  let failures = 0;
  const until = Date.now() + WINDOW_MS;
  while (Date.now() < until) {
    const t0 = performance.now();
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) healthMs.push(performance.now() - t0);
    else failures++;
    await res?.text();
    await new Promise((r) => setTimeout(r, 100));
  }
  worker.send('report');
  const [lag] = (await once(worker, 'message')) as [Record<string, number>];
  for (const s of sockets) s.destroy();
  healthMs.sort((a, b) => a - b);
  return { idle, ...lag, healthzMedianMs: healthMs[Math.floor(healthMs.length / 2)] ?? Number.NaN, failures };
}

if (process.argv.includes('--child')) await child();
else {
  const bare = await measure(0);
  const loaded = await measure(IDLE);
  for (const r of [bare, loaded]) {
    console.log(
      `${String(r.idle).padStart(5)} idle: ${r.connections} open at the end, /healthz median ${r.healthzMedianMs?.toFixed(1)} ms (${r.failures} failed), tick lag p50 ${r.p50?.toFixed(1)} ms p99 ${r.p99?.toFixed(1)} ms over ${r.ticks} ticks`,
    );
  }
  console.log(
    `healthz median ratio loaded/bare: ${((loaded.healthzMedianMs ?? 0) / (bare.healthzMedianMs ?? 1)).toFixed(2)}×`,
  );
  if (!((loaded.p99 ?? Infinity) < 100) || (loaded.failures ?? 1) > 0) process.exitCode = 1;
}
