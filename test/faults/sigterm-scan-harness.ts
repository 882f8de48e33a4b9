import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ChromiumProcesses } from '../browser/chromium-processes.js';
import fixture from '../fixtures/browser-schedule.js';
import { BIN, hasStackTrace, ROOT } from '../support/cli.js';
import { lanes } from '../support/lanes.js';
import { phasedSeconds } from '../support/phased-cron.js';

// SIGTERM at any moment of the first 2 s of a browser run, `prober run` and `prober schedule` each in its own file
// (they scan in parallel): the shared sandbox, the signal sender and the checks every outcome must pass.

const canary = `canary-${randomBytes(9).toString('hex')}`;
/** SIGTERM arrival times after the run starts (its `run/start` line, before Chromium launches): 0 to 2 s. */
export const OFFSETS_MS = Array.from({ length: 11 }, (_, i) => i * 200);

/**
 * Scans every offset, `n` runs at a time (each its own process, cwd, store and Chromium): a scan is mostly
 * waiting (the daemon's first tick, the 2.5 s reply), so two lanes halve its wall time; each offset is still run and
 * checked on its own. Rejects with the first failing offset's assertion.
 */
export async function scanOffsets(check: (offset: number) => Promise<void>, n = 2): Promise<void> {
  const lane = lanes(n);
  await Promise.all(OFFSETS_MS.map((offset) => lane(() => check(offset))));
}

export interface Outcome {
  offset: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  runId: string;
  leftover: number;
}

/**
 * Starts `prober <command>`, waits for its first `run/start` log line (the run begins: browser launch, then the
 * first navigation), sends SIGTERM `offset` ms later and collects how it ended. Bounded: killed after 60 s.
 */
export async function signalDuring(
  command: 'run' | 'schedule',
  offset: number,
  args: string[],
  cwd: string,
): Promise<Outcome> {
  const procs = new ChromiumProcesses(randomUUID(), mkdtempSync(join(tmpdir(), 'prober-scan-tmp-')));
  // JSON logs (the daemon's only format; `run` is asked for them): the run's start is found by its `runId` and `msg`.
  const json = command === 'run' ? ['--log-format', 'json'] : [];
  const child = spawn(process.execPath, [BIN, command, ...args, '--log-level', 'info', ...json], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', PROBER_DEBUG: '1', SANDBOX_PASSWORD: canary, ...procs.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let runId = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    const m = /"runId":"([0-9a-f-]{36})"[^\n]*"msg":"run\/start"/.exec(stderr);
    if (runId === '' && m?.[1] !== undefined) {
      runId = m[1];
      setTimeout(() => child.kill('SIGTERM'), offset);
    }
  });
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(killer);
  return { offset, code, signal, stdout, stderr, runId, leftover: await procs.settle(0) };
}

export function noCrash(o: Outcome): void {
  const where = `SIGTERM at +${o.offset} ms: exit ${o.code}/${o.signal}\n${o.stderr.slice(-1500)}`;
  expect(o.runId, where).not.toBe('');
  expect(o.stderr, where).not.toMatch(/internal error|Unhandled|triggerUncaughtException|operation was aborted\n/);
  expect(hasStackTrace(o.stderr), where).toBe(false);
  expect(o.leftover, `${where}\nChromium processes left behind`).toBe(0);
}

/** The sandbox every scan runs against (its reply takes 2.5 s) and a scratch folder, for one describe block. */
export function scanRig(): { sandbox: () => Sandbox; work: () => string; targets: () => string[] } {
  let sandbox: Sandbox;
  let work: string;
  let targets: string[];
  beforeAll(async () => {
    sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
    // The reply takes 2.5 s, so every SIGTERM of the scan (0–2 s after the run starts) lands inside the run, on a fast
    // machine too: a browser journey that finished first would rightly exit 0.
    sandbox.faults.set('chat.reply=slow:2500');
    work = mkdtempSync(join(tmpdir(), 'prober-scan-'));
    targets = (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(work, { recursive: true, force: true });
  });
  return { sandbox: () => sandbox, work: () => work, targets: () => targets };
}

/** How long a daemon takes from spawn to its first tick being armed, generously (about 1 s on an idle box). */
const DAEMON_READY_MS = 2_500;

/**
 * test/fixtures/browser-schedule.ts as JSON in `cwd`, on the same 5 s interval but with its seconds shifted so the
 * first tick comes about DAEMON_READY_MS after the daemon is spawned (now). On the fixture's fixed grid (every 5th
 * second of the minute) each offset of the scan waited for the next multiple of 5 s (2.5 s on average, 11 times); a
 * daemon slower than the estimate only waits for the tick after, as before. The run, its deadlines and the interval
 * are the fixture's.
 */
export function phasedScheduleConfig(cwd: string, now = Date.now()): string {
  const seconds = phasedSeconds(5, DAEMON_READY_MS, now);
  const file = join(cwd, 'prober.config.json');
  const journey = fixture.journeys!['golden-path-browser']!;
  const config = {
    ...fixture,
    // Relative to the config file, as the fixture's own is.
    probes: [relative(cwd, join(ROOT, 'probes/golden-path-browser.ts'))],
    journeys: { 'golden-path-browser': { ...journey, schedule: `${seconds} * * * * *` } },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
