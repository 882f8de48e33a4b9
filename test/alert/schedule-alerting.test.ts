import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT } from '../support/cli.js';
import { getText, startDaemonProcess, targetArgs, type DaemonProcess } from '../schedule/daemon-process.js';
import { json, Receiver } from './receiver.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'prober-schedule-alerts-'));
let sandbox: Sandbox;
let receiver: Receiver;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
  receiver = await new Receiver().start();
});
afterAll(async () => {
  await daemon?.stop('SIGKILL');
  await receiver?.stop();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('prober schedule alerts through the same pipeline, delivering in the background', { timeout: 90_000 }, () => {
  it('a fault fires once while the daemon keeps running; SIGTERM stops the deliverer and exits 0', async () => {
    receiver.respond = () => ({ status: 503 }); // first attempts fail: delivery must go on in the background
    sandbox.faults.set('auth.token=http500');
    daemon = await startDaemonProcess(
      [
        '--config',
        join(ROOT, 'test/fixtures/alerts-schedule.ts'),
        ...targetArgs(sandbox),
        '--store',
        join(dir, 'state.db'),
      ],
      { SANDBOX_PASSWORD: canary, ALERT_HOOK_URL: `${receiver.url}/hook` },
      30_000,
    );
    await receiver.waitFor(2, 40_000);
    receiver.respond = () => ({ status: 200 });
    await receiver.waitFor(0, 20_000, (rs) => rs.some((r) => r.answered === 200));
    const firing = receiver.requests.filter((r) => r.answered === 200).map(json);
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({
      state: 'firing',
      id: 'sandbox-schedule-alerts:golden-path-api',
      failure: { step: 'auth.token' },
    });
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const metrics = await getText(`${daemon.url}/metrics`);
    expect(metrics.body).toMatch(/prober_alert_deliveries_total\{channel="hook",outcome="accepted"[^}]*\} 1/);
    const stopped = await daemon.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(daemon.stderr().includes(canary)).toBe(false);
  });
});
