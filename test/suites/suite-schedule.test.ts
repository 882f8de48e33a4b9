import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { json, Receiver } from '../alert/receiver.js';
import { describeWithBrowser } from '../browser/browser-gate.js';
import { type DaemonProcess, getText, startDaemonProcess } from '../schedule/daemon-process.js';
import { packedProject } from '../support/packed-project.js';
import { phasedSeconds } from '../support/phased-cron.js';
import { expectNoSecrets } from '../support/secrets.js';
import { expectNoCanaryIn, suiteWorkspace, targetsOf } from './suite-workspace.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const LOGOUT = 'chat-suite: logs out';
/**
 * From spawn to the first tick being armed, the suite's listing cached: a cold Node and the TypeScript config,
 * generously on a loaded box. A slower start only waits for the slot after, 20 s later.
 */
const DAEMON_READY_MS = 8_000;

describeWithBrowser('`prober schedule` on a Playwright suite (packed package, real @playwright/test)', () => {
  let sandbox: Sandbox;
  let receiver: Receiver;
  let daemon: DaemonProcess | undefined;
  let ws: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    await receiver?.stop();
    await sandbox?.close();
  });

  it('a fault injected then cleared: one firing and one resolved alert; the status page lists the journey and its artifacts', {
    timeout: 170_000,
  }, async () => {
    sandbox.faults.set('web.page=http500');
    // One suite journey every 20 s, one failure to fire and one pass to resolve, a webhook channel. The deadline is
    // below the interval, as prober schedule requires; a run that outlives it on a loaded box fails and the next one
    // resolves, inside the wait below.
    ws = await suiteWorkspace({
      suite: "grep: '@smoke',\n      timeoutMs: 18_000,",
      journeys: `'${LOGOUT}': { schedule: '*/20 * * * * *' } },
  scheduler: { maxRandomDelayMs: 0 },
  server: { port: 0 },
  alerts: {
    policy: { failureThreshold: 1, successThreshold: 1 },
    channels: { hook: { type: 'webhook', url: '\${env:ALERT_HOOK_URL}' } },
    delivery: { initialBackoffMs: 100, maxBackoffMs: 300 },`,
    });
    const env = { SANDBOX_PASSWORD: canary, ALERT_HOOK_URL: `${receiver.url}/hook` };
    // `prober validate` lists the suite, and the listing is cached in the project, so the daemon's start is short
    // and its first tick can come DAEMON_READY_MS after the spawn, not anywhere on the minute's :00/:30 grid.
    const validated = await packedProject().prober(['validate', '--config', 'prober.config.ts'], { cwd: ws, env });
    expect(validated.code, validated.stderr).toBe(0);
    const file = join(ws, 'prober.config.ts');
    const phased = `${phasedSeconds(20, DAEMON_READY_MS)} * * * * *`;
    writeFileSync(file, readFileSync(file, 'utf8').replace('*/20 * * * * *', phased));
    daemon = await startDaemonProcess(
      ['--config', 'prober.config.ts', ...targetsOf(sandbox), '--store', 'state.db'],
      env,
      45_000,
      { bin: packedProject().bin, cwd: ws },
    );
    const states = () => receiver.requests.filter((r) => r.answered === 200).map((r) => json(r).state);
    await receiver.waitFor(1, 70_000, () => states().includes('firing'));
    sandbox.faults.clear();
    await receiver.waitFor(2, 75_000, () => states().includes('resolved'));
    const alerts = receiver.requests.map(json);
    expect(alerts.map((a) => a.state)).toEqual(['firing', 'resolved']);
    expect(alerts[0]).toMatchObject({
      id: `suite-test:${LOGOUT}`,
      failure: { step: 'web.open', service: 'web', category: 'http_status' },
    });
    const page = await getText(`${daemon.url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(LOGOUT);
    const link = /href="\/?(artifacts\/[^"]+trace\.zip)"/.exec(page.body)?.[1];
    expect(link, 'the failed run links its scrubbed trace').toBeDefined();
    expect((await getText(`${daemon.url}/${link}`)).status).toBe(200);
    const stopped = await daemon.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expectNoSecrets('daemon stdout', daemon.stdout(), canary);
    expectNoSecrets('daemon stderr', daemon.stderr(), canary);
    expectNoSecrets('alerts', JSON.stringify(alerts), canary);
    expectNoCanaryIn(`${ws}/artifacts`, canary);
  });
});
