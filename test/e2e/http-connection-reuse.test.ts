import { once } from 'node:events';
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { runInProcess } from '../support/in-process.js';

// A real HTTP server on loopback that counts the TCP connections it accepts, so reuse is checked from the server's
// side too, not only from the evidence the prober writes about itself.
let server: Server;
let base: string;
const sockets: Socket[] = [];
let waiting: ServerResponse[] = [];
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/pair') {
      // Answers only once two requests are in flight at the same time: a pool that queued the second behind the
      // first would never get here, and the step would time out.
      waiting.push(res);
      if (waiting.length === 2) for (const r of waiting.splice(0)) r.end('{"ok":true}');
      return;
    }
    res.end('{"ok":true}');
  });
  server.on('connection', (s: Socket) => sockets.push(s));
  // Idle connections would otherwise be closed by the keep-alive timeouts (5 s here, 4 s in undici) within a test's
  // time: closing them is the prober's job, and the tests below wait for it.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const reuse = journey({
  name: 'reuse',
  description: 'd',
  capability: 'c',
  steps: [
    step(
      'first',
      { service: 'svc' },
      async (ctx) => void (await (await ctx.http.get(`${ctx.target('svc')}/a`)).text()),
    ),
    step(
      'second',
      { service: 'svc' },
      async (ctx) => void (await (await ctx.http.get(`${ctx.target('svc')}/b`)).text()),
    ),
  ],
});

describe('one connection pool per journey run', () => {
  it('the second request of a run reuses the first one’s connection and says so; the next run connects afresh', async () => {
    sockets.length = 0;
    for (let run = 0; run < 2; run++) {
      const result = RunResult.parse(await runInProcess([reuse], { svc: base }));
      const [first, second] = result.journeys[0]!.steps.map((s) => s.evidence!.http![0]!);
      // The run's first request opened the connection: its connect is measured and it is not marked reused.
      expect(first!.reused).toBeUndefined();
      expect(first!.timings.connectMs).toBeGreaterThan(0);
      expect(first!.timings).toHaveProperty('headersMs');
      expect(first!.timings).toHaveProperty('bodyMs');
      expect(second).toMatchObject({ reused: true, timings: { connectMs: 0 } });
      expect(Object.keys(second!.timings)).toEqual(expect.arrayContaining(['headersMs', 'bodyMs']));
      // One TCP connection per run, as the server counted them.
      expect(sockets).toHaveLength(run + 1);
    }
    // Both runs' connections were closed when their runs ended: no socket outlives its journey run (the server
    // would keep them for 60 s; the test's bound is 20 s).
    await Promise.all(sockets.filter((s) => !s.closed).map((s) => once(s, 'close')));
    expect(sockets.every((s) => s.closed)).toBe(true);
  }, 20_000);

  it('concurrent requests in one step open a connection each, each with its connect measured', async () => {
    sockets.length = 0;
    waiting = [];
    const pair = journey({
      name: 'pair',
      description: 'd',
      capability: 'c',
      steps: [
        step('both', { service: 'svc', timeoutMs: 10_000 }, async (ctx) => {
          await Promise.all(
            [ctx.http.get(`${ctx.target('svc')}/pair`), ctx.http.get(`${ctx.target('svc')}/pair`)].map(async (r) =>
              (await r).text(),
            ),
          );
        }),
      ],
    });
    const result = RunResult.parse(await runInProcess([pair], { svc: base }));
    const step0 = result.journeys[0]!.steps[0]!;
    expect(step0.status).toBe('pass');
    expect(step0.evidence!.http).toHaveLength(2);
    for (const h of step0.evidence!.http!) {
      expect(h.reused).toBeUndefined();
      expect(h.timings.connectMs).toBeGreaterThan(0);
    }
    expect(sockets).toHaveLength(2);
  });
});

describe('a ctx.defer cleanup at journey end', () => {
  it('still sends its request after the run closed its pool, on a connection of its own that is closed after it', async () => {
    sockets.length = 0;
    seen.length = 0;
    const deferred = journey({
      name: 'deferred',
      description: 'd',
      capability: 'c',
      steps: [
        step('create', { service: 'svc' }, async (ctx) => {
          // Registered before the first request, so it runs after the run's pool was destroyed.
          ctx.defer(async () => void (await (await ctx.http.delete(`${ctx.target('svc')}/cleanup`)).text()));
          await (await ctx.http.get(`${ctx.target('svc')}/a`)).text();
        }),
      ],
    });
    const result = RunResult.parse(await runInProcess([deferred], { svc: base }));
    expect(result.status).toBe('pass');
    expect(seen).toEqual(['GET /a', 'DELETE /cleanup']);
    expect(sockets).toHaveLength(2);
    // Only the prober closes these before the test's bound: the server keeps idle connections for 60 s.
    await Promise.all(sockets.filter((s) => !s.closed).map((s) => once(s, 'close')));
  }, 20_000);
});
