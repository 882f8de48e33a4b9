import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { journey, step, type StepFn } from '../../src/journey/define.js';
import { runInProcess } from '../support/in-process.js';
import { startRawServer, writeBody } from '../support/hostile-server.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

const one = (fn: StepFn, timeoutMs = 3_000) =>
  // The journey deadline is well past the step's, so the step's own timeout is what ends a stuck call.
  journey({
    name: 'hostile',
    description: 'd',
    capability: 'get an answer',
    timeoutMs: timeoutMs + 10_000,
    steps: [step('call', { service: 'svc', timeoutMs }, fn)],
  });
const getJson: StepFn = async (ctx) => void (await (await ctx.http.get(`${ctx.target('svc')}/`)).json(z.unknown()));

async function raw(handler: Parameters<typeof startRawServer>[0]): Promise<string> {
  const s = await startRawServer(handler);
  closers.push(s.close);
  return s.url;
}

describe('hostile networks and responses', () => {
  it('an unresolvable host is a network failure naming the host, after one attempt', async () => {
    const r = await runInProcess([one(getJson)], { svc: 'http://no-such-host.invalid' });
    expect(r.journeys[0]!.failure).toMatchObject({
      category: 'network',
      message: 'DNS lookup failed for no-such-host.invalid (ENOTFOUND)',
    });
  });

  it.each([
    ['a 100 MB body', 100 * 1024 * 1024],
    ['an endless body', Number.POSITIVE_INFINITY],
  ])('%s is cut at the cap as contract, without the process growing past cap + 50 MB', async (_name, total) => {
    const url = await raw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n');
      writeBody(socket, total);
    });
    const cap = 10 * 1024 * 1024;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const r = await runInProcess([one(getJson, 20_000)], { svc: url }, { maxBodyBytes: cap });
    clearInterval(sampler);
    expect(r.journeys[0]!.failure).toMatchObject({
      category: 'contract',
      message: `response body exceeded the ${cap}-byte cap`,
    });
    expect(peak - before).toBeLessThan(cap + 50 * 1024 * 1024);
  });

  it('a body dripped one byte per 500 ms ends at the step deadline', async () => {
    const url = await raw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n');
      const t = setInterval(() => (socket.destroyed ? clearInterval(t) : socket.write(' ')), 500);
    });
    const r = await runInProcess([one(getJson, 2_000)], { svc: url });
    const s = r.journeys[0]!.steps[0]!;
    expect(s.error).toEqual({ category: 'timeout', message: 'timed out after 2000 ms' });
    expect(s.durationMs).toBeLessThan(3_000);
  });

  it('a redirect loop is not followed: the 302 itself fails the step as http_status', async () => {
    const server = createServer((req, res) => res.writeHead(302, { location: req.url ?? '/' }).end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => new Promise((r) => server.close(() => r())));
    const r = await runInProcess([one(getJson)], { svc: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    expect(r.journeys[0]!.failure).toMatchObject({
      category: 'http_status',
      message: expect.stringMatching(/returned HTTP 302, expected 2xx$/),
    });
  });

  it('a 101 Switching Protocols to a plain request is classified, not a crash', async () => {
    const url = await raw((socket) =>
      socket.write('HTTP/1.1 101 Switching Protocols\r\nconnection: upgrade\r\nupgrade: nonsense\r\n\r\n'),
    );
    const r = await runInProcess([one(getJson)], { svc: url });
    expect(r.journeys[0]!.failure).toMatchObject({
      category: 'network',
      message: 'the connection failed: bad upgrade (UND_ERR_SOCKET)',
    });
  });

  it('an HTTP/1.0 close-delimited body is read to the end', async () => {
    const url = await raw((socket) => {
      socket.write('HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n{"ok":true}');
      socket.end();
    });
    const r = await runInProcess([one(getJson)], { svc: url });
    expect(r.journeys[0]!.status).toBe('pass');
  });

  describe('WebSockets', () => {
    const wsServer = async (onConnection: (socket: import('ws').WebSocket) => void) => {
      const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await once(wss, 'listening');
      wss.on('connection', onConnection);
      closers.push(async () => {
        for (const c of wss.clients) c.terminate();
        await new Promise((r) => wss.close(() => r(undefined)));
      });
      return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    };
    const waitForData: StepFn = async (ctx) => {
      const c = await ctx.ws.connect(ctx.target('svc'));
      await c.waitFor(() => true, { describe: 'any message' });
    };

    it('a socket that answers pings but never sends data ends at the deadline as timeout', async () => {
      const url = await wsServer(() => undefined); // ws answers pings by itself
      const r = await runInProcess([one(waitForData, 1_500)], { svc: url });
      expect(r.journeys[0]!.failure).toMatchObject({ category: 'timeout' });
    });

    it('a frame above the cap is a contract failure', async () => {
      const url = await wsServer((s) => s.send(JSON.stringify({ big: 'x'.repeat(1024 * 1024) })));
      const r = await runInProcess([one(waitForData)], { svc: url }, { maxBodyBytes: 512 * 1024 });
      expect(r.journeys[0]!.failure).toMatchObject({
        category: 'contract',
        message: 'a WebSocket frame exceeded the 524288-byte cap',
      });
    });

    it('a 1 MB frame under the cap is read', async () => {
      const url = await wsServer((s) => s.send(JSON.stringify({ big: 'x'.repeat(1024 * 1024) })));
      const r = await runInProcess([one(waitForData)], { svc: url });
      expect(r.journeys[0]!.status).toBe('pass');
    });
  });
});
