import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { hasStackTrace } from '../support/cli.js';
import { packedProject } from '../support/packed-project.js';
import { getText, startDaemonProcess, waitFor } from '../schedule/daemon-process.js';

// Probe bugs as users write them, in a fresh project that imports only `golden-path-prober`. Each faulty journey
// runs next to a healthy one; the secret is a canary that must never reach stdout or stderr.
const CANARY = 'canary-probe-fault-7f3a9';

interface Fault {
  body: string;
  /** `prober run`: the faulty journey's status and failure category, and the exit code. */
  status: 'error' | 'fail';
  category: 'prober' | 'timeout';
  message: RegExp;
  exit: number;
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
  'process.exit(0)': { body: 'process.exit(0);', status: 'error', category: 'prober', message: /called process\.exit\(0\)/, exit: 2 },
  'process.exit(1)': { body: 'process.exit(1);', status: 'error', category: 'prober', message: /called process\.exit\(1\)/, exit: 2 },
  'never-settling await': { body: 'await new Promise(() => {});', status: 'fail', category: 'timeout', message: /timed out after \d+ ms/, exit: 1 },
  // Started after a timer, so the healthy journey (which needs none) has finished; then the loop never yields.
  'synchronous busy loop': {
    body: 'await new Promise((r) => setTimeout(r, 20)); for (;;) {}',
    status: 'error',
    category: 'prober',
    message: /probe bug in journey faulty: its code blocked the event loop for over \d+ ms/,
    exit: 2,
  },
};

function journeyFile(name: string, body: string, prelude = ''): string {
  return `import { journey, step } from 'golden-path-prober';
${prelude}
export default journey({
  name: '${name}',
  description: '${name} journey',
  capability: 'do ${name} things',
  needs: { secrets: ['password'] },
  steps: [
    step('act', { service: 'svc', timeoutMs: 800 }, async (ctx) => {
      ${body}
    }),
  ],
});
`;
}

function config(extra: object = {}): string {
  return JSON.stringify({
    environment: 'faults',
    // Nothing listens there and no step connects: these journeys exercise the prober, not a service.
    targets: { svc: 'http://127.0.0.1:9' },
    probes: ['faulty.ts', 'steady.ts'],
    secrets: { password: '${env:FAULT_PASSWORD}' },
    versions: { svc: { enabled: false } },
    ...extra,
  });
}

function expectQuiet(stdout: string, stderr: string): void {
  for (const out of [stdout, stderr]) {
    expect(out).not.toContain(CANARY);
    expect(hasStackTrace(out)).toBe(false);
    expect(out).not.toContain('data:text/javascript'); // the transpiled probe source Node prints with a crash
    expect(out).not.toMatch(/^Node\.js v/m);
  }
}

describe('probe faults in prober run (packed package)', () => {
  it.each(Object.entries(FAULTS))('%s: that journey is judged, the other passes, reports are written', async (_name, fault) => {
    const project = packedProject();
    const dir = await project.workspace({
      'prober.config.json': config(),
      'faulty.ts': journeyFile('faulty', fault.body),
      'steady.ts': journeyFile('steady', `ctx.record('ok', 1);`),
    });
    const r = await project.prober(['run', '--config', 'prober.config.json', '--reporter', 'json=report.json', '--reporter', 'junit=report.xml', '--reporter', 'console'], {
      cwd: dir,
      env: { FAULT_PASSWORD: CANARY },
    });
    const failure = `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
    expect(r.code, failure).toBe(fault.exit);
    const report = RunResult.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    const faulty = report.journeys.find((j) => j.journey === 'faulty');
    expect(faulty, failure).toMatchObject({ status: fault.status, failure: { step: 'act', category: fault.category } });
    expect(faulty?.failure?.message).toMatch(fault.message);
    expect(report.journeys.find((j) => j.journey === 'steady')?.status).toBe('pass');
    expect(readFileSync(join(dir, 'report.xml'), 'utf8')).toContain('<testsuite name="faulty"');
    expect(r.stdout).toMatch(/faulty/); // the console reporter wrote its summary too
    expectQuiet(r.stdout, r.stderr);
    expect(JSON.stringify(report)).not.toContain(CANARY);
  });
});

describe('probe faults in prober schedule (packed package)', () => {
  const contained = Object.entries(FAULTS).filter(([name]) => name !== 'synchronous busy loop');

  it.each(contained)('%s: the faulty journey is recorded each time, the other keeps its schedule, the daemon goes on', async (_name, fault) => {
    const project = packedProject();
    const schedule = { schedule: '* * * * * *', timeoutMs: 800 };
    const dir = await project.workspace({
      'prober.config.json': config({ journeys: { faulty: schedule, steady: schedule }, scheduler: { maxRandomDelayMs: 0 }, store: { path: 'state.db' } }),
      'faulty.ts': journeyFile('faulty', fault.body),
      'steady.ts': journeyFile('steady', `ctx.record('ok', 1);`),
    });
    const daemon = await startDaemonProcess(['--config', 'prober.config.json', '--port', '0'], { FAULT_PASSWORD: CANARY }, 45_000, { bin: project.bin, cwd: dir });
    try {
      const results = async (journey: string) => RunResult.array().parse(JSON.parse((await getText(`${daemon.url}/api/results?journey=${journey}&limit=50`)).body));
      // Two faulty runs recorded (the daemon survived the first), and a steady run that started after the first fault.
      const faulted = await waitFor('two recorded faulty runs', async () => {
        const runs = (await results('faulty')).filter((r) => r.journeys[0]?.status === fault.status);
        return runs.length >= 2 ? runs : undefined;
      }, 30_000, 200);
      const firstFault = faulted.map((r) => r.finishedAt).sort()[0] ?? '';
      await waitFor('a steady run after the fault', async () => ((await results('steady')).some((r) => r.startedAt > firstFault && r.status === 'pass') ? true : undefined), 30_000, 200);
      const j = faulted[0]?.journeys[0];
      expect(j?.failure?.category).toBe(fault.category);
      expect(j?.failure?.message).toMatch(fault.message);
      expect((await getText(`${daemon.url}/healthz`)).status).toBe(200);
    } finally {
      const stopped = await daemon.stop();
      expect(stopped.code, daemon.stderr()).toBe(0);
    }
    expectQuiet(daemon.stdout(), daemon.stderr());
  });

  it('synchronous busy loop: the watchdog names the journey and ends the daemon with exit 2 after the other ran', async () => {
    const project = packedProject();
    const schedule = { schedule: '* * * * * *', timeoutMs: 800 };
    // The loop starts on the faulty journey's third run, so the schedule has been keeping time before it.
    const prelude = 'let runs = 0;';
    const body = `if (++runs < 3) return; ${FAULTS['synchronous busy loop']?.body ?? ''}`;
    const dir = await project.workspace({
      'prober.config.json': config({ journeys: { faulty: schedule, steady: schedule }, scheduler: { maxRandomDelayMs: 0 }, store: { path: 'state.db' } }),
      'faulty.ts': journeyFile('faulty', body, prelude),
      'steady.ts': journeyFile('steady', `ctx.record('ok', 1);`),
    });
    const daemon = await startDaemonProcess(['--config', 'prober.config.json', '--port', '0'], { FAULT_PASSWORD: CANARY }, 45_000, { bin: project.bin, cwd: dir });
    const bound = setTimeout(() => daemon.child.kill('SIGKILL'), 40_000); // a watchdog that never fires must not hang the suite
    const exited = await daemon.exited;
    clearTimeout(bound);
    const failure = `stderr: ${daemon.stderr()}`;
    expect(exited.code, failure).toBe(2);
    expect(daemon.stderr()).toMatch(/prober: journey faulty blocked the event loop for over \d+ ms \(a synchronous loop\?\); the daemon exits 2/);
    expectQuiet(daemon.stdout(), daemon.stderr());
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT journey, COUNT(*) AS n FROM journey_runs GROUP BY journey').all() as { journey: string; n: number }[];
      expect(rows.find((r) => r.journey === 'steady')?.n ?? 0, JSON.stringify(rows)).toBeGreaterThanOrEqual(2);
      // The blocked run left its in-flight marker: the next start records it as interrupted.
      expect(db.prepare("SELECT COUNT(*) AS n FROM in_flight WHERE journey = 'faulty'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
    expect(existsSync(join(dir, 'state.db'))).toBe(true);
  });
});
