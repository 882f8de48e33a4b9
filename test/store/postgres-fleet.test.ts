import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { expectNoSecrets } from '../support/secrets.js';
import { getText, startDaemonProcess, targetArgs, waitFor, type DaemonProcess } from '../schedule/daemon-process.js';
import { parseMetrics } from '../schedule/prom-text.js';

const canary = `canary-${randomBytes(9).toString('hex')}`;
let sandbox: Sandbox;
let pgServer: PostgresServer;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  [sandbox, pgServer] = await Promise.all([
    startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] }),
    startPostgres(),
  ]);
}, 60_000);
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop('SIGKILL');
});
afterAll(async () => {
  await sandbox?.close();
  await pgServer?.stop();
});

const config = `${ROOT}/test/fixtures/schedule-fleet.ts`;
const results = async (url: string): Promise<RunResult[]> =>
  (JSON.parse((await getText(`${url}/api/results?limit=200`)).body) as unknown[]).map((r) => RunResult.parse(r));

describe('prober schedule on a shared Postgres store', () => {
  it('two locations write one history: every result, metric and the status page say where it was judged; the URL password never leaks', async () => {
    const url = pgServer.url(await pgServer.createDatabase('fleet'));
    const env = { SANDBOX_PASSWORD: canary, PROBER_STORE_URL: url };
    // One location from the environment, the other from the flag (which beats a PROBER_LOCATION it inherits).
    daemons.push(
      await startDaemonProcess(['--config', config, ...targetArgs(sandbox)], {
        ...env,
        PROBER_LOCATION: 'eu-west',
        PROBER_PUBLIC_URL: 'http://prober-eu.example:9470/',
      }),
    );
    daemons.push(
      await startDaemonProcess(['--config', config, ...targetArgs(sandbox), '--location', 'us-east'], {
        ...env,
        PROBER_LOCATION: 'eu-west',
      }),
    );
    const [eu, us] = daemons as [DaemonProcess, DaemonProcess];
    expect(eu.stdout()).toContain(`postgres://postgres@127.0.0.1:${pgServer.port}/`);

    // Either replica's API reads the shared store: both locations' runs appear on each.
    const both = await waitFor(
      'runs from both locations in the shared store',
      async () => {
        const runs = await results(eu.url);
        const where = new Set(runs.map((r) => r.location));
        return where.has('eu-west') && where.has('us-east') && runs.length >= 4 ? runs : undefined;
      },
      40_000,
      250,
    );
    expect(both.every((r) => r.environment === 'sandbox-fleet')).toBe(true);
    // Each result says which replica holds its artifacts (the one given PROBER_PUBLIC_URL; the other keeps links relative).
    expect(
      both.filter((r) => r.location === 'eu-west').every((r) => r.artifactsUrl === 'http://prober-eu.example:9470'),
    ).toBe(true);
    expect(both.filter((r) => r.location === 'us-east').every((r) => r.artifactsUrl === undefined)).toBe(true);
    expect((await results(us.url)).some((r) => r.location === 'eu-west')).toBe(true);

    for (const [d, location] of [
      [eu, 'eu-west'],
      [us, 'us-east'],
    ] as const) {
      const m = parseMetrics((await getText(`${d.url}/metrics`)).body);
      const runs = m.samples('prober_runs_total');
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.every((s) => s.labels.location === location && s.labels.environment === 'sandbox-fleet')).toBe(true);
      // Location health from the store: each replica exports every location's latest result, not only its own.
      const fleet = m.samples('prober_fleet_last_run_timestamp_seconds');
      expect(new Set(fleet.map((s) => s.labels.location))).toEqual(new Set(['eu-west', 'us-east']));
      expect(fleet.every((s) => s.value * 1000 > Date.now() - 60_000)).toBe(true);
      expect(m.samples('prober_fleet_journey_up').length).toBeGreaterThan(0);
    }
    const page = (await getText(`${us.url}/`)).body;
    expect(page).toMatch(/<li data-location="eu-west" data-status="(pass|degraded|fail|flaky|error)">/);
    expect(page).toMatch(/<li data-location="us-east" data-status="(pass|degraded|fail|flaky|error)">/);

    for (const d of daemons) expect((await d.stop('SIGTERM')).code).toBe(0);
    daemons.length = 0;
    for (const [where, text] of [
      ['eu stdout', eu.stdout()],
      ['eu stderr', eu.stderr()],
      ['us stdout', us.stdout()],
      ['us stderr', us.stderr()],
    ] as const) {
      expectNoSecrets(where, text, canary);
      expect(text.includes(pgServer.password), `${where} contains the Postgres password`).toBe(false);
    }
  });

  it('a store that cannot be reached is one line and exit 2, before anything runs', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BIN } = await import('../support/cli.js');
    const r = spawnSync(process.execPath, [BIN, 'schedule', '--config', config, ...targetArgs(sandbox)], {
      cwd: ROOT,
      env: {
        ...process.env,
        SANDBOX_PASSWORD: canary,
        PROBER_STORE_URL: `postgres://postgres:${pgServer.password}@127.0.0.1:1/nope`,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'prober: store: cannot open Postgres at postgres://postgres@127.0.0.1:1/nope: ECONNREFUSED',
    ]);
    expect(r.stderr.includes(pgServer.password)).toBe(false);
  });
});
