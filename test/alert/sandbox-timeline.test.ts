import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseRun, type BaseRun } from '../../src/assemble/base-run.js';
import { loadConfig, type LoadedConfig } from '../../src/config/load-config.js';
import { runJourneys } from '../../src/journey/run.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';
import { alertHarness, FAST_DELIVERY, type Harness } from './harness.js';
import { json, Receiver } from './receiver.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
let sandbox: Sandbox;
let receiver: Receiver;
let prepared: BaseRun & { loaded: LoadedConfig };
let h: Harness;

beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
  receiver = await new Receiver().start();
  const loaded = await loadConfig(join(ROOT, 'test/fixtures/alerts-webhook.ts'), {
    env: { SANDBOX_PASSWORD: canary },
    targets: { auth: sandbox.urls.auth, backend: sandbox.urls.backend, web: sandbox.urls.web },
  });
  prepared = { loaded, ...baseRun(loaded, { logLevel: 'silent' }) };
  h = alertHarness(
    { channels: { hook: { type: 'webhook', url: '${env:HOOK}' } }, delivery: FAST_DELIVERY },
    { HOOK: `${receiver.url}/hook` },
  );
});
afterAll(async () => {
  await h?.close();
  await receiver?.stop();
  await sandbox?.close();
});
afterEach(() => sandbox.faults.clear());

/** One real journey run against the sandbox, through the alert recorder, then delivery of whatever it queued. */
async function runOnce(): Promise<string> {
  const result = await runJourneys(prepared.loaded.journeys, { ...prepared.runOptions, runId: randomUUID() });
  await h.recorder.process(result);
  const { pending } = await h.deliverer.flush(5_000);
  expect(pending).toBe(0);
  return result.status;
}

describe('alert timeline against the sandbox (real runs, real receiver)', () => {
  it('fault on → exactly one firing after the 2nd failed run; fault off → exactly one resolved after the 2nd pass; nothing in between', async () => {
    const timeline: [status: string, received: number][] = [];
    sandbox.faults.set('session.create=http500');
    for (let i = 0; i < 3; i++) timeline.push([await runOnce(), receiver.requests.length]);
    sandbox.faults.clear();
    for (let i = 0; i < 3; i++) timeline.push([await runOnce(), receiver.requests.length]);
    expect(timeline).toEqual([
      ['fail', 0],
      ['fail', 1],
      ['fail', 1],
      ['pass', 1],
      ['pass', 2],
      ['pass', 2],
    ]);
    const [firing, resolved] = receiver.requests.map(json);
    expect(firing).toMatchObject({
      state: 'firing',
      id: 'sandbox-alerts:golden-path-api',
      failure: { step: 'session.create', service: 'backend', category: 'http_status' },
    });
    expect(resolved).toMatchObject({
      state: 'resolved',
      id: 'sandbox-alerts:golden-path-api',
      verdict: 'Users can log in and chat',
      since: firing?.since,
    });
    expectNoSecrets('webhook bodies', receiver.requests.map((r) => r.body).join('\n'), canary);
    expectNoSecrets('logs', h.lines.join('\n'), canary);
  });
});
