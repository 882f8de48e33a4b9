import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { packedProject } from '../support/packed-project.js';
import { getText, startDaemonProcess, waitFor } from '../schedule/daemon-process.js';
import { CANARY, config, expectQuiet, journeyFile } from './probe-fault-files.js';

interface Fault {
  body: string;
  /** `prober run`: the faulty journey's status and failure category, and the exit code. */
  status: 'error' | 'fail';
  category: 'prober' | 'timeout';
  message: RegExp;
  exit: number;
  /** The faulty step's deadline in `prober run`, when 800 ms is too short for the verdict to be the service's. */
  stepTimeoutMs?: number;
}

const FAULTS: Record<string, Fault> = {
  'unhandled rejection': {
    body: `void Promise.reject(new Error('lost promise for ' + ctx.secret('password'))); await new Promise(() => {});`,
    status: 'error',
    category: 'prober',
    message: /probe bug in journey faulty: unhandled rejection: Error: lost promise for \[REDACTED\]/,
    exit: 2,
  },
  'throw in a timer': {
    body: `setTimeout(() => { throw new Error('timer saw ' + ctx.secret('password')); }, 1); await new Promise(() => {});`,
    status: 'error',
    category: 'prober',
    message: /probe bug in journey faulty: uncaught exception: Error: timer saw \[REDACTED\]/,
    exit: 2,
  },
  'process.exit(0)': {
    body: 'process.exit(0);',
    status: 'error',
    category: 'prober',
    message: /called process\.exit\(0\)/,
    exit: 2,
  },
  'process.exit(1)': {
    body: 'process.exit(1);',
    status: 'error',
    category: 'prober',
    message: /called process\.exit\(1\)/,
    exit: 2,
  },
  // A deadline that passes is the service's only while the prober was not stalled for a quarter of it
  // (src/journey/stall-policy.ts). The prober's own work that falls inside this step (the run starting, the steady
  // journey beside it) is some 50 ms idle but was 240-430 ms with four busy loops beside it (measured): a third of
  // 800 ms, rightly "could not judge" (exit 2). At 3 s the same work stays under a sixth (at most 430 ms seen).
  'never-settling await': {
    body: 'await new Promise(() => {});',
    status: 'fail',
    category: 'timeout',
    message: /timed out after \d+ ms/,
    exit: 1,
    stepTimeoutMs: 3_000,
  },
  // Started after a timer, so the healthy journey (which needs none) has finished; then the loop never yields.
  'synchronous busy loop': {
    body: 'await new Promise((r) => setTimeout(r, 20)); for (;;) {}',
    status: 'error',
    category: 'prober',
    message: /probe bug in journey faulty: its code blocked the event loop for over \d+ ms/,
    exit: 2,
  },
};

describe('probe faults in prober run (packed package)', () => {
  it.each(Object.entries(FAULTS))(
    '%s: that journey is judged, the other passes, reports are written',
    async (_name, fault) => {
      const project = packedProject();
      const dir = await project.workspace({
        'prober.config.json': config(),
        'faulty.ts': journeyFile('faulty', fault.body, '', fault.stepTimeoutMs),
        'steady.ts': journeyFile('steady', `ctx.record('ok', 1);`),
      });
      const r = await project.prober(
        [
          'run',
          '--config',
          'prober.config.json',
          '--reporter',
          'json=report.json',
          '--reporter',
          'junit=report.xml',
          '--reporter',
          'console',
        ],
        {
          cwd: dir,
          env: { FAULT_PASSWORD: CANARY },
        },
      );
      const failure = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
      expect(r.code, failure).toBe(fault.exit);
      const report = RunResult.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
      const faulty = report.journeys.find((j) => j.journey === 'faulty');
      expect(faulty, failure).toMatchObject({
        status: fault.status,
        failure: { step: 'act', category: fault.category },
      });
      expect(faulty?.failure?.message).toMatch(fault.message);
      expect(report.journeys.find((j) => j.journey === 'steady')?.status).toBe('pass');
      expect(readFileSync(join(dir, 'report.xml'), 'utf8')).toContain('<testsuite name="faulty"');
      expect(r.stdout).toMatch(/faulty/); // the console reporter wrote its summary too
      expectQuiet(r.stdout, r.stderr);
      expect(JSON.stringify(report)).not.toContain(CANARY);
    },
  );
});

describe('probe faults in prober schedule (packed package)', () => {
  // The synchronous busy loop in the daemon: busy-loop-schedule.test.ts (it takes restarts).
  const contained = Object.entries(FAULTS).filter(([name]) => name !== 'synchronous busy loop');

  it.each(contained)(
    '%s: the faulty journey is recorded each time, the other keeps its schedule, the daemon goes on',
    async (_name, fault) => {
      const project = packedProject();
      const schedule = { schedule: '* * * * * *', timeoutMs: 800 };
      const dir = await project.workspace({
        'prober.config.json': config({
          journeys: { faulty: schedule, steady: schedule },
          scheduler: { maxRandomDelayMs: 0 },
          store: { path: 'state.db' },
        }),
        'faulty.ts': journeyFile('faulty', fault.body),
        'steady.ts': journeyFile('steady', `ctx.record('ok', 1);`),
      });
      const daemon = await startDaemonProcess(
        ['--config', 'prober.config.json', '--port', '0'],
        { FAULT_PASSWORD: CANARY },
        45_000,
        { bin: project.bin, cwd: dir },
      );
      try {
        const results = async (journey: string) =>
          RunResult.array().parse(
            JSON.parse((await getText(`${daemon.url}/api/results?journey=${journey}&limit=50`)).body),
          );
        // Two faulty runs recorded (the daemon survived the first), and a steady run that started after the first fault.
        const faulted = await waitFor(
          'two recorded faulty runs',
          async () => {
            const runs = (await results('faulty')).filter((r) => r.journeys[0]?.status === fault.status);
            return runs.length >= 2 ? runs : undefined;
          },
          30_000,
          200,
        );
        const firstFault = faulted.map((r) => r.finishedAt).sort()[0] ?? '';
        await waitFor(
          'a steady run after the fault',
          async () =>
            (await results('steady')).some((r) => r.startedAt > firstFault && r.status === 'pass') ? true : undefined,
          30_000,
          200,
        );
        const j = faulted[0]?.journeys[0];
        expect(j?.failure?.category).toBe(fault.category);
        expect(j?.failure?.message).toMatch(fault.message);
        expect((await getText(`${daemon.url}/healthz`)).status).toBe(200);
      } finally {
        const stopped = await daemon.stop();
        expect(stopped.code, daemon.stderr()).toBe(0);
      }
      expectQuiet(daemon.stdout(), daemon.stderr());
    },
  );
});
