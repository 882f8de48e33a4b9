import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { journey, step } from '../../src/journey/define.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runInProcess } from '../support/in-process.js';

const password = 'step-kinds-password';
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }] });
});
afterAll(() => sandbox?.close());

const Token = z.object({ access_token: z.string() });
const Session = z.object({ session_id: z.string() });

function sseJourney(nonce: string) {
  return journey({
    name: 'sse',
    description: 'chat reply over server-sent events',
    capability: 'chat over SSE',
    steps: [
      step('login', { service: 'auth' }, async (ctx) => {
        const t = await (
          await ctx.http.post(`${ctx.target('auth')}/auth/login`, {
            json: { email: 'probe@sandbox.test', password: ctx.secret('password') },
          })
        ).json(Token);
        ctx.markSecret(t.access_token);
        ctx.vars.set('token', t.access_token);
        const s = await (
          await ctx.http.post(`${ctx.target('backend')}/api/sessions`, { bearer: t.access_token, json: {} })
        ).json(Session);
        ctx.vars.set('session', s.session_id);
      }),
      step('reply', { service: 'backend' }, async (ctx) => {
        const stream = await ctx.sse.open(`${ctx.target('backend')}/api/sessions/${ctx.vars.get('session')}/messages`, {
          bearer: ctx.vars.get('token'),
          json: { nonce, content: 'hello over SSE' },
        });
        const done = await stream.waitFor<{ nonce: string; reply: string }>((e) => e.event === 'agent_completed');
        if (done.data.nonce !== nonce || !done.data.reply.includes(nonce))
          ctx.fail('assertion', 'reply did not reference our nonce');
        ctx.record('events', stream.events.length);
      }),
    ],
  });
}

describe('step kinds against real servers', () => {
  it('SSE: reads the chat reply event by event', async () => {
    const r = await runInProcess([sseJourney('n-123')], { ...sandbox.urls }, { secrets: { password } });
    const j = r.journeys[0]!;
    expect(j.status).toBe('pass');
    // started + deltas + completed
    expect(j.steps[1]!.evidence?.metrics?.events).toBeGreaterThanOrEqual(3);
  });

  it('SSE: a silent reply ends at the step deadline as a timeout', async () => {
    sandbox.faults.set('chat.reply=silent');
    try {
      const r = await runInProcess([sseJourney('n-1')], { ...sandbox.urls }, { secrets: { password } });
      expect(r.journeys[0]!.failure).toMatchObject({ step: 'reply', category: 'timeout' });
    } finally {
      sandbox.faults.clear();
    }
  });

  describe('tagging and bounded bodies (a recording server)', () => {
    let server: Server;
    let wss: WebSocketServer;
    const seen: IncomingHttpHeaders[] = [];
    let base = '';
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push(req.headers);
        if (req.url === '/big') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`"${'x'.repeat(4096)}"`);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-42' });
        res.end('{"ok":true}');
      });
      wss = new WebSocketServer({ server });
      wss.on('connection', (socket, req) => {
        seen.push(req.headers);
        socket.send(Buffer.from([1, 2, 3]), { binary: true });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      wss.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('tags HTTP requests and the WebSocket upgrade with the user agent, run id and a traceparent of the recorded trace', async () => {
      seen.length = 0;
      const j = journey({
        name: 'tags',
        description: 'd',
        capability: 'x',
        steps: [
          step('get', { service: 'svc' }, async (ctx) => {
            await (await ctx.http.get(`${ctx.target('svc')}/x`)).json(z.object({ ok: z.boolean() }));
          }),
          step('ws', { service: 'svc' }, async (ctx) => {
            const c = await ctx.ws.connect(`${ctx.target('svc').replace('http', 'ws')}/ws`);
            await c.waitFor(() => true);
          }),
        ],
      });
      const r = await runInProcess([j], { svc: base });
      const [get, ws] = r.journeys[0]!.steps;
      expect(seen).toHaveLength(2);
      for (const h of seen) {
        expect(h['user-agent']).toContain('golden-path-prober/');
        expect(h['x-synthetic-probe']).toBe(r.runId);
        expect(h.traceparent).toMatch(new RegExp(`^00-${get!.evidence!.traceId}-[0-9a-f]{16}-01$`));
      }
      expect(get!.evidence?.requestIds).toEqual(['req-42']);
      expect(get!.evidence?.http?.[0]?.timings.connectMs).toBeGreaterThanOrEqual(0);
      // A binary frame where JSON was expected is a contract failure, not a crash.
      expect(ws!.error?.category).toBe('contract');
    });

    it('cuts a body above the cap and fails as contract', async () => {
      const j = journey({
        name: 'cap',
        description: 'd',
        capability: 'x',
        steps: [
          step(
            'big',
            { service: 'svc' },
            async (ctx) => void (await (await ctx.http.get(`${ctx.target('svc')}/big`)).text()),
          ),
        ],
      });
      const r = await runInProcess([j], { svc: base }, { maxBodyBytes: 1024 });
      expect(r.journeys[0]!.failure).toMatchObject({
        category: 'contract',
        message: 'response body exceeded the 1024-byte cap',
      });
    });
  });
});
