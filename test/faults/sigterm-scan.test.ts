import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { ChromiumProcesses } from '../browser/chromium-processes.js';
import { BIN, hasStackTrace, ROOT } from '../support/cli.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
/** SIGTERM arrival times after the run starts (its `run/start` line, before Chromium launches): 0 to 2 s. */
const OFFSETS_MS = Array.from({ length: 21 }, (_, i) => i * 100);

interface Outcome {
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
async function signalDuring(
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

function noCrash(o: Outcome): void {
  const where = `SIGTERM at +${o.offset} ms: exit ${o.code}/${o.signal}\n${o.stderr.slice(-1500)}`;
  expect(o.runId, where).not.toBe('');
  expect(o.stderr, where).not.toMatch(/internal error|Unhandled|triggerUncaughtException|operation was aborted\n/);
  expect(hasStackTrace(o.stderr), where).toBe(false);
  expect(o.leftover, `${where}\nChromium processes left behind`).toBe(0);
}

describeWithBrowser('SIGTERM at any moment of the first 2 s of a browser run', () => {
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

  it('prober run: always 143, the result reported, never exit 1, no Chromium left', { timeout: 600_000 }, async () => {
    const config = join(ROOT, 'test/fixtures/browser-sandbox.ts');
    for (const offset of OFFSETS_MS) {
      const cwd = join(work, `run-${offset}`);
      mkdirSync(cwd, { recursive: true });
      const o = await signalDuring('run', offset, ['--config', config, ...targets], cwd);
      noCrash(o);
      expect(o.code, `+${o.offset} ms: ${o.stderr.slice(-800)}`).toBe(143);
      // The result is reported: the verdict and the summary naming the run that was started.
      expect(o.stdout, `+${o.offset} ms`).toMatch(
        new RegExp(`^(PASS|DEGRADED|FAIL|ERROR): 1 journeys?,.*run ${o.runId}`, 'm'),
      );
      expect(o.stdout).toMatch(/golden-path-browser: /);
    }
  });

  it('prober schedule: always 0, the run stored (aborted when cut short), no Chromium left', {
    timeout: 900_000,
  }, async () => {
    const config = join(ROOT, 'test/fixtures/browser-schedule.ts');
    for (const offset of OFFSETS_MS.filter((_, i) => i % 1 === 0)) {
      const cwd = join(work, `schedule-${offset}`);
      mkdirSync(cwd, { recursive: true });
      const store = join(cwd, 'state.db');
      const o = await signalDuring('schedule', offset, ['--config', config, ...targets, '--store', store], cwd);
      noCrash(o);
      expect(
        o.code,
        `+${o.offset} ms: exit ${o.code}/${o.signal}\nstdout: ${o.stdout.slice(-600)}\nstderr: ${o.stderr.slice(-2500)}`,
      ).toBe(0);
      const db = new Database(store, { readonly: true, fileMustExist: true });
      const row = db.prepare('SELECT document FROM runs WHERE run_id = ?').pluck().get(o.runId) as string | undefined;
      db.close();
      expect(row, `+${o.offset} ms: run ${o.runId} not stored\n${o.stderr.slice(-800)}`).toBeDefined();
      const result = RunResult.parse(JSON.parse(row!));
      const j = result.journeys[0]!;
      // Cut short: `error` with category aborted, never "users cannot". Finished before the signal: any verdict.
      if (j.status === 'error')
        expect([j.failure?.category, j.verdict]).toEqual(['aborted', expect.stringMatching(/^Could not judge/)]);
      expect(j.verdict).not.toMatch(/^Users cannot/);
    }
  });
});
