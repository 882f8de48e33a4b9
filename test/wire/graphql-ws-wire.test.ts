import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRpcServer } from './rpc-process.js';
import { GRACE_BOUND_MS, startControl, wireWorkspace } from './wire-harness.js';

// GraphQL over WebSocket: a graphql-ws server (on ws) in its own process and the graphql-ws client in the journeys,
// through the packed package with no mapError. A query per step, and a subscription kept across two steps.
const TOKEN = 'canary-GqlToken-6630';

const journeys = `
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { journey, step } from 'golden-path-prober';

const open = (ctx) => {
  const client = createClient({
    url: ctx.target('gql').replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { token: ctx.secret('token') },
    retryAttempts: 0,
  });
  ctx.defer(() => client.dispose());
  return client;
};
const first = async (iterator) => {
  const { value, done } = await iterator.next();
  if (done) throw new Error('the stream ended');
  return value;
};

export const items = journey({
  name: 'items',
  description: 'a query',
  capability: 'list items',
  steps: [
    step('query', { service: 'gql', timeoutMs: 2000 }, async (ctx) => {
      const result = await first(open(ctx).iterate({ query: '{ items }' }));
      if (result.data?.items !== 3) ctx.fail('assertion', 'wrong items');
    }),
  ],
});

export const ticks = journey({
  name: 'ticks',
  description: 'a subscription kept across steps',
  capability: 'watch ticks',
  steps: [
    step('subscribe', { service: 'gql', timeoutMs: 10_000 }, async (ctx) => {
      const iterator = open(ctx).iterate({ query: 'subscription { tick }' });
      await first(iterator);
      ctx.vars.set('ticks', iterator);
      await fetch(ctx.target('control') + '/restart');
    }),
    step('next-tick', { service: 'gql', timeoutMs: 2000 }, async (ctx) => {
      const iterator = ctx.vars.get('ticks');
      for (let i = 0; i < 50; i++) await first(iterator);
    }),
  ],
});
`;

let server: Awaited<ReturnType<typeof startRpcServer>>;
let control: Awaited<ReturnType<typeof startControl>>;
let ws: Awaited<ReturnType<typeof wireWorkspace>>;
const outputs: string[] = [];

beforeAll(async () => {
  server = await startRpcServer('graphql', TOKEN);
  control = await startControl({ restart: () => server.restart() });
  ws = await wireWorkspace({
    'journeys.ts': journeys,
    'prober.config.json': JSON.stringify({
      environment: 'graphql',
      targets: { gql: `http://127.0.0.1:${server.port}`, control: control.url },
      probes: ['journeys.ts'],
      secrets: { token: '${env:TOKEN}' },
    }),
  });
});
afterAll(async () => {
  await control?.close();
  await server?.stop();
  for (const out of outputs) expect(out).not.toContain(TOKEN);
});

describe('graphql-ws over a real WebSocket, judged from the close codes and the wire', () => {
  it('healthy → pass; a wrong token → 4403 Forbidden → auth', async () => {
    const ok = await ws.run(['items'], { TOKEN });
    outputs.push(JSON.stringify(ok.result), ok.stderr);
    expect(ok.journey('items').status).toBe('pass');
    const bad = await ws.run(['items'], { TOKEN: 'canary-wrong-gql' });
    outputs.push(JSON.stringify(bad.result), bad.stderr);
    expect(bad.journey('items').failure).toMatchObject({ step: 'query', category: 'auth' });
    expect(bad.journey('items').failure?.message).toContain('4403');
  });

  it('restarted between two steps → the kept subscription fails as network, never prober', async () => {
    const r = await ws.run(['ticks'], { TOKEN });
    outputs.push(JSON.stringify(r.result), r.stderr);
    expect(r.journey('ticks').failure).toMatchObject({ step: 'next-tick', category: 'network' });
  });

  it('frozen with SIGSTOP → fail/timeout, and prober run exits within deadline + grace', async () => {
    const pid = server.pid();
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await ws.run(['items'], { TOKEN });
      outputs.push(JSON.stringify(r.result), r.stderr);
      expect(r.journey('items').failure).toMatchObject({ step: 'query', category: 'timeout' });
      expect(r.failedStep('items').evidence?.sockets?.[0]).toMatchObject({ ended: 'destroyed-at-deadline' });
      expect(r.durationMs).toBeLessThan(2_000 + GRACE_BOUND_MS);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('stopped → fail/network at the first step that touches it', async () => {
    await server.stop();
    const r = await ws.run(['items'], { TOKEN });
    outputs.push(JSON.stringify(r.result), r.stderr);
    expect(r.journey('items').failure).toMatchObject({ step: 'query', category: 'network' });
  });
});
