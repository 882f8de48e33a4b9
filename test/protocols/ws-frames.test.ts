import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { journey, step, z, type StepContext, type WsConnection } from 'golden-path-prober';
import type { JourneyResult } from '../../src/journey/result-schema.js';
import { runInProcess } from '../support/in-process.js';

// Framings and concurrent waits on a real `ws` server. The journeys use only the public API.
let wss: WebSocketServer;
let url: string;
const SECRET_FRAME = 'frame-content-must-not-leak-7781';

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (socket) => {
    // A greeting sent before any wait can start.
    socket.send(JSON.stringify({ type: 'hello' }));
    socket.on('message', (data, isBinary) => {
      // JSON-framed clients send their commands as JSON strings.
      const raw = data.toString();
      const text = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
      const burst = /^burst (\d+)$/.exec(text);
      if (burst !== null) for (let n = 0; n < Number(burst[1]); n++) socket.send(JSON.stringify({ n }));
      else if (text === 'send binary') socket.send(Buffer.from([1, 2, 3]), { binary: true });
      else if (text === 'send secret') socket.send(SECRET_FRAME);
      else socket.send(data, { binary: isBinary });
    });
  });
});
afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

function single(name: string, run: (ctx: StepContext) => Promise<void>, extra: Parameters<typeof step>[2][] = []) {
  return journey({
    name,
    description: name,
    capability: name,
    steps: [
      step(`${name}.run`, { service: 'ws' }, run),
      ...extra.map((r, i) => step(`${name}.then${i}`, { service: 'ws' }, r)),
    ],
  });
}

let results: Map<string, JourneyResult>;
const seenByWaiter: Record<string, number[]> = {};

/** A wait that records every frame it is shown, to check each concurrent waiter sees every frame in order. */
function watching(ws: WsConnection<{ n?: number }>, label: string, target: number) {
  seenByWaiter[label] = [];
  return ws.waitFor((m) => {
    if (typeof m.n === 'number') seenByWaiter[label]!.push(m.n);
    return m.n === target;
  });
}

beforeAll(async () => {
  const journeys = [
    single(
      'before-wait',
      async (ctx) => {
        ctx.vars.set('ws', await ctx.ws.connect(url));
      },
      [
        // A later step: the greeting arrived long before this wait started, and is still seen.
        async (ctx) =>
          void (await ctx.vars.get<WsConnection<{ type?: string }>>('ws').waitFor((m) => m.type === 'hello')),
      ],
    ),
    single('all', async (ctx) => {
      const ws = (await ctx.ws.connect(url)) as WsConnection<{ n?: number }>;
      const waits = Promise.all([
        watching(ws, 'all-late', 499),
        watching(ws, 'all-early', 3),
        watching(ws, 'all-mid', 250),
      ]);
      ws.send('burst 500');
      const got = await waits;
      ctx.record('found', got.length);
    }),
    single('race', async (ctx) => {
      const ws = (await ctx.ws.connect(url)) as WsConnection<{ n?: number }>;
      const controller = new AbortController();
      // The wait for frame 8 begins first, but frame 5 arrives first: the race goes to the earlier frame.
      const late = ws.waitFor((m) => m.n === 8, { signal: controller.signal });
      const early = ws.waitFor((m) => m.n === 5);
      ws.send('burst 10');
      const first = await Promise.race([late, early]);
      controller.abort();
      await late.catch(() => undefined);
      ctx.record('winner', first.n!);
    }),
    single('text', async (ctx) => {
      const ws = await ctx.ws.connect(url, { frames: 'text' });
      ws.send('plain text, not JSON: <open/> ✓');
      const echoed = await ws.waitFor((f) => f.startsWith('plain'));
      if (echoed !== 'plain text, not JSON: <open/> ✓') ctx.fail('assertion', 'text frame changed');
      ws.send('send binary');
      await ws.waitFor(() => false);
    }),
    single('binary', async (ctx) => {
      const ws = await ctx.ws.connect(url, { frames: 'binary' });
      ws.send('send binary');
      const got = await ws.waitFor((b) => b.length === 3);
      if (!got.equals(Buffer.from([1, 2, 3]))) ctx.fail('assertion', 'binary frame changed');
      ws.send(Buffer.from([9, 8, 7, 6]));
      const echoed = await ws.waitFor((b) => b.length === 4);
      ctx.record('echoedFirstByte', echoed[0]!);
    }),
    single('parser', async (ctx) => {
      const ws = await ctx.ws.connect(url, {
        frames: (data, isBinary) => {
          if (isBinary) return undefined; // dropped
          const text = data.toString();
          if (text.startsWith('{')) return { kind: 'json' as const, value: JSON.parse(text) as unknown };
          if (!text.includes('=')) throw new SyntaxError(`not key=value: ${text}`);
          const [key, value] = text.split('=');
          return { kind: 'kv' as const, key, value };
        },
      });
      ws.send('send binary');
      ws.send('user=probe');
      const kv = await ws.waitFor((m) => m.kind === 'kv');
      if (kv.kind !== 'kv' || kv.value !== 'probe') ctx.fail('assertion', 'parser result lost');
      ws.send('send secret');
      await ws.waitFor(() => false);
    }),
    single('schema-wait', async (ctx) => {
      const ws = await ctx.ws.connect(url);
      const Numbered = z.object({ n: z.number().int() });
      ws.send('burst 5');
      // The greeting ({ type: 'hello' }) does not fit the schema and is skipped; the result is typed and parsed.
      const first = await ws.waitFor(Numbered);
      const third = await ws.waitFor(Numbered, (m) => m.n === 2);
      const n: number = first.n + third.n;
      ctx.record('sum', n);
    }),
    single('unknown-ws-option', async (ctx) => {
      await ctx.ws.connect(url, { framez: 'text' } as never);
    }),
  ];
  const r = await runInProcess(journeys, { ws: url });
  results = new Map(r.journeys.map((j) => [j.journey, j]));
});

describe('WebSocket framing and concurrent waits', () => {
  it('waitFor(schema, predicate) skips frames the schema refuses and returns the parsed, typed message', () => {
    const j = results.get('schema-wait')!;
    expect(j.status, JSON.stringify(j.failure)).toBe('pass');
    expect(j.steps[0]!.evidence?.metrics?.sum).toBe(2);
  });

  it('a frame that arrived before the wait started is seen by a wait in a later step', () => {
    expect(results.get('before-wait')!.status).toBe('pass');
  });

  it('Promise.all of three waits over 500 frames: each resolves, and each waiter saw every frame from its start, in order', () => {
    const j = results.get('all')!;
    expect(j.status, JSON.stringify(j.failure)).toBe('pass');
    expect(j.steps[0]!.evidence?.metrics?.found).toBe(3);
    const upTo = (n: number) => Array.from({ length: n + 1 }, (_, i) => i);
    expect(seenByWaiter['all-late']).toEqual(upTo(499));
    expect(seenByWaiter['all-early']).toEqual(upTo(3));
    expect(seenByWaiter['all-mid']).toEqual(upTo(250));
  });

  it('Promise.race is won by the wait whose frame arrived first, not the wait that began first', () => {
    const j = results.get('race')!;
    expect(j.status, JSON.stringify(j.failure)).toBe('pass');
    expect(j.steps[0]!.evidence?.metrics).toMatchObject({ winner: 5 });
  });

  it("frames: 'text' delivers strings unchanged; a binary frame is a contract failure naming its size", () => {
    const j = results.get('text')!;
    expect(j.failure).toMatchObject({
      category: 'contract',
      message: 'received a binary WebSocket frame of 3 bytes where text was expected',
    });
  });

  it("frames: 'binary' delivers Buffers and sends Buffers as binary frames", () => {
    const j = results.get('binary')!;
    expect(j.status, JSON.stringify(j.failure)).toBe('pass');
    expect(j.steps[0]!.evidence?.metrics?.echoedFirstByte).toBe(9);
  });

  it('a parser: its results are the messages, undefined drops a frame, a throw is contract naming the size but never the content', () => {
    const j = results.get('parser')!;
    expect(j.failure).toMatchObject({
      category: 'contract',
      message: `the frame parser rejected a text WebSocket frame of ${SECRET_FRAME.length} bytes (SyntaxError)`,
    });
    expect(JSON.stringify(j)).not.toContain(SECRET_FRAME);
  });

  it('an unknown connect option is the probe bug it is: prober, status error', () => {
    const j = results.get('unknown-ws-option')!;
    expect(j.status).toBe('error');
    expect(j.failure).toMatchObject({ category: 'prober' });
    expect(j.failure!.message).toContain('framez');
  });
});
