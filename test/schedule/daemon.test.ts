import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { SqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { ROOT } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';
import {
  getText,
  inFlightStep,
  startDaemonProcess,
  targetArgs,
  waitFor,
  type DaemonProcess,
} from './daemon-process.js';
import { metricProblems, parseMetrics } from './prom-text.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'prober-schedule-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type OnFinished = (fn: () => Promise<void>) => void;

/**
 * The four tests run at once (each mostly waits on ticks and deadlines), so each has a sandbox of its own (its own
 * faults and chat sessions), closed when it ends.
 */
async function ownSandbox(onTestFinished: OnFinished): Promise<Sandbox> {
  const sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
  onTestFinished(() => sandbox.close());
  return sandbox;
}

/** A daemon of this test, SIGKILLed when the test ends if it is still there. */
function killedAfter(daemon: DaemonProcess, onTestFinished: OnFinished): DaemonProcess {
  onTestFinished(async () => {
    await daemon.stop('SIGKILL');
  });
  return daemon;
}

const fixture = (name: string) => join(ROOT, 'test/fixtures', name);

async function runsTotal(url: string): Promise<number> {
  const m = parseMetrics((await getText(`${url}/metrics`)).body);
  return m.samples('prober_runs_total').reduce((sum, s) => sum + s.value, 0);
}

describe.concurrent('prober schedule against the sandbox', () => {
  it('runs the journey every second: store, /metrics, /api/results and /healthz agree; SIGTERM exits 0', async ({
    onTestFinished,
  }) => {
    const sandbox = await ownSandbox(onTestFinished);
    const store = join(dir, 'every-second.db');
    const daemon = killedAfter(
      await startDaemonProcess(
        ['--config', fixture('schedule-every-second.ts'), ...targetArgs(sandbox), '--store', store],
        { SANDBOX_PASSWORD: canary },
      ),
      onTestFinished,
    );
    expect(daemon.stdout()).toMatch(/golden-path-api\s+\* \* \* \* \* \*\s+1 s\s+700 ms/);
    const url = daemon.url;
    // ~10 s of one run per second; the deadline leaves room for a slow, shared machine.
    await waitFor('8 recorded runs', async () => ((await runsTotal(url)) >= 8 ? true : undefined), 40_000, 250);

    const health = await getText(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', stalled: [] });

    const metrics = await getText(`${url}/metrics`);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(metrics.body);
    // Failure counters are pre-initialised at 0 for every known step and category, so even on a healthy run every
    // metric has samples, with exactly the documented labels.
    expect(metricProblems(m)).toEqual([]);
    expect(m.family('prober_step_failures_total').type).toBe('COUNTER');
    expect(m.family('process_resident_memory_bytes').type).toBe('GAUGE');
    expect(m.samples('prober_journey_up')).toEqual([
      {
        labels: { journey: 'golden-path-api', environment: 'sandbox-schedule', location: 'default' },
        value: expect.any(Number),
      },
    ]);
    const steps = m.samples('prober_step_duration_seconds_count').map((s) => `${s.labels.step}/${s.labels.service}`);
    expect(steps.sort()).toEqual([
      'auth.token/auth',
      'chat.connect/backend',
      'chat.reply/backend',
      'chat.send/backend',
      'session.close/backend',
      'session.create/backend',
    ]);
    expect(
      m.samples('prober_runs_total').filter((s) => s.labels.status === 'pass' || s.labels.status === 'degraded').length,
    ).toBeGreaterThan(0);
    expect(m.samples('prober_last_run_timestamp_seconds')[0]!.value).toBeGreaterThan(Date.now() / 1000 - 5);

    const api = await getText(`${url}/api/results?journey=golden-path-api&limit=5`);
    expect(api.status).toBe(200);
    const docs = RunResult.array().parse(JSON.parse(api.body));
    expect(docs).toHaveLength(5);
    expect(
      docs.every((d) => d.journeys[0]?.journey === 'golden-path-api' && d.environment === 'sandbox-schedule'),
    ).toBe(true);
    expect(Date.parse(docs[0]!.startedAt)).toBeGreaterThan(Date.parse(docs[4]!.startedAt)); // newest first
    expect((await getText(`${url}/api/results?limit=0`)).status).toBe(400);
    expect((await getText(`${url}/nope`)).status).toBe(404);

    const stopped = await daemon.stop('SIGTERM');
    expect(stopped).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms).toBeLessThan(10_000);
    const seen = await runsTotal(url).catch(() => undefined);
    expect(seen).toBeUndefined(); // the HTTP server is closed

    const reopened = new SqliteRunStore(store);
    const all = await reopened.listRuns({ journey: 'golden-path-api', limit: 1_000 });
    await reopened.close();
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(new Set(all.map((r) => r.runId)).size).toBe(all.length);
    for (const [where, text] of [
      ['stdout', daemon.stdout()],
      ['stderr', daemon.stderr()],
      ['store', JSON.stringify(all)],
    ] as const) {
      expectNoSecrets(where, text, canary);
    }
    // One info line per run with verdict and duration.
    const runLines = daemon
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"msg":"run/end"'));
    expect(runLines.length).toBe(all.length);
    expect(JSON.parse(runLines[0]!)).toMatchObject({
      level: 30,
      journey: 'golden-path-api',
      status: expect.any(String),
      verdict: expect.stringMatching(/log in and chat/),
    });
    expect(runLines.some((l) => l.includes('"verdict":"Users can log in and chat"'))).toBe(true);
  }, 120_000);

  it('never runs a journey twice at once: a run that outlasts its tick makes the next ticks skip (counted)', async ({
    onTestFinished,
  }) => {
    const sandbox = await ownSandbox(onTestFinished);
    sandbox.faults.set('session.close=slow:1500');
    const store = join(dir, 'overlap.db');
    const daemon = killedAfter(
      await startDaemonProcess(['--config', fixture('schedule-overlap.ts'), ...targetArgs(sandbox), '--store', store], {
        SANDBOX_PASSWORD: canary,
      }),
      onTestFinished,
    );
    const started = daemon;
    // stderr and stdout are separate pipes: the warning may arrive just after the URL.
    await waitFor(
      'the overlap warning',
      () => (started.stderr().includes('overlapping ticks will be skipped') ? true : undefined),
      5_000,
      20,
    );
    const url = daemon.url;
    const skipped = async () =>
      parseMetrics((await getText(`${url}/metrics`)).body).samples('prober_ticks_skipped_total');
    await waitFor(
      '3 overlap skips and 3 runs',
      async () => {
        const overlap = (await skipped()).find((s) => s.labels.reason === 'overlap')?.value ?? 0;
        return overlap >= 3 && (await runsTotal(url)) >= 3 ? true : undefined;
      },
      40_000,
      250,
    );
    expect((await daemon.stop('SIGTERM')).code).toBe(0);

    const reopened = new SqliteRunStore(store);
    const runs = (await reopened.listRuns({ limit: 1_000 })).reverse();
    await reopened.close();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < runs.length; i++) {
      // Each run started only after the previous one had finished.
      expect(Date.parse(runs[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]!.finishedAt));
    }
    // Each run that reached its (slowed) cleanup really outlasted the 1 s interval.
    const cleaned = runs.filter((r) => r.journeys[0]?.steps.find((s) => s.name === 'session.close')?.status === 'pass');
    expect(cleaned.length).toBeGreaterThan(0);
    expect(cleaned.every((r) => r.durationMs >= 1_500)).toBe(true);
  }, 120_000);

  it('SIGTERM mid-run: exit 0 within 10 s, the in-flight run recorded as aborted, cleanup ran, no orphans', async ({
    onTestFinished,
  }) => {
    const sandbox = await ownSandbox(onTestFinished);
    sandbox.faults.set('chat.reply=silent');
    const store = join(dir, 'sigterm.db');
    const sessionsBefore = sandbox.chatSessions().length;
    const daemon = killedAfter(
      await startDaemonProcess(
        ['--config', fixture('schedule-shutdown.ts'), ...targetArgs(sandbox), '--store', store],
        { SANDBOX_PASSWORD: canary },
      ),
      onTestFinished,
    );
    // The daemon's own in-flight marker says which step is running: wait until the run holds a chat session
    // it knows about (waiting for the reply that the silent fault withholds).
    await waitFor(
      'a run in flight in chat.reply',
      () => (inFlightStep(store) === 'chat.reply' ? true : undefined),
      30_000,
      20,
    );
    const pid = daemon.child.pid!;
    const children = await childPids(pid);
    const stopped = await daemon.stop('SIGTERM');
    const tail = `daemon stderr (end): ${daemon.stderr().slice(-3_000)}`; // what to read when this fails on a busy machine
    expect(stopped, tail).toMatchObject({ code: 0, signal: null });
    expect(stopped.ms, tail).toBeLessThan(10_000);
    expect(alive(pid)).toBe(false);
    // Helpers such as tsx's esbuild service exit when their pipe to the daemon closes, a moment after it: allow that
    // moment (bounded), but nothing may outlive it.
    await waitFor(
      "the daemon's children to exit",
      () => (children.every((c) => !alive(c.pid)) ? true : undefined),
      3_000,
      20,
    ).catch(() => undefined);
    for (const c of children) expect(alive(c.pid), `child ${c.pid} (${c.cmd}) outlived the daemon`).toBe(false);
    expect(sandbox.chatSessions(), tail).toHaveLength(sessionsBefore); // session.close ran for the aborted run

    const reopened = new SqliteRunStore(store);
    const [last] = await reopened.listRuns({ limit: 1 });
    expect(await reopened.takeInFlight()).toEqual([]);
    await reopened.close();
    const j = last!.journeys[0]!;
    expect(last!.status, JSON.stringify(j.steps.map((x) => [x.name, x.status, x.durationMs, x.error?.message]))).toBe(
      'error',
    );
    expect(j.failure).toMatchObject({ category: 'aborted' });
    expect(j.steps.find((s) => s.name === 'session.close')?.status).toBe('pass');
    expect(daemon.stderr()).toMatch(/"msg":"schedule\/stopped"/);
  }, 120_000);

  it('kill -9 and restart: history intact, no duplicate runs, the killed run recorded once as aborted', async ({
    onTestFinished,
  }) => {
    const sandbox = await ownSandbox(onTestFinished);
    sandbox.faults.set('chat.reply=silent');
    const store = join(dir, 'kill9.db');
    const args = ['--config', fixture('schedule-shutdown.ts'), ...targetArgs(sandbox), '--store', store];
    const first = killedAfter(await startDaemonProcess(args, { SANDBOX_PASSWORD: canary }), onTestFinished);
    await waitFor('one finished run', async () => ((await runsTotal(first.url)) >= 1 ? true : undefined), 40_000, 100);
    const before = RunResult.array().parse(JSON.parse((await getText(`${first.url}/api/results?limit=1000`)).body));
    await waitFor(
      'the next run in flight',
      () => (inFlightStep(store) === 'chat.reply' ? true : undefined),
      30_000,
      20,
    );
    expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');

    sandbox.faults.clear();
    const second = killedAfter(await startDaemonProcess(args, { SANDBOX_PASSWORD: canary }), onTestFinished);
    await waitFor(
      'the recovery log line',
      () => (second.stderr().includes('run/recovered-as-aborted') ? true : undefined),
      5_000,
      20,
    );
    await waitFor(
      'a run after the restart',
      async () => ((await runsTotal(second.url)) >= 1 ? true : undefined),
      40_000,
      100,
    );
    expect((await second.stop('SIGTERM')).code).toBe(0);

    const reopened = new SqliteRunStore(store);
    const after = await reopened.listRuns({ limit: 1_000 });
    await reopened.close();
    const ids = after.map((r) => r.runId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of before) expect(after.find((a) => a.runId === r.runId)).toEqual(r);
    const recovered = after.filter((r) => r.journeys[0]?.failure?.message.includes('process ended during this run'));
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.journeys[0]!.failure).toMatchObject({
      category: 'aborted',
      step: expect.stringMatching(/^(chat\.|session\.)/),
    });
    expect(after.some((r) => r.status === 'pass')).toBe(true);
  }, 150_000);
});

async function childPids(pid: number): Promise<{ pid: number; cmd: string }[]> {
  const { execFileSync } = await import('node:child_process');
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .flatMap((m) => (m === null ? [] : [{ pid: Number(m[1]), cmd: m[2] ?? '' }]));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
