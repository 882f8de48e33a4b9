import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import {
  GROUP_INTERVAL_S,
  PEER_TIMEOUT_S,
  startAlertmanagerPair,
  type AlertmanagerPair,
} from '../alert/alertmanager-pair.js';
import { type PairNotification, runFleetScenario } from './fleet-scenario.js';

/**
 * The fleet scenario (fleet-scenario.ts) twice, at once: the replicas on Postgres directly, and through Debian's
 * PgBouncer in transaction mode. One Postgres server (a database each) and one Alertmanager pair (the scenarios'
 * environments keep their alert groups apart) serve both.
 */
const SEED = Number(process.env.FLEET_SEED ?? Math.floor(Math.random() * 2 ** 31));
let postgres: PostgresServer;
let pair: AlertmanagerPair;
let receiver: Server;
const notifications: PairNotification[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      notifications.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PairNotification);
      res.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  [postgres, pair] = await Promise.all([startPostgres(), startAlertmanagerPair(receiverUrl)]);
}, 60_000);
afterAll(async () => {
  await pair?.stop();
  await postgres?.stop();
  receiver?.close();
});

describe('the fleet scenario: 2 locations x 2 replicas, 20 SIGKILLs, two incidents, a webhook and the Alertmanager pair', () => {
  it('uses the documented pair settings: group_interval at least 4 x the peer timeout', () => {
    expect(GROUP_INTERVAL_S).toBeGreaterThanOrEqual(4 * PEER_TIMEOUT_S);
  });
  for (const store of ['postgres', 'pgbouncer'] as const)
    it.concurrent(`${store}: each incident gives exactly one firing and one resolved per channel, no tick missed or run twice, no sink/failed`, {
      timeout: 180_000,
    }, async ({ onTestFailed }) => {
      await runFleetScenario({
        store,
        postgres,
        pair,
        pairNotifications: () => notifications,
        seed: SEED,
        onFailed: onTestFailed,
      });
    });
  it('the pair sent every notification once and none failed', async () => {
    expect(await pair.counter('alertmanager_notifications_failed_total', /integration="webhook"/)).toBe(0);
    expect(await pair.counter('alertmanager_notifications_total', /integration="webhook"/)).toBe(notifications.length);
  });
});
