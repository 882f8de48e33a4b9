import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertNotification } from '../../src/alert/notification.js';
import { verifyWebhook } from '../../src/alert/webhook-signature.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { json, Receiver } from '../alert/receiver.js';
import { ROOT } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { getText, startDaemonProcess, targetArgs, waitFor, type DaemonProcess } from '../schedule/daemon-process.js';

/**
 * Two locations, two `prober schedule` replicas each, one real Postgres; each location probes its own sandbox, so a
 * fault can be put in one location's view only. The built-in policy is 2 of 2 locations: a fault seen from one
 * location fires nothing, from both exactly one firing, and clearing it exactly one resolved, whichever of the four
 * replicas judged and sent. Synchronised on the shared store and the receiver, never on sleeps.
 */
const canary = `canary-${randomBytes(9).toString('hex')}`;
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const KEY = 'sandbox-quorum:golden-path-api';
const config = `${ROOT}/test/fixtures/schedule-quorum.ts`;
let eu: Sandbox;
let us: Sandbox;
let server: PostgresServer;
let db: pg.Client;
const receiver = new Receiver();
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  const users = [{ email: 'probe@sandbox.test', password: canary }];
  [eu, us, server] = await Promise.all([
    startSandbox({ users }),
    startSandbox({ users }),
    startPostgres(),
    receiver.start(),
  ]);
}, 60_000);
afterAll(async () => {
  for (const d of daemons) await d.stop('SIGKILL');
  await db?.end();
  await receiver.stop();
  await eu?.close();
  await us?.close();
  await server?.stop();
});

interface Judgement {
  failing: boolean;
  failStreak: number;
  okStreak: number;
  lastJudgedAt: string;
}
interface StoredState {
  phase: string;
  locations?: Record<string, Judgement>;
}

async function alertState(): Promise<StoredState | undefined> {
  const { rows } = await db.query<{ state: StoredState }>('SELECT state FROM prober_alert_state WHERE key = $1', [KEY]);
  return rows[0]?.state;
}

describe('location quorum in the built-in policy (2 of 2), four replicas in two locations', () => {
  it('a fault seen from one location fires nothing; from both, one firing naming both; cleared, one resolved', {
    timeout: 240_000,
  }, async () => {
    const url = server.url(await server.createDatabase('quorum'));
    db = new pg.Client({ connectionString: url });
    const env = {
      SANDBOX_PASSWORD: canary,
      PROBER_STORE_URL: url,
      ALERT_HOOK_URL: `${receiver.url}/hook`,
      ALERT_HOOK_SECRET: secret,
    };
    const fleet: [string, Sandbox][] = [
      ['eu-west', eu],
      ['eu-west', eu],
      ['us-east', us],
      ['us-east', us],
    ];
    daemons.push(
      ...(await Promise.all(
        fleet.map(([location, sandbox]) =>
          startDaemonProcess(['--config', config, ...targetArgs(sandbox), '--location', location], env, 90_000),
        ),
      )),
    );
    await db.connect();

    // 1. Only eu-west's view fails. Wait until the shared state shows eu-west failing for a while and us-east
    // passing after that: the evaluation saw both, so no firing can have been enqueued (same transaction).
    eu.faults.set('auth.token=http500');
    const one = await waitFor(
      'eu-west failing and us-east passing in the shared alert state',
      async () => {
        const s = await alertState();
        const [e, u] = [s?.locations?.['eu-west'], s?.locations?.['us-east']];
        return e?.failing === true &&
          e.failStreak >= 4 &&
          u?.failing === false &&
          u.okStreak >= 1 &&
          u.lastJudgedAt > e.lastJudgedAt
          ? s
          : undefined;
      },
      90_000,
      200,
    );
    expect(one.phase).toBe('ok');
    expect(
      Number((await db.query('SELECT count(*) AS n FROM prober_outbox WHERE alert_key = $1', [KEY])).rows[0].n),
    ).toBe(0);
    expect(receiver.requests).toEqual([]);
    // The status page (any replica's) shows which location fails, and that the alert waits for a second one.
    const page = (await getText(`${daemons[3]!.url}/`)).body;
    expect(page).toMatch(/<li data-location="eu-west" data-status="fail">/);
    expect(page).toMatch(/<li data-location="us-east" data-status="(pass|degraded)">/);
    expect(page).toContain(
      '<p class="quorum" data-alert="ok">Alert not firing: fires while 2 of 2 locations fail · failing: eu-west</p>',
    );

    // 2. Both locations fail: one firing, naming both.
    us.faults.set('auth.token=http500');
    const [firing] = await receiver.waitFor(1, 90_000);
    const n = AlertNotification.parse(json(firing!));
    expect(n).toMatchObject({
      id: KEY,
      state: 'firing',
      locations: { required: 2, failing: ['eu-west', 'us-east'], passing: [], stale: [] },
    });
    expect(verifyWebhook(secret, firing!.headers as Record<string, string>, firing!.body, new Date())).toBe(true);
    expect((await getText(`${daemons[0]!.url}/`)).body).toMatch(
      /<p class="quorum" data-alert="firing">Alert firing: fires while 2 of 2 locations fail · failing: eu-west, us-east<\/p>/,
    );

    // 3. Both recover: one resolved.
    eu.faults.clear();
    us.faults.clear();
    await receiver.waitFor(2, 90_000);
    for (const d of daemons) expect((await d.stop('SIGTERM')).code).toBe(0);
    const states = receiver.requests.map((r) => [json(r).id, json(r).state, r.headers['webhook-id']]);
    console.log(JSON.stringify({ notifications: states, resolved: json(receiver.requests[1]!).locations }));
    expect(states.map(([id, state]) => [id, state])).toEqual([
      [KEY, 'firing'],
      [KEY, 'resolved'],
    ]);
    expect(new Set(states.map(([, , id]) => id)).size).toBe(2);
    // Every row delivered once, none pending or dead: nothing more would arrive however long we waited.
    const rows = (
      await db.query<{ delivered: boolean }>('SELECT delivered_ms IS NOT NULL AS delivered FROM prober_outbox')
    ).rows;
    expect(rows.map((r) => r.delivered)).toEqual([true, true]);
    for (const d of daemons) expect(`${d.stdout()}${d.stderr()}`.includes(canary)).toBe(false);
  });
});
