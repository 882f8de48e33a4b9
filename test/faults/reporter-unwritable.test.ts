import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { json, Receiver } from '../alert/receiver.js';
import { hasStackTrace, ROOT, runCli } from '../support/cli.js';
import { storedRunIds } from './store-fault-harness.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'prober-reporter-'));
const store = join(dir, 'state.db');
// A path under a regular file: unwritable even for root (ENOTDIR), as a report path on a missing mount would be.
const blocker = join(dir, 'not-a-directory');
const report = join(blocker, 'junit.xml');
let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  writeFileSync(blocker, 'a file, not a directory\n');
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
  receiver = await new Receiver().start();
});
afterAll(async () => {
  await receiver?.stop();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a reporter that cannot write loses nothing else', { timeout: 120_000 }, () => {
  it('stores the run, delivers the alert, shows the verdict, exits 2 with one line naming the path', async () => {
    sandbox.faults.set('auth.token=http500');
    const args = [
      'run',
      '--config',
      join(ROOT, 'test/fixtures/alerts-webhook.ts'),
      '--store',
      store,
      '--reporter',
      `junit=${report}`,
      ...(['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]),
    ];
    const env = {
      SANDBOX_PASSWORD: canary,
      ALERT_HOOK_URL: `${receiver.url}/hook`,
      ALERT_HOOK_SECRET: 'whsec_dGVzdC1zZWNyZXQtZm9yLXNpbmtz',
    };
    // The policy fires after two failed runs in a row: the second run is the one that must deliver.
    const first = await runCli(args, { env });
    const second = await runCli(args, { env });

    for (const cli of [first, second]) {
      expect(cli.code, cli.stderr).toBe(2);
      // The verdict is shown although the only reporter chosen failed.
      expect(cli.stdout).toMatch(/FAIL\s+golden-path-api: Users cannot log in and chat: auth step auth\.token failed/);
      expect(cli.stdout).toMatch(/^FAIL: 1 journeys?,/m);
      const naming = cli.stderr.split('\n').filter((l) => l.includes(report));
      expect(naming, cli.stderr).toHaveLength(1);
      expect(naming[0]).toMatch(/^prober: junit sink failed \(.*junit\.xml\): (ENOTDIR|EEXIST)/);
      expect(hasStackTrace(cli.stderr)).toBe(false);
    }
    // Both runs are in the store, once each, and the alert went out.
    const ids = [first, second].map((cli) => /run ([0-9a-f-]{36})/.exec(cli.stdout)?.[1]);
    const stored = storedRunIds(store);
    expect(ids.map((id) => stored.get(id ?? ''))).toEqual([1, 1]);
    const firing = receiver.requests.map(json).filter((n) => n.state === 'firing');
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ id: 'sandbox-alerts:golden-path-api', journey: 'golden-path-api' });
  });
});
