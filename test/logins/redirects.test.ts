import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'golden-path-prober';
import { runSteps } from './run-in-process.js';

// Redirect chains through `ctx.http` with `redirect: 'follow'`, against two origins (two ports) on 127.0.0.1.
const CODE = 'canary-AuthCode-77123';
let a: { url: string; server: Server };
let b: { url: string; server: Server };
const fetched: string[] = [];

function reply(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  res.writeHead(status, headers);
  res.end(body);
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const echo = (req: IncomingMessage, res: ServerResponse) =>
  reply(
    res,
    200,
    { 'content-type': 'application/json' },
    JSON.stringify({ method: req.method, cookie: req.headers.cookie ?? '', auth: req.headers.authorization ?? '' }),
  );

beforeAll(async () => {
  b = await listen((req, res) => {
    fetched.push(`b ${req.url}`);
    if (req.url === '/back') return reply(res, 302, { location: `${a.url}/final` });
    echo(req, res);
  });
  a = await listen((req, res) => {
    const path = req.url ?? '/';
    fetched.push(`a ${path}`);
    if (path === '/start') return reply(res, 302, { location: 'step/two' });
    // The session cookie is set on an intermediate hop: what undici's redirect interceptor would lose.
    if (path === '/step/two')
      return reply(res, 303, { location: `${a.url}/final`, 'set-cookie': 'hop=set-on-hop; Path=/' });
    if (path === '/final') return echo(req, res);
    if (path === '/post') return reply(res, 303, { location: '/final' });
    if (path === '/keep') return reply(res, 307, { location: '/final' });
    if (path === '/cross') return reply(res, 302, { location: `${b.url}/echo` });
    if (path === '/cross-back') return reply(res, 302, { location: `${b.url}/back` });
    if (path === '/loop-a') return reply(res, 302, { location: '/loop-b' });
    if (path === '/loop-b') return reply(res, 302, { location: '/loop-a' });
    const many = /^\/many\/(\d+)$/.exec(path);
    if (many) return reply(res, 302, { location: `/many/${Number(many[1]) + 1}` });
    if (path === '/authorize') return reply(res, 302, { location: `/callback?code=${CODE}&state=st-12345&iss=x` });
    if (path === '/denied')
      return reply(res, 302, { location: '/callback?error=access_denied&error_description=End-User+aborted' });
    if (path.startsWith('/callback')) return reply(res, 500, {}, 'the callback must never be fetched');
    if (path === '/gone') return reply(res, 302, { location: '/unauthorized' });
    if (path === '/unauthorized')
      return reply(
        res,
        401,
        {
          'www-authenticate': 'Bearer error="invalid_token", error_description="the audience is wrong"',
          'content-type': 'application/json',
        },
        JSON.stringify({ error: 'invalid_token' }),
      );
    reply(res, 404, {});
  });
});
afterAll(async () => {
  a.server.close();
  b.server.close();
});

const Echo = z.object({ method: z.string(), cookie: z.string(), auth: z.string() });

describe("redirect: 'follow'", () => {
  it('follows a relative and an absolute location, keeps a cookie set on an intermediate hop, records every hop', async () => {
    let seen: z.infer<typeof Echo> | undefined;
    let finalUrl = '';
    const r = await runSteps(
      [
        {
          name: 'chain',
          run: async (ctx) => {
            const res = await ctx.http.get(`${ctx.target('a')}/start`, { redirect: 'follow' });
            finalUrl = res.url;
            seen = await res.json(Echo);
          },
        },
      ],
      { targets: { a: a.url } },
    );
    expect(r.journey.status, r.json).toBe('pass');
    expect(finalUrl).toBe(`${a.url}/final`);
    expect(seen?.cookie).toBe('hop=set-on-hop');
    const hops = r.journey.steps[0]!.evidence!.http!;
    expect(hops.map((h) => [h.method, h.url, h.status])).toEqual([
      ['GET', `${a.url}/start`, 302],
      ['GET', `${a.url}/step/two`, 303],
      ['GET', `${a.url}/final`, 200],
    ]);
    for (const h of hops) expect(h.timings.headersMs).toBeGreaterThanOrEqual(0);
    // The cookie's value is a credential: never in the result.
    expect(r.json).not.toContain('set-on-hop');
  });

  it('a 303 turns a POST into a GET without its body; a 307 keeps the method', async () => {
    const methods: string[] = [];
    const r = await runSteps(
      [
        {
          name: 'post',
          run: async (ctx) => {
            for (const path of ['/post', '/keep']) {
              const res = await ctx.http.post(`${ctx.target('a')}${path}`, { json: { a: 1 }, redirect: 'follow' });
              methods.push((await res.json(Echo)).method);
            }
          },
        },
      ],
      { targets: { a: a.url } },
    );
    expect(r.journey.status, r.json).toBe('pass');
    expect(methods).toEqual(['GET', 'POST']);
  });

  it('drops Authorization on a cross-origin hop, and does not send it back when the chain returns', async () => {
    const auths: string[] = [];
    const r = await runSteps(
      [
        {
          name: 'cross',
          run: async (ctx) => {
            for (const path of ['/cross', '/cross-back']) {
              const res = await ctx.http.get(`${ctx.target('a')}${path}`, {
                bearer: 'canary-Bearer-55555',
                redirect: 'follow',
              });
              auths.push((await res.json(Echo)).auth);
            }
          },
        },
      ],
      { targets: { a: a.url } },
    );
    expect(r.journey.status, r.json).toBe('pass');
    expect(auths).toEqual(['', '']);
  });

  it.each([
    ['a loop', '/loop-a', {}, /^redirect loop: .*\/loop-a → .*\/loop-b → .*\/loop-a$/],
    [
      'too many hops',
      '/many/0',
      { maxRedirects: 3 },
      /^more than 3 redirects \(maxRedirects\): .*\/many\/0 → .*\/many\/4$/,
    ],
  ])('%s fails as contract naming the URLs', async (_label, path, extra, message) => {
    const r = await runSteps(
      [
        {
          name: 'bad',
          run: async (ctx) => void (await ctx.http.get(`${ctx.target('a')}${path}`, { redirect: 'follow', ...extra })),
        },
      ],
      { targets: { a: a.url } },
    );
    expect(r.journey.failure).toMatchObject({
      step: 'bad',
      category: 'contract',
      message: expect.stringMatching(message),
    });
  });

  it('the default of 10 hops', async () => {
    const r = await runSteps(
      [
        {
          name: 'bad',
          run: async (ctx) => void (await ctx.http.get(`${ctx.target('a')}/many/0`, { redirect: 'follow' })),
        },
      ],
      { targets: { a: a.url } },
    );
    expect(r.journey.failure?.message).toMatch(/^more than 10 redirects/);
    expect(r.journey.steps[0]!.evidence!.http).toHaveLength(11);
  });

  it('stopAt ends the chain without fetching it, returns the query, and redacts the code', async () => {
    const before = fetched.filter((f) => f.startsWith('a /callback')).length;
    let query: Record<string, string> = {};
    let denied: Record<string, string> = {};
    const r = await runSteps(
      [
        {
          name: 'authorize',
          run: async (ctx) => {
            const res = await ctx.http.get(`${ctx.target('a')}/authorize`, {
              redirect: 'follow',
              stopAt: `${ctx.target('a')}/callback`,
            });
            query = { ...res.stoppedAt!.query };
            denied = {
              ...(
                await ctx.http.get(`${ctx.target('a')}/denied`, {
                  redirect: 'follow',
                  stopAt: `${ctx.target('a')}/callback`,
                })
              ).stoppedAt!.query,
            };
            ctx.fail('assertion', `got code ${query.code} at the callback`);
          },
        },
      ],
      { targets: { a: a.url } },
    );
    expect(query).toEqual({ code: CODE, state: 'st-12345', iss: 'x' });
    expect(denied).toEqual({ error: 'access_denied', error_description: 'End-User aborted' });
    expect(fetched.filter((f) => f.startsWith('a /callback')).length).toBe(before);
    expect(r.journey.failure?.message).toBe('got code [REDACTED] at the callback');
    expect(r.json).not.toContain(CODE);
  });

  it("a failure at the chain's end quotes the server's reason", async () => {
    const r = await runSteps(
      [
        {
          name: 'api',
          run: async (ctx) => void (await ctx.http.get(`${ctx.target('a')}/gone`, { redirect: 'follow' })),
        },
      ],
      { targets: { a: a.url } },
    );
    expect(r.journey.failure).toMatchObject({
      category: 'auth',
      message: `GET ${a.url}/unauthorized returned HTTP 401, expected 2xx; the server said: invalid_token: the audience is wrong`,
    });
  });

  it('maxRedirects without follow is the probe’s bug', async () => {
    const r = await runSteps(
      [{ name: 'bad', run: async (ctx) => void (await ctx.http.get(`${ctx.target('a')}/start`, { maxRedirects: 2 })) }],
      { targets: { a: a.url } },
    );
    expect(r.journey.failure).toMatchObject({
      category: 'prober',
      message: expect.stringContaining("redirect: 'follow'"),
    });
  });
});
