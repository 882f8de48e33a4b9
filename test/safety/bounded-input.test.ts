import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, step } from '../../src/journey/define.js';
import { declaredLengthFailure } from '../../src/steps/body-limit.js';
import { MAX_QUEUED_MESSAGES, overflowFailure } from '../../src/steps/message-queue.js';
import { startRawServer } from '../support/hostile-server.js';
import { runInProcess } from '../support/in-process.js';
import { startSseFlood, startWsFlood, type FloodServer } from './flood-servers.js';

describe('limits as pure rules (tables)', () => {
  type Headers = Record<string, string | string[]>;
  it.each<[Headers, number, RegExp | undefined]>([
    [{ 'content-length': '2147483648' }, 10 * 1024 * 1024, /declares a 2147483648-byte body.*10485760-byte cap/],
    [{ 'content-length': '10485760' }, 10 * 1024 * 1024, undefined],
    [{ 'content-length': ['99999999999', '1'] }, 1024, /99999999999-byte/],
    [{ 'content-length': 'garbage' }, 1024, undefined],
    [{}, 1024, undefined],
  ])('Content-Length %j with cap %d', (headers, cap, expected) => {
    const failure = declaredLengthFailure(headers, cap);
    if (expected === undefined) expect(failure).toBeUndefined();
    else expect([failure?.category, failure?.message]).toEqual(['contract', expect.stringMatching(expected)]);
  });

  it.each([
    [MAX_QUEUED_MESSAGES, 0, undefined],
    [MAX_QUEUED_MESSAGES + 1, 0, /more than 10000 messages .*limit of 10000 queued messages/],
    [1, 1025, /more than 1024 bytes .*limit of 1024 queued bytes/],
  ])('%d messages, %d bytes against 10000 / 1024', (messages, bytes, expected) => {
    const failure = overflowFailure({ what: 'WebSocket connection', maxBytes: 1024 }, messages, bytes);
    if (expected === undefined) expect(failure).toBeUndefined();
    else expect(failure?.message).toMatch(expected);
  });
});

function waitingJourney(kind: 'ws' | 'sse') {
  return journey({
    name: `${kind}-flood`,
    description: 'waits for a message the server never sends while it floods others',
    capability: 'get the awaited message',
    steps: [
      step('wait', { service: 'flood', timeoutMs: 15_000 }, async (ctx) => {
        const never = (m: unknown) => (m as { type?: string } | undefined)?.type === 'never';
        if (kind === 'ws') await (await ctx.ws.connect(ctx.target('flood'))).waitFor(never);
        else await (await ctx.sse.open(ctx.target('flood'))).waitFor((e) => never(e.data));
      }),
    ],
  });
}

describe('a flooding server fails the wait naming the limit, long before the deadline', () => {
  let servers: FloodServer[] = [];
  beforeAll(async () => {
    servers = await Promise.all([
      startWsFlood('{"n":1}', 15_000),
      startWsFlood(JSON.stringify({ pad: 'x'.repeat(64 * 1024) }), 15_000),
      startSseFlood('data: {"n":1}\n\n', 15_000),
    ]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it.each([
    ['tiny WebSocket frames', 0, 'ws', /WebSocket connection sent more than 10000 messages/],
    ['64 KiB WebSocket frames', 1, 'ws', /more than 10485760 bytes .*http\.maxBodyBytes/],
    ['tiny SSE events', 2, 'sse', /event stream sent more than 10000 messages/],
  ] as const)('%s', async (_what, i, kind, message) => {
    const result = await runInProcess([waitingJourney(kind)], { flood: servers[i]!.url });
    const failed = result.journeys[0]?.steps[0];
    expect([failed?.status, failed?.error?.category, failed?.error?.message]).toEqual([
      'fail',
      'contract',
      expect.stringMatching(message),
    ]);
    expect(failed?.durationMs).toBeLessThan(10_000); // not the 15 s deadline: the limit cut it
  });
});

describe('a declared Content-Length over the cap', () => {
  it('2 GB fails at once (< 1 s), not at the deadline', async () => {
    const server = await startRawServer((socket) => {
      // Announces 2 GB, sends a trickle, then nothing: reading it would last until the step's deadline.
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2147483648\r\n\r\n{"a":');
    });
    try {
      const big = journey({
        name: 'big-body',
        description: 'reads a body that announces 2 GB',
        capability: 'read the answer',
        steps: [
          step('read', { service: 'api', timeoutMs: 20_000 }, async (ctx) => {
            await (await ctx.http.get(`${ctx.target('api')}/big`)).text();
          }),
        ],
      });
      const started = performance.now();
      const result = await runInProcess([big], { api: server.url });
      const elapsed = performance.now() - started;
      const failed = result.journeys[0]?.steps[0];
      expect([failed?.error?.category, failed?.error?.message]).toEqual([
        'contract',
        expect.stringMatching(/declares a 2147483648-byte body \(Content-Length\), over the 10485760-byte cap/),
      ]);
      expect(elapsed).toBeLessThan(1_000); // the bound; the deadline is 20 s
    } finally {
      await server.close();
    }
  });
});
