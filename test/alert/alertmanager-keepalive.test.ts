import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { hasStackTrace, ROOT, runCli } from '../support/cli.js';
import { startDaemonProcess, targetArgs, type DaemonProcess } from '../schedule/daemon-process.js';
import { startAlertmanager, until, type AmAlert, type Alertmanager } from './alertmanager-process.js';
import { json, Receiver } from './receiver.js';

const TTL_MS = 8_000; // as in the fixture
const canary = `canary-${randomBytes(9).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'prober-am-keepalive-'));
let sandbox: Sandbox;
let am: Alertmanager;
/** Where Alertmanager itself notifies: it must never say "resolved" while the journey still fails. */
const downstream = new Receiver();
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
  await downstream.start();
  am = await startAlertmanager(
    [
      'route:',
      '  receiver: hook',
      '  group_by: [alertname, journey]',
      '  group_wait: 0s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${downstream.url}/hook`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
}, 40_000);
afterAll(async () => {
  await daemon?.stop('SIGKILL');
  await am?.stop();
  await downstream.stop();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ours = (alerts: AmAlert[]) =>
  alerts.find((a) => a.labels.journey === 'golden-path-api' && a.labels.alertname === 'GoldenPathJourneyFailing');
const amStatuses = () => downstream.requests.map((r) => String(json(r).status));

describe('a real Alertmanager keeps a firing alert alive with reminders off and a short TTL', {
  timeout: 150_000,
}, () => {
  it('active for the whole outage (three TTLs), its endsAt pushed forward; resolved after it', async () => {
    sandbox.faults.set('auth.token=http500');
    daemon = await startDaemonProcess(
      [
        '--config',
        join(ROOT, 'test/fixtures/alertmanager-keepalive.ts'),
        ...targetArgs(sandbox),
        '--store',
        join(dir, 'state.db'),
      ],
      { SANDBOX_PASSWORD: canary, AM_URL: am.url },
      45_000,
    );
    const context = () => `daemon stderr:\n${daemon?.stderr().slice(-3000)}\nalertmanager:\n${am.log().slice(-2000)}`;
    await until('the alert active in Alertmanager', async () => ours(await am.alerts()), 40_000, context);

    // The outage goes on for three TTLs: at every look Alertmanager holds the alert as active and not yet ended.
    const endsAts = new Set<string>();
    let looks = 0;
    const outageEnd = Date.now() + 3 * TTL_MS;
    while (Date.now() < outageEnd) {
      const alert = ours(await am.alerts());
      const seenAt = Date.now();
      expect(alert?.status.state, `look ${looks}: the alert left Alertmanager during the outage\n${context()}`).toBe(
        'active',
      );
      expect(Date.parse(alert!.endsAt)).toBeGreaterThan(seenAt);
      endsAts.add(alert!.endsAt);
      looks++;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(looks).toBeGreaterThan(20);
    // Only keep-alives move endsAt (reminders are off): at least one per TTL/4 of the 3 TTLs, minus slack for load.
    expect(endsAts.size).toBeGreaterThanOrEqual(4);
    expect(amStatuses()).not.toContain('resolved');
    expect(amStatuses()).toContain('firing');

    sandbox.faults.clear();
    await until(
      'the alert to leave Alertmanager',
      async () => (ours(await am.alerts()) === undefined ? true : undefined),
      40_000,
      context,
    );
    await until(
      'Alertmanager to notify "resolved"',
      async () => (amStatuses().includes('resolved') ? true : undefined),
      20_000,
      context,
    );
    const stopped = await daemon.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(daemon.stderr()).toContain('alert/resolved');
    expect(daemon.stderr().includes(canary)).toBe(false);
  });

  it('validate refuses a TTL the schedule cannot keep alive: one line naming the setting, exit 2', async () => {
    const validate = (ttl: number) =>
      runCli(['validate', '--config', join(ROOT, 'test/fixtures/alertmanager-keepalive.ts')], {
        env: { SANDBOX_PASSWORD: canary, AM_URL: am.url, AM_TTL_MS: String(ttl) },
      });
    const refused = await validate(7_999);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      `prober: alerts.channels.am.firingTtlMs: 7999 ms would let an alert expire in Alertmanager while golden-path-api still fails: an open alert is re-sent at a run once 2 s (firingTtlMs / 4) have passed, and "*/2 * * * * *" runs only every 2 s; set firingTtlMs to at least 8000 ms or schedule the journey more often`,
    ]);
    expect(hasStackTrace(refused.stderr)).toBe(false);
    expect((await validate(8_000)).code).toBe(0);
  });
});
