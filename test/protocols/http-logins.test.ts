import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journey, step, z, type StepContext } from 'golden-path-prober';
import { runJourneys } from '../../src/journey/run.js';
import { Redactor } from '../../src/redact.js';
import { apiStepIo } from '../../src/steps/step-io.js';
import { startLoginServers, type LoginServers } from '../support/login-servers.js';

// The cookie jar's scope, query strings and strict request options, against the cookie-session server. Journeys
// use only the public API.
const ACCOUNTS = {
  username: 'jar-user',
  password: 'jar-canary-Password-1',
  clientId: 'c',
  clientSecret: 'jar-canary-Secret-2',
  apiKey: 'k-k-k-k',
};
let servers: LoginServers;
beforeAll(async () => {
  servers = await startLoginServers(ACCOUNTS);
});
afterAll(() => servers?.close());

const login = step('web.login', { service: 'web' }, async (ctx) => {
  const page = await (await ctx.http.get(`${ctx.target('web')}/login`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  await ctx.http.post(`${ctx.target('web')}/login`, {
    form: { username: ctx.variable('username'), password: ctx.secret('password'), csrf },
    expect: 303,
  });
});
const me = (name: string, expected: 200 | 401) =>
  step(name, { service: 'web' }, async (ctx) => {
    await ctx.http.get(`${ctx.target('web')}/api/me`, { expect: expected });
  });

function run(journeys: ReturnType<typeof journey>[], retries = 0) {
  const redactor = new Redactor();
  redactor.add(ACCOUNTS.password);
  return runJourneys(journeys, {
    environment: 'test',
    targets: { web: servers.url },
    secrets: { password: ACCOUNTS.password },
    variables: { username: ACCOUNTS.username },
    redactor,
    io: apiStepIo({ maxBodyBytes: 1 << 20 }),
    userAgent: 'test',
    maxBodyBytes: 1 << 20,
    retries,
  });
}

describe('the per-journey cookie jar', () => {
  it('carries the session across steps of one journey, and never into another journey of the same run', async () => {
    const r = await run([
      journey({
        name: 'logged-in',
        description: 'd',
        capability: 'c',
        steps: [me('before', 401), login, me('after', 200)],
      }),
      // Runs concurrently in the same run: it must not see the other journey's session.
      journey({ name: 'stranger', description: 'd', capability: 'c', steps: [me('first', 401), me('again', 401)] }),
    ]);
    expect(r.journeys.map((j) => [j.journey, j.status])).toEqual([
      ['logged-in', 'pass'],
      ['stranger', 'pass'],
    ]);
    // Cookie values are credentials: nothing of the session id in the result.
    const sid = servers.seen.cookiesOnMe
      .find((c) => c.includes('sid='))!
      .split('sid=')[1]!
      .split(';')[0]!;
    expect(JSON.stringify(r)).not.toContain(sid);
  });

  it('never into a retry: the second attempt starts with an empty jar', async () => {
    let attempt = 0;
    const failsOnce = step('flaky', { service: 'web' }, (ctx: StepContext) => {
      attempt += 1;
      if (attempt === 1) ctx.fail('assertion', 'first attempt fails after logging in');
    });
    const r = await run(
      [
        journey({
          name: 'retried',
          description: 'd',
          capability: 'c',
          steps: [me('logged-out', 401), login, failsOnce],
        }),
      ],
      1,
    );
    expect(attempt).toBe(2);
    // Had the jar survived, the retry's first step would have sent the session and got 200 instead of 401.
    expect(r.journeys[0]!.status).toBe('flaky');
    expect(r.journeys[0]!.steps[0]).toMatchObject({ name: 'logged-out', status: 'pass' });
  });
});

describe('query strings and strict options', () => {
  it('query: an object, arrays as repeated keys, undefined left out', async () => {
    let seen: unknown;
    const r = await run([
      journey({
        name: 'q',
        description: 'd',
        capability: 'c',
        steps: [
          step('q', { service: 'web' }, async (ctx) => {
            const res = await ctx.http.get(`${ctx.target('web')}/echo-query?fixed=1`, {
              query: { q: 'a b&c', tag: ['x', 'y'], n: 3, skip: undefined },
            });
            seen = (await res.json(z.object({ query: z.array(z.tuple([z.string(), z.string()])) }))).query;
          }),
        ],
      }),
    ]);
    expect(r.journeys[0]!.status).toBe('pass');
    expect(seen).toEqual([
      ['fixed', '1'],
      ['q', 'a b&c'],
      ['tag', 'x'],
      ['tag', 'y'],
      ['n', '3'],
    ]);
  });

  it.each([
    ['a misspelt option', { jsno: { a: 1 } }, 'jsno'],
    ['two bodies', { json: {}, form: { a: 'b' } }, 'at most one of json, body and form'],
    [
      'bearer and basic',
      { bearer: 'tok-tok', basic: { username: 'u', password: 'jar-canary-Password-1' } },
      'basic or bearer',
    ],
    ['a wrong type', { query: 'a=b' }, 'query'],
    ['an unknown basic field', { basic: { username: 'u', password: 'jar-canary-Password-1', realm: 'x' } }, 'realm'],
  ])('%s is refused as prober, never sent', async (_label, options, named) => {
    const before = servers.seen.cookiesOnMe.length;
    const r = await run([
      journey({
        name: 'bad',
        description: 'd',
        capability: 'c',
        steps: [
          step(
            'bad',
            { service: 'web' },
            async (ctx) => void (await ctx.http.get(`${ctx.target('web')}/api/me`, options as never)),
          ),
        ],
      }),
    ]);
    expect(r.journeys[0]!.status).toBe('error');
    expect(r.journeys[0]!.failure).toMatchObject({ category: 'prober', message: expect.stringContaining(named) });
    expect(r.journeys[0]!.failure!.message).toMatch(/^ctx\.http\.get\(\): invalid options: /);
    expect(JSON.stringify(r)).not.toContain(ACCOUNTS.password);
    expect(servers.seen.cookiesOnMe.length).toBe(before);
  });
});
