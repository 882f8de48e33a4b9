import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BIN, ROOT, runCli, type CliResult } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';
import { json, Receiver } from './receiver.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
const urlToken = `tok-${randomBytes(9).toString('hex')}`;
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const config = join(ROOT, 'test/fixtures/alerts-webhook.ts');
const dir = mkdtempSync(join(tmpdir(), 'prober-alert-cli-'));
let sandbox: Sandbox;
let receiver: Receiver;
let n = 0;
let store: string;

beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] });
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  receiver = await new Receiver().start();
  store = join(dir, `state-${++n}.db`);
});
afterEach(async () => {
  sandbox.faults.clear();
  await receiver.stop();
});

const env = (extra: NodeJS.ProcessEnv = {}) => ({
  SANDBOX_PASSWORD: canary,
  ALERT_HOOK_URL: `${receiver.url}/hook/${urlToken}`,
  ALERT_HOOK_SECRET: secret,
  ...extra,
});
const args = () => [
  'run',
  '--config',
  config,
  '--store',
  store,
  ...(['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]),
];

const outputs: string[] = [];
async function probe(): Promise<CliResult> {
  const cli = await runCli(args(), { env: env() });
  outputs.push(cli.stdout, cli.stderr);
  if (cli.code !== 0 && cli.code !== 1) throw new Error(`prober run exited ${cli.code}: ${cli.stderr}`);
  return cli;
}

function noLeaks(): void {
  const stored = readFileSync(store).toString('latin1');
  const texts: [string, string][] = [
    ['CLI output', outputs.join('\n')],
    ['bodies', receiver.requests.map((r) => r.body).join('\n')],
    ['store', stored],
  ];
  for (const [where, text] of texts) {
    expectNoSecrets(where, text, canary);
    expect(text.includes(urlToken), `${where} has the webhook URL token`).toBe(false);
    expect(text.includes(secret.slice('whsec_'.length)), `${where} has the signing secret`).toBe(false);
  }
}

describe('alerting through `prober run --store` against the sandbox', { timeout: 150_000 }, () => {
  it('kill -9 while a firing is pending (receiver down), restart: delivered with the same id, no second firing', async () => {
    sandbox.faults.set('chat.reply=empty');
    await receiver.stop();
    expect((await probe()).code).toBe(1);
    // The 2nd run fires; its flush keeps retrying the refused receiver; it is killed mid-retry.
    const child = spawn(process.execPath, [BIN, ...args(), '--log-level', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env({ ALERT_FLUSH_MS: '30000' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const retried = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no alert/retry within 20 s: ${stderr}`)), 20_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('alert/retry')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    await retried;
    child.kill('SIGKILL');
    await exited;
    outputs.push(stderr);
    const db = new Database(store, { readonly: true });
    const pending = db.prepare('SELECT id, attempts FROM outbox WHERE delivered_ms IS NULL').all() as {
      id: string;
      attempts: number;
    }[];
    db.close();
    expect(pending).toHaveLength(1);
    expect(pending[0]!.attempts).toBeGreaterThanOrEqual(1);

    await receiver.start();
    expect((await probe()).code).toBe(1); // still failing: the open incident must not fire again
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(pending[0]!.id);
    expect(json(receiver.requests[0]!)).toMatchObject({
      state: 'firing',
      deliveryId: pending[0]!.id,
      failure: { step: 'chat.reply', category: 'assertion' },
    });
    noLeaks();
  });

  it('prober alert test: each channel reports accepted (exit 0); a refusing receiver exits 1; an unknown channel exits 2', async () => {
    const ok = await runCli(['alert', 'test', '--config', config], { env: env() });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^hook \(webhook\): firing accepted \(HTTP 200\); resolved accepted \(HTTP 200\)$/m);
    expect(receiver.requests.map((r) => json(r))).toMatchObject([
      { test: true, state: 'firing', journey: 'prober-alert-test' },
      { test: true, state: 'resolved' },
    ]);
    receiver.respond = () => ({ status: 400 });
    const refused = await runCli(['alert', 'test', '--config', config, '--channel', 'hook'], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('firing refused: HTTP 400');
    const unknown = await runCli(['alert', 'test', '--config', config, '--channel', 'nope'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--channel: no channel "nope"');
    const missing = await runCli(['alert', 'test', '--config', config], { env: { ...env(), ALERT_HOOK_SECRET: '' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('alerts.channels.hook.secret: environment variable ALERT_HOOK_SECRET is not set');
    for (const r of [ok, refused, unknown, missing]) expect(r.stdout + r.stderr).not.toContain(urlToken);
  });
});
