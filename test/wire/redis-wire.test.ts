import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { GRACE_BOUND_MS, startControl, wireWorkspace } from './wire-harness.js';

// ioredis against a real Redis (Debian redis-server, own config), journeys through the packed package with no
// mapError: every fault must read as what happened on the wire, never as the prober's own error.
const PASSWORD = 'canary-RedisPass-8812';
const ACL = { name: 'probe', password: 'canary-AclPass-5531' };

const journeys = `
import Redis from 'ioredis';
import { journey, step } from 'golden-path-prober';

// A probe wants to see an outage, not ride it out: no reconnects, no retries. The first command connects.
const open = async (ctx, user) => {
  const url = new URL(ctx.target('redis'));
  const redis = new Redis({
    host: url.hostname,
    port: Number(url.port),
    ...(user === undefined ? { password: ctx.secret('redisPassword') } : { username: user, password: ctx.secret('aclPassword') }),
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  redis.on('error', () => {});
  ctx.defer(() => redis.quit());
  return redis;
};

const cart = (name, opts = {}) => journey({
  name,
  description: name,
  capability: 'keep a cart',
  steps: [
    step('connect', { service: 'redis', timeoutMs: opts.between === undefined ? 1500 : 10_000 }, async (ctx) => {
      const redis = await open(ctx, opts.user);
      ctx.vars.set('redis', redis);
      await redis.set(\`cart:\${name}\`, '1');
      if (opts.between !== undefined) await fetch(ctx.target('control') + '/' + opts.between);
    }),
    step('read', { service: 'redis', timeoutMs: 1500 }, async (ctx) => {
      const redis = ctx.vars.get('redis');
      if ((await redis.get(\`cart:\${name}\`)) !== '1') ctx.fail('assertion', 'the cart is gone');
      if (opts.failAtEnd) {
        ctx.record('localPort', redis.stream.localPort);
        ctx.fail('assertion', 'done: list my sockets');
      }
    }),
  ],
});

export const healthy = cart('healthy');
export const acl = cart('acl', { user: 'probe' });
export const concurrentA = cart('concurrent-a', { failAtEnd: true });
export const concurrentB = cart('concurrent-b', { failAtEnd: true });
export const restarted = cart('restarted', { between: 'restart' });
`;

let redis: RedisServer;
let control: Awaited<ReturnType<typeof startControl>>;
let ws: Awaited<ReturnType<typeof wireWorkspace>>;
const outputs: string[] = [];
const env = (password = PASSWORD, aclPassword = ACL.password) => ({
  REDIS_PASSWORD: password,
  ACL_PASSWORD: aclPassword,
});

beforeAll(async () => {
  redis = await startRedis({ password: PASSWORD, aclUser: ACL });
  control = await startControl({ restart: () => redis.restart() });
  ws = await wireWorkspace({
    'journeys.ts': journeys,
    'prober.config.json': JSON.stringify({
      environment: 'redis',
      targets: { redis: `http://127.0.0.1:${redis.port}`, control: control.url },
      probes: ['journeys.ts'],
      secrets: { redisPassword: '${env:REDIS_PASSWORD}', aclPassword: '${env:ACL_PASSWORD}' },
    }),
  });
});
afterAll(async () => {
  await control?.close();
  await redis?.close();
  for (const out of outputs) {
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(ACL.password);
  }
});

describe('ioredis against a real Redis, judged from the wire', () => {
  it('healthy → pass; wrong password and wrong ACL password → auth; concurrent journeys list only their own sockets', async () => {
    const ok = await ws.run(['healthy', 'acl', 'concurrent-a', 'concurrent-b'], env());
    outputs.push(JSON.stringify(ok.result), ok.stderr);
    expect(ok.journey('healthy').status).toBe('pass');
    expect(ok.journey('acl').status).toBe('pass');
    for (const name of ['concurrent-a', 'concurrent-b']) {
      const s = ok.failedStep(name);
      const mine = s.evidence?.metrics?.localPort;
      expect(mine).toBeGreaterThan(0);
      expect(s.evidence?.sockets?.map((x) => x.localPort)).toEqual([mine]);
      expect(s.evidence?.sockets?.[0]).toMatchObject({ reused: true, remote: `127.0.0.1:${redis.port}` });
    }
    const bad = await ws.run(['healthy', 'acl'], env('canary-wrong-1', 'canary-wrong-2'));
    outputs.push(JSON.stringify(bad.result), bad.stderr);
    for (const name of ['healthy', 'acl'])
      expect(bad.journey(name).failure).toMatchObject({ step: 'connect', category: 'auth' });
    expect(bad.journey('acl').failure?.message).toContain('WRONGPASS');
  });

  it('restarted between two steps → fail/network at the step using the kept connection, never prober', async () => {
    const r = await ws.run(['restarted'], env());
    outputs.push(JSON.stringify(r.result), r.stderr);
    expect(r.journey('restarted').status).toBe('fail');
    expect(r.journey('restarted').failure).toMatchObject({ step: 'read', category: 'network' });
    expect(r.failedStep('restarted').evidence?.sockets?.[0]).toMatchObject({
      ended: expect.stringMatching(/peer-closed|reset/),
    });
  });

  it('frozen with SIGSTOP → fail/timeout, and prober run exits within deadline + grace', async () => {
    process.kill(redis.pid(), 'SIGSTOP');
    try {
      const r = await ws.run(['healthy'], env());
      outputs.push(JSON.stringify(r.result), r.stderr);
      expect(r.journey('healthy').failure).toMatchObject({ step: 'connect', category: 'timeout' });
      const sockets = r.failedStep('healthy').evidence?.sockets ?? [];
      expect(sockets[0]).toMatchObject({ ended: 'destroyed-at-deadline', bytesIn: 0 });
      expect(r.durationMs).toBeLessThan(3_000 + GRACE_BOUND_MS);
    } finally {
      process.kill(redis.pid(), 'SIGCONT');
    }
  });

  it('stopped → fail/network at the first step that touches it', async () => {
    await redis.stop();
    const r = await ws.run(['healthy'], env());
    outputs.push(JSON.stringify(r.result), r.stderr);
    expect(r.journey('healthy').failure).toMatchObject({ step: 'connect', category: 'network' });
  });
});
