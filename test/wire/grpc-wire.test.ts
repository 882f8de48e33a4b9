import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRpcServer } from './rpc-process.js';
import { GRACE_BOUND_MS, startControl, wireWorkspace } from './wire-harness.js';

// A gRPC server and client from @grpc/grpc-js (HTTP/2), the server in its own process; journeys through the
// packed package with no mapError. A unary call per step, and a server stream kept across two steps.
const TOKEN = 'canary-GrpcToken-2207';

const journeys = `
import * as grpc from '@grpc/grpc-js';
import { journey, step } from 'golden-path-prober';

const json = { serialize: (v) => Buffer.from(JSON.stringify(v)), deserialize: (b) => JSON.parse(b.toString()) };
const method = (path, responseStream) => ({ path, requestStream: false, responseStream,
  requestSerialize: json.serialize, requestDeserialize: json.deserialize,
  responseSerialize: json.serialize, responseDeserialize: json.deserialize });
const Cart = grpc.makeGenericClientConstructor({ get: method('/cart.Cart/Get', false), watch: method('/cart.Cart/Watch', true) });

const open = (ctx) => {
  const url = new URL(ctx.target('cart'));
  const client = new Cart(url.host, grpc.credentials.createInsecure());
  ctx.defer(() => client.close());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', 'Bearer ' + ctx.secret('token'));
  return { client, metadata };
};
const get = ({ client, metadata }, ctx) => new Promise((resolve, reject) =>
  client.get({}, metadata, { deadline: ctx.deadline }, (err, reply) => (err ? reject(err) : resolve(reply))));

export const cart = journey({
  name: 'cart',
  description: 'unary calls',
  capability: 'see their cart',
  steps: [
    step('get', { service: 'cart', timeoutMs: 2000 }, async (ctx) => {
      const c = open(ctx);
      ctx.vars.set('c', c);
      if ((await get(c, ctx)).items !== 3) ctx.fail('assertion', 'wrong cart');
    }),
    step('again', { service: 'cart', timeoutMs: 2000 }, async (ctx) => {
      await get(ctx.vars.get('c'), ctx);
    }),
  ],
});

export const watch = journey({
  name: 'watch',
  description: 'a server stream kept across steps',
  capability: 'watch their cart',
  steps: [
    step('subscribe', { service: 'cart', timeoutMs: 10_000 }, async (ctx) => {
      const { client, metadata } = open(ctx);
      const stream = client.watch({}, metadata);
      const next = () => new Promise((resolve, reject) => {
        const onData = (m) => { stream.off('error', onError); resolve(m); };
        const onError = (e) => { stream.off('data', onData); reject(e); };
        stream.once('data', onData);
        stream.once('error', onError);
      });
      stream.on('error', () => {});
      ctx.vars.set('next', next);
      await next();
      await fetch(ctx.target('control') + '/restart');
    }),
    step('next-tick', { service: 'cart', timeoutMs: 2000 }, async (ctx) => {
      const next = ctx.vars.get('next');
      for (let i = 0; i < 50; i++) await next();
    }),
  ],
});
`;

let server: Awaited<ReturnType<typeof startRpcServer>>;
let control: Awaited<ReturnType<typeof startControl>>;
let ws: Awaited<ReturnType<typeof wireWorkspace>>;
const outputs: string[] = [];

beforeAll(async () => {
  server = await startRpcServer('grpc', TOKEN);
  control = await startControl({ restart: () => server.restart() });
  ws = await wireWorkspace({
    'journeys.ts': journeys,
    'prober.config.json': JSON.stringify({
      environment: 'grpc',
      targets: { cart: `http://127.0.0.1:${server.port}`, control: control.url },
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

describe('@grpc/grpc-js against its own server, judged from the wire and the status codes', () => {
  it('healthy → pass; a wrong token in the metadata → UNAUTHENTICATED → auth', async () => {
    const ok = await ws.run(['cart'], { TOKEN });
    outputs.push(JSON.stringify(ok.result), ok.stderr);
    expect(ok.journey('cart').status).toBe('pass');
    const bad = await ws.run(['cart'], { TOKEN: 'canary-wrong-token' });
    outputs.push(JSON.stringify(bad.result), bad.stderr);
    expect(bad.journey('cart').failure).toMatchObject({ step: 'get', category: 'auth' });
    expect(bad.journey('cart').failure?.message).toContain('UNAUTHENTICATED');
  });

  it('restarted between two steps → the kept stream fails as network, never prober', async () => {
    const r = await ws.run(['watch'], { TOKEN });
    outputs.push(JSON.stringify(r.result), r.stderr);
    expect(r.journey('watch').failure).toMatchObject({ step: 'next-tick', category: 'network' });
  });

  it('frozen with SIGSTOP → fail/timeout, and prober run exits within deadline + grace', async () => {
    const pid = server.pid();
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await ws.run(['cart'], { TOKEN });
      outputs.push(JSON.stringify(r.result), r.stderr);
      expect(r.journey('cart').failure).toMatchObject({ step: 'get', category: 'timeout' });
      expect(r.durationMs).toBeLessThan(4_000 + GRACE_BOUND_MS);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('stopped → fail/network (UNAVAILABLE) at the first step that touches it', async () => {
    await server.stop();
    const r = await ws.run(['cart'], { TOKEN });
    outputs.push(JSON.stringify(r.result), r.stderr);
    expect(r.journey('cart').failure).toMatchObject({ step: 'get', category: 'network' });
  });
});
