import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { wireWorkspace } from './wire-harness.js';

// A TCP proxy between ioredis and a real Redis that cuts the connection after N bytes in one direction, or stops
// forwarding without closing: the verdict and the bytes in the evidence come from what the wire saw.
const PASSWORD = 'canary-ProxyRedis-3390';

type Mode = { cut: 'up' | 'down'; after: number } | { stall: true };
let mode: Mode = { stall: true };
let proxy: Server;
const open = new Set<Socket>();

function pipeCounting(from: Socket, to: Socket, direction: 'up' | 'down') {
  let seen = 0;
  from.on('data', (chunk: Buffer) => {
    if ('stall' in mode) return; // accepted, never forwarded, never closed
    const m = mode;
    if (m.cut === direction && seen + chunk.length > m.after) {
      const head = chunk.subarray(0, Math.max(0, m.after - seen));
      to.write(head, () => {
        from.destroy();
        to.destroy();
      });
      seen = m.after;
      return;
    }
    seen += chunk.length;
    to.write(chunk);
  });
}

const journeys = `
import Redis from 'ioredis';
import { journey, step } from 'golden-path-prober';

export const cart = journey({
  name: 'cart',
  description: 'through the proxy',
  capability: 'keep a cart',
  steps: [
    step('write', { service: 'redis', timeoutMs: 1500 }, async (ctx) => {
      const url = new URL(ctx.target('redis'));
      const redis = new Redis({ host: url.hostname, port: Number(url.port), password: ctx.secret('password'),
        retryStrategy: () => null, maxRetriesPerRequest: 0 });
      redis.on('error', () => {});
      ctx.defer(() => redis.disconnect());
      await redis.set('cart', 'x'.repeat(500));
      if ((await redis.get('cart'))?.length !== 500) ctx.fail('assertion', 'the cart is wrong');
    }),
  ],
});
`;

let redis: RedisServer;
let ws: Awaited<ReturnType<typeof wireWorkspace>>;
const outputs: string[] = [];

beforeAll(async () => {
  redis = await startRedis({ password: PASSWORD });
  proxy = createServer((client) => {
    const upstream = connect(redis.port, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    pipeCounting(client, upstream, 'up');
    pipeCounting(upstream, client, 'down');
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  ws = await wireWorkspace({
    'journeys.ts': journeys,
    'prober.config.json': JSON.stringify({
      environment: 'proxy',
      targets: { redis: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` },
      probes: ['journeys.ts'],
      secrets: { password: '${env:PASSWORD}' },
    }),
  });
});
afterAll(async () => {
  for (const s of open) s.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await redis.close();
  for (const out of outputs) expect(out).not.toContain(PASSWORD);
});

async function runThrough(m: Mode) {
  mode = m;
  const r = await ws.run(['cart'], { PASSWORD });
  outputs.push(JSON.stringify(r.result), r.stderr);
  return { failure: r.journey('cart').failure, sockets: r.failedStep('cart').evidence?.sockets ?? [] };
}

describe('a proxy that cuts or stalls the connection, judged from the wire', () => {
  it('cut after 100 bytes upstream → network, with the bytes each way in the evidence', async () => {
    const { failure, sockets } = await runThrough({ cut: 'up', after: 100 });
    expect(failure).toMatchObject({ step: 'write', category: 'network' });
    expect(sockets[0]).toMatchObject({ ended: expect.stringMatching(/peer-closed|reset/) });
    expect(sockets[0]!.bytesOut).toBeGreaterThan(100);
    expect(failure?.message).toMatch(/\d+ bytes sent, \d+ received/);
  });

  it('cut after 5 bytes downstream (the AUTH reply, then nothing) → network, 5 bytes in', async () => {
    const { failure, sockets } = await runThrough({ cut: 'down', after: 5 });
    expect(failure).toMatchObject({ step: 'write', category: 'network' });
    expect(sockets[0]).toMatchObject({ bytesIn: 5, ended: expect.stringMatching(/peer-closed|reset/) });
  });

  it('stops forwarding without closing → timeout, bytes sent and none received', async () => {
    const { failure, sockets } = await runThrough({ stall: true });
    expect(failure).toMatchObject({ step: 'write', category: 'timeout' });
    expect(sockets[0]).toMatchObject({ bytesIn: 0, ended: 'destroyed-at-deadline' });
    expect(sockets[0]!.bytesOut).toBeGreaterThan(0);
  });
});
