import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { Receiver } from '../alert/receiver.js';
import { getText, startDaemonProcess, waitFor, type DaemonProcess } from '../schedule/daemon-process.js';
import { packedProject } from '../support/packed-project.js';
import { CANARY, config, expectQuiet, journeyFile } from './probe-fault-files.js';

// A journey that loops synchronously in `prober schedule`, next to a healthy one, in a project that imports only
// `golden-path-prober`. The design relies on a supervisor (systemd, Kubernetes): this test is it, restarting the
// daemon after the watchdog ends it. What must hold: the blocked run recorded once as error/prober, the looping
// journey quarantined (not run again), /healthz 503, the `prober:` alert at the webhook, the other journey on its
// schedule, no stack trace or secret on stderr, and no exit code that says "passed" for the blocked daemon.
const SCHEDULE = { schedule: '* * * * * *', timeoutMs: 800 };
// The loop starts on the third run, so the schedule has been keeping time before it; the secret is in scope.
const LOOPING = journeyFile(
  'faulty',
  `if (++runs < 3) return; const pw = ctx.secret('password'); await new Promise((r) => setTimeout(r, 20)); for (;;) { if (pw === '') break; }`,
  'let runs = 0;',
);
const FIXED = journeyFile('faulty', `ctx.record('fixed', 1);`);

describe('synchronous busy loop in prober schedule (packed package, the test as supervisor)', () => {
  const receiver = new Receiver();
  let dir = '';
  let bin = '';
  const env = () => ({ FAULT_PASSWORD: CANARY, ALERT_HOOK_URL: `${receiver.url}/hook` });
  const start = async (): Promise<DaemonProcess> =>
    startDaemonProcess(['--config', 'prober.config.json', '--port', '0'], env(), 45_000, { bin, cwd: dir });
  const results = async (daemon: DaemonProcess, journey: string) =>
    RunResult.array().parse(JSON.parse((await getText(`${daemon.url}/api/results?journey=${journey}&limit=100`)).body));
  const blockedRuns = async (daemon: DaemonProcess) =>
    (await results(daemon, 'faulty')).filter((r) => r.journeys[0]?.failure?.category === 'prober');
  const steadyRunAfter = (daemon: DaemonProcess, since: string) =>
    waitFor(
      'a steady run after the restart',
      async () =>
        (await results(daemon, 'steady')).some((r) => r.startedAt > since && r.status === 'pass') ? true : undefined,
      30_000,
      200,
    );
  const proberAlerts = () =>
    receiver.requests
      .map((r) => JSON.parse(r.body) as { id: string; state: string; verdict: string })
      .filter((a) => a.id === 'prober:faults');

  beforeAll(async () => {
    await receiver.start();
    const project = packedProject();
    bin = project.bin;
    dir = await project.workspace({
      'prober.config.json': config({
        journeys: { faulty: SCHEDULE, steady: SCHEDULE },
        scheduler: { maxRandomDelayMs: 0 },
        store: { path: 'state.db' },
        alerts: {
          channels: { hook: { type: 'webhook', url: '${env:ALERT_HOOK_URL}' } },
          delivery: { initialBackoffMs: 100, maxBackoffMs: 300 },
        },
      }),
      'faulty.ts': LOOPING,
      'steady.ts': journeyFile('steady', `ctx.record('ok', 1);`),
    });
  }, 600_000);
  afterAll(() => receiver.stop());

  it('exits 2 naming the journey and step, then the restart records it once, quarantines it and alerts; fixing the code lifts it', async () => {
    const first = await start();
    const bound = setTimeout(() => first.child.kill('SIGKILL'), 40_000); // a watchdog that never fires must not hang the suite
    const exited = await first.exited;
    clearTimeout(bound);
    expect(exited.code, first.stderr()).toBe(2);
    expect(first.stderr()).toMatch(
      /prober: journey faulty blocked the event loop for over \d+ ms \(a synchronous loop\?\); in step act; it is quarantined in \S+state\.db\.blocked-journeys\.json until its code changes; the daemon exits 2/,
    );
    expectQuiet(first.stdout(), first.stderr());
    const file = join(dir, 'state.db.blocked-journeys.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      journeys: [{ journey: 'faulty', step: { name: 'act' }, recorded: false }],
    });

    // The supervisor's restart: the blocked run is recorded, the journey held, the alert raised, the rest runs.
    const second = await start();
    const restartedAt = new Date().toISOString();
    try {
      const health = await getText(`${second.url}/healthz`);
      expect(health.status).toBe(503);
      expect(JSON.parse(health.body)).toMatchObject({
        status: 'quarantined',
        quarantined: [{ journey: 'faulty', step: 'act' }],
      });
      expect((await getText(`${second.url}/livez`)).status).toBe(200); // a restart would not cure it: liveness stays up
      const blocked = await blockedRuns(second);
      expect(blocked).toHaveLength(1);
      expect(blocked[0]?.journeys[0]).toMatchObject({ status: 'error', failure: { step: 'act', category: 'prober' } });
      expect(blocked[0]?.journeys[0]?.failure?.message).toMatch(
        /probe bug in journey faulty: its code blocked the event loop for over \d+ ms in step act .*quarantined/,
      );
      await receiver.waitFor(1, 20_000, () =>
        proberAlerts().some((a) => a.state === 'firing' && a.verdict.includes('blocked the event loop')),
      );
      await steadyRunAfter(second, restartedAt);
      await steadyRunAfter(second, new Date().toISOString()); // and the next tick too: it keeps its schedule
      expect((await results(second, 'faulty')).filter((r) => r.startedAt > restartedAt)).toEqual([]); // never scheduled
      expect((await getText(`${second.url}/metrics`)).body).toMatch(
        /prober_journey_quarantined\{[^}]*journey="faulty"[^}]*\} 1/,
      );
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
        journeys: [{ journey: 'faulty', recorded: true }],
      });
    } finally {
      expect((await second.stop()).code, second.stderr()).toBe(0);
    }
    expectQuiet(second.stdout(), second.stderr());

    // Another restart: still held, and the blocked run is not recorded a second time.
    const third = await start();
    try {
      await steadyRunAfter(third, new Date().toISOString());
      expect((await getText(`${third.url}/healthz`)).status).toBe(503);
      expect(await blockedRuns(third)).toHaveLength(1);
    } finally {
      expect((await third.stop()).code, third.stderr()).toBe(0);
    }

    // The operator fixes the probe: its code changed, so the next start lifts the quarantine and the alert resolves.
    writeFileSync(join(dir, 'faulty.ts'), FIXED);
    const fourth = await start();
    try {
      const since = new Date().toISOString();
      await waitFor(
        'a passing faulty run',
        async () =>
          (await results(fourth, 'faulty')).some((r) => r.startedAt > since && r.status === 'pass') ? true : undefined,
        30_000,
        200,
      );
      await receiver.waitFor(1, 20_000, () => proberAlerts().some((a) => a.state === 'resolved'));
      expect((await getText(`${fourth.url}/healthz`)).status).toBe(200);
      expect(existsSync(file)).toBe(false);
    } finally {
      expect((await fourth.stop()).code, fourth.stderr()).toBe(0);
    }
    for (const r of receiver.requests) expect(r.body).not.toContain(CANARY);
  }, 240_000);
});
