import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli, type CliResult } from '../support/cli.js';
import { startDaemonProcess, targetArgs } from '../schedule/daemon-process.js';
import { json, Receiver } from './receiver.js';

/**
 * Alert state across prober versions and config changes, through the real CLI (`prober run --store`) and a real
 * webhook receiver on loopback: an old state keeps its open incident, an unreadable one is quarantined loudly,
 * and a journey disabled or removed while firing is resolved with a notification that says so.
 */
const canary = `canary-${randomBytes(9).toString('hex')}`;
const config = join(ROOT, 'test/fixtures/alerts-retire.ts');
const KEY = 'sandbox-retire:golden-path-api';
const dir = mkdtempSync(join(tmpdir(), 'prober-alert-lifecycle-'));
let sandbox: Sandbox;
let receiver: Receiver;
let store: string;
let n = 0;

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

async function probe(retire = ''): Promise<CliResult> {
  const targets = (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
  const cli = await runCli(['run', '--config', config, '--store', store, ...targets, '--log-format', 'json'], {
    env: { SANDBOX_PASSWORD: canary, ALERT_HOOK_URL: `${receiver.url}/hook`, RETIRE: retire },
  });
  if (cli.code !== 0 && cli.code !== 1) throw new Error(`prober run exited ${cli.code}: ${cli.stderr}`);
  expect(cli.stdout + cli.stderr).not.toContain(canary);
  return cli;
}
const received = () => receiver.requests.map(json);
const sql = <T>(fn: (db: Database.Database) => T): T => {
  const db = new Database(store);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

describe('alert state survives its own format and config changes (prober run --store)', { timeout: 150_000 }, () => {
  it.each([
    ['disabled', 'disable', 'disabled in the config'],
    ['removed from the probes', 'remove', 'no longer among the probes'],
  ])('a journey %s while firing is resolved, and the notification says why', async (_what, retire, why) => {
    sandbox.faults.set('auth.token=http500');
    await probe();
    await probe();
    expect(received().map((r) => `${r.id}:${r.state}`)).toEqual([`${KEY}:firing`]);
    sandbox.faults.clear();
    const after = await probe(retire);
    expect(after.code).toBe(0);
    expect(received().map((r) => `${r.id}:${r.state}`)).toEqual([`${KEY}:firing`, `${KEY}:resolved`]);
    const resolved = received()[1]!;
    expect(resolved.verdict).toBe(
      `golden-path-api is no longer probed (${why}): its alert is resolved without a passing run, so whether users can do it again is unknown`,
    );
    expect(resolved).toMatchObject({ failure: { step: 'auth.token' }, since: received()[0]!.since });
    expect(after.stderr).toContain('alert/retired');
    // Once resolved it stays quiet: the next run of the remaining journey sends nothing more.
    await probe(retire);
    expect(receiver.requests).toHaveLength(2);
  });

  it('an open incident stored by the previous format is upgraded, not re-fired, and resolves with its own start', async () => {
    await probe(); // creates the store
    const since = new Date(Date.now() - 10 * 60_000).toISOString();
    const notified = new Date(Date.now() - 60_000).toISOString(); // no reminder due yet
    const last = {
      runId: 'old-run',
      status: 'fail',
      startedAt: since,
      verdict: 'Users cannot log in: auth.token failed',
    };
    const failure = { step: 'auth.token', service: 'auth', category: 'http_status', message: 'HTTP 500' };
    const v1 = {
      version: 1,
      phase: 'critical',
      announced: 'critical',
      failStreak: 5,
      okStreak: 0,
      passStreak: 0,
      degradedStreak: 0,
      window: [],
      failingSince: since,
      since,
      failure,
      lastNotifiedAt: notified,
      last,
    };
    sql((db) => db.prepare('UPDATE alert_state SET state = ? WHERE key = ?').run(JSON.stringify(v1), KEY));
    sandbox.faults.set('auth.token=http500');
    await probe();
    expect(receiver.requests).toHaveLength(0); // the incident is still the same one
    expect(
      JSON.parse(sql((db) => db.prepare('SELECT state FROM alert_state WHERE key = ?').pluck().get(KEY) as string)),
    ).toMatchObject({ version: 3, phase: 'critical', failStreak: 6 });
    sandbox.faults.clear();
    await probe();
    await probe();
    expect(received()).toMatchObject([{ id: KEY, state: 'resolved', since, failure: { step: 'auth.token' } }]);
  });

  it('an unreadable state is quarantined with an error line and a prober: alert, never dropped in silence', async () => {
    await probe();
    const garbage = '{"version":2,"phase":"crit'; // a torn write
    sql((db) => db.prepare('UPDATE alert_state SET state = ? WHERE key = ?').run(garbage, KEY));
    const cli = await probe();
    const line = cli.stderr.split('\n').find((l) => l.includes('alert/state-quarantined'));
    expect(line, cli.stderr).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: 50, alert: KEY, reason: 'not valid JSON' });
    expect(sql((db) => db.prepare('SELECT key, state, reason FROM alert_state_quarantine').all())).toEqual([
      { key: KEY, state: garbage, reason: 'not valid JSON' },
    ]);
    expect(received()).toMatchObject([{ id: 'prober:sandbox-retire', state: 'firing', severity: 'warning' }]);
    expect(received()[0]!.verdict).toContain(
      'the alert state of golden-path-api was unreadable (not valid JSON) and was quarantined',
    );
    // The fresh state learns again (successThreshold passes): the prober alert resolves.
    await probe();
    expect(received().map((r) => `${r.id}:${r.state}`)).toEqual([
      'prober:sandbox-retire:firing',
      'prober:sandbox-retire:resolved',
    ]);
  });

  it('prober schedule restarted with the journey disabled resolves its open alert at startup, saying so', async () => {
    sandbox.faults.set('auth.token=http500');
    const env = (retire: string) => ({
      SANDBOX_PASSWORD: canary,
      ALERT_HOOK_URL: `${receiver.url}/hook`,
      SCHEDULE: '1',
      RETIRE: retire,
    });
    const args = ['--config', config, ...targetArgs(sandbox), '--store', store];
    const first = await startDaemonProcess(args, env(''));
    await receiver.waitFor(1, 40_000, (rs) => rs.some((r) => json(r).state === 'firing'));
    expect((await first.stop('SIGTERM')).code).toBe(0);
    const second = await startDaemonProcess(args, env('disable'));
    try {
      await receiver.waitFor(2, 30_000);
      expect(received().map((r) => `${r.id}:${r.state}`)).toEqual([`${KEY}:firing`, `${KEY}:resolved`]);
      expect(received()[1]!.verdict).toMatch(/^golden-path-api is no longer probed \(disabled in the config\)/);
    } finally {
      expect((await second.stop('SIGTERM')).code).toBe(0);
    }
    expect(second.stderr()).toContain('alert/retired');
    expect(first.stderr() + second.stderr()).not.toContain(canary);
  });
});
