import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertNotification } from '../../src/alert/notification.js';
import { verifyWebhook } from '../../src/alert/webhook-signature.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { startDaemonProcess, targetArgs, waitFor, type DaemonProcess } from '../schedule/daemon-process.js';

/**
 * A delivery in flight on a replica that dies is completed by another replica, with the same `webhook-id`: two
 * `prober schedule` replicas on one real Postgres, a webhook receiver that holds the first request open, the
 * replica sending it (found from the socket it holds) SIGKILLed; the survivor delivers the row once the dead one's
 * lease has run out. The receiver deduplicates by `webhook-id`, as Standard Webhooks asks, and accepts one.
 */
const canary = `canary-${randomBytes(9).toString('hex')}`;
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const config = `${ROOT}/test/fixtures/schedule-takeover.ts`;

interface Arrival {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The sender's side of the connection (its local port). */
  port: number;
  res: ServerResponse;
}
const arrivals: Arrival[] = [];
/** webhook-id values already accepted: a repeat is acknowledged and dropped, as a deduplicating receiver does. */
const accepted = new Set<string>();
let held = true;
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const a = {
      at: Date.now(),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      port: req.socket.remotePort ?? 0,
      res,
    };
    arrivals.push(a);
    if (held) return; // the first delivery is held open until its sender dies
    accepted.add(String(req.headers['webhook-id']));
    res.writeHead(200).end('{}');
  });
});

let sandbox: Sandbox;
let server: PostgresServer;
const daemons: DaemonProcess[] = [];

beforeAll(async () => {
  receiver.listen(0, '127.0.0.1');
  [sandbox, server] = await Promise.all([
    startSandbox({ users: [{ email: 'probe@sandbox.test', password: canary }] }),
    startPostgres(),
    once(receiver, 'listening'),
  ]);
}, 60_000);
afterAll(async () => {
  for (const d of daemons) await d.stop('SIGKILL');
  receiver.closeAllConnections();
  receiver.close();
  await sandbox?.close();
  await server?.stop();
});

/** Which of `pids` holds the TCP connection whose local port is `port` (Linux: /proc/net/tcp and each fd's inode). */
function socketOwner(pids: number[], port: number): number | undefined {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(local))
      .map((f) => f[9]),
  );
  return pids.find((pid) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) =>
      inodes.has(/^socket:\[(\d+)\]$/.exec(safeLink(`/proc/${pid}/fd/${fd}`))?.[1]),
    ),
  );
}
function safeLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

describe('an in-flight delivery on a dying replica', () => {
  it('is completed by another replica with the same webhook-id; the receiver accepts exactly one', {
    timeout: 180_000,
  }, async () => {
    const url = server.url(await server.createDatabase('takeover'));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const env = {
      SANDBOX_PASSWORD: canary,
      PROBER_STORE_URL: url,
      PROBER_LOCATION: 'eu-west',
      ALERT_HOOK_URL: hook,
      ALERT_HOOK_SECRET: secret,
    };
    daemons.push(
      ...(await Promise.all(
        [0, 1].map(() => startDaemonProcess(['--config', config, ...targetArgs(sandbox)], env, 90_000)),
      )),
    );
    sandbox.faults.set('auth.token=http500');

    const first = await waitFor('the firing notification to reach the receiver', () => arrivals[0], 90_000, 100);
    const pids = daemons.map((d) => d.child.pid!);
    const sender = daemons.find((d) => d.child.pid === socketOwner(pids, first.port));
    expect(sender, 'one of the replicas holds the held connection').toBeDefined();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    let lease: { id: string; lease_until_ms: string };
    try {
      lease = (
        await db.query<{ id: string; lease_until_ms: string }>(
          'SELECT id, lease_until_ms FROM prober_outbox WHERE delivered_ms IS NULL AND lease_until_ms IS NOT NULL',
        )
      ).rows[0]!;
      expect(lease.id).toBe(first.headers['webhook-id']);

      // The sender dies mid-attempt; from now on the receiver answers.
      expect((await sender!.stop('SIGKILL')).signal).toBe('SIGKILL');
      held = false;
      const survivor = daemons.find((d) => d !== sender)!;
      const second = await waitFor('the same delivery from the surviving replica', () => arrivals[1], 90_000, 100);
      // Same delivery id (webhook-id), a fresh timestamp and signature per attempt, both valid.
      expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
      for (const a of [first, second])
        expect(verifyWebhook(secret, a.headers as Record<string, string>, a.body, new Date(a.at))).toBe(true);
      expect(AlertNotification.parse(JSON.parse(second.body))).toMatchObject({
        state: 'firing',
        deliveryId: lease.id,
        id: 'sandbox-takeover:golden-path-api',
      });
      // It waited for the dead replica's lease to run out: the two never sent it at once.
      expect(second.at).toBeGreaterThanOrEqual(Number(lease.lease_until_ms));
      await waitFor(
        'the row recorded delivered',
        async () =>
          (await db.query('SELECT 1 FROM prober_outbox WHERE id = $1 AND delivered_ms IS NOT NULL', [lease.id]))
            .rowCount === 1
            ? true
            : undefined,
        30_000,
        100,
      );
      expect((await survivor.stop('SIGTERM')).code).toBe(0);
      const rows = (
        await db.query<{ id: string; delivered: boolean }>(
          'SELECT id, delivered_ms IS NOT NULL AS delivered FROM prober_outbox',
        )
      ).rows;
      console.log(
        JSON.stringify({
          arrivals: arrivals.map((a) => ({ id: a.headers['webhook-id'], at: a.at })),
          leaseUntil: Number(lease.lease_until_ms),
          rows,
        }),
      );
      expect(rows).toEqual([{ id: lease.id, delivered: true }]);
    } finally {
      await db.end();
    }
    // Two arrivals of one delivery, one accepted after deduplication.
    expect(arrivals.map((a) => a.headers['webhook-id'])).toEqual([lease.id, lease.id]);
    expect([...accepted]).toEqual([lease.id]);
  });
});
