import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidc, type StepContext, verifyToken, z } from 'golden-path-prober';
import { runSteps } from './run-in-process.js';
import {
  type OidcProviderProcess,
  type ResourceServer,
  startOidcProvider,
  startResourceServer,
} from './support/oidc-child.js';

// A real OpenID Provider (oidc-provider, in a child process so it can be frozen) and a resource server verifying
// with jose. Journeys use only the public API; the runner, HTTP client and redactor are the CLI's.
const ACCOUNTS = {
  username: 'alice',
  password: 'canary-OidcPassword-6607',
  clientSecret: 'canary-ClientSecret-3141',
  redirectUri: 'http://127.0.0.1:9/callback',
  resource: 'urn:example:api',
  audience: 'https://api.example.test',
};
let idp: OidcProviderProcess;
let api: ResourceServer;
beforeAll(async () => {
  idp = await startOidcProvider(ACCOUNTS);
  api = await startResourceServer(idp.issuer, ACCOUNTS.audience);
}, 30_000);
afterAll(async () => {
  await idp?.stop();
  await api?.close();
});

const env = (password = ACCOUNTS.password) => ({
  targets: { idp: idp.issuer, api: api.url },
  secrets: { password, clientSecret: ACCOUNTS.clientSecret },
  variables: { username: ACCOUNTS.username, redirectUri: ACCOUNTS.redirectUri },
});

const provider = (ctx: StepContext, clientId = 'web-app') =>
  oidc(ctx, {
    issuer: ctx.target('idp'),
    clientId,
    clientSecret: ctx.secret('clientSecret'),
    redirectUri: ctx.variable('redirectUri'),
    scope: 'openid offline_access api',
  });

const Me = z.object({ sub: z.string().nullable(), client_id: z.string().nullable() });

const login = {
  name: 'idp.login',
  run: async (ctx: StepContext) => {
    const tokens = await (await provider(ctx)).authorizationCode({
      fill: { login: ctx.variable('username'), password: ctx.secret('password') },
    });
    ctx.vars.set('token', tokens.accessToken);
    ctx.vars.set('refresh', tokens.refreshToken ?? '');
  },
};
const me = {
  name: 'api.me',
  run: async (ctx: StepContext) => {
    const res = await ctx.http.get(`${ctx.target('api')}/me`, { bearer: ctx.vars.get('token') });
    if ((await res.json(Me)).sub !== ctx.variable('username')) ctx.fail('assertion', 'the token is not alice’s');
  },
};

describe('OpenID Connect against oidc-provider', () => {
  it('authorization code + PKCE headless, the API call, a refresh and a verified token; no secret anywhere', async () => {
    const r = await runSteps(
      [
        login,
        me,
        {
          name: 'idp.refresh',
          run: async (ctx) => {
            const tokens = await (await provider(ctx)).refresh(ctx.vars.get('refresh'));
            const claims = await verifyToken(ctx, tokens.accessToken, {
              issuer: ctx.target('idp'),
              audience: 'https://api.example.test',
            });
            if (claims.sub !== ctx.variable('username')) ctx.fail('assertion', 'refreshed token is not alice’s');
          },
        },
      ],
      env(),
    );
    expect(r.journey.status, r.json).toBe('pass');
    // Every hop of the login is evidence, with the code, state, challenge and interaction ids redacted.
    const hops = r.journey.steps[0]!.evidence!.http!.map((h) => `${h.method} ${new URL(h.url).pathname} ${h.status}`);
    expect(hops[0]).toBe('GET /.well-known/openid-configuration 200');
    expect(hops.at(-1)).toBe('POST /token 200');
    expect(hops.filter((h) => h.startsWith('POST /interaction/'))).toHaveLength(2);
    expect(r.json).not.toContain(ACCOUNTS.password);
    expect(r.json).not.toContain(ACCOUNTS.clientSecret);
    expect(r.json).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\./);
  });

  const only = async (steps: Parameters<typeof runSteps>[0], password?: string) =>
    (await runSteps(steps, env(password))).journey;

  it('a wrong password: idp.login fails as auth in the provider page’s words', async () => {
    const j = await only([login, me], 'canary-WrongPassword-2718');
    expect(j.failure).toMatchObject({ step: 'idp.login', category: 'auth' });
    expect(j.failure!.message).toMatch(
      /^login failed: POST http:\/\/127\.0\.0\.1:\d+\/interaction\/\[REDACTED\]\/login: the login form came back \(HTTP 200\) saying "Invalid email or password\."$/,
    );
    expect(JSON.stringify(j)).not.toContain('canary-WrongPassword-2718');
  });

  it('consent denied: idp.login fails as auth with the provider’s error and description', async () => {
    await idp.control('deny-consent');
    const j = await only([login, me]);
    expect(j.failure).toMatchObject({ step: 'idp.login', category: 'auth' });
    expect(j.failure!.message).toMatch(/redirected with error=access_denied: End-User aborted interaction$/);
  });

  it.each([
    ['a wrong audience', { audience: 'https://other.example.test', clockOffsetSec: 0 }, 'unexpected "aud" claim value'],
    [
      'an expired token',
      { audience: 'https://api.example.test', clockOffsetSec: 3600 },
      '"exp" claim timestamp check failed',
    ],
  ])('%s: api.me fails as auth quoting the resource server’s reason', async (_label, settings, reason) => {
    Object.assign(api.settings, settings);
    try {
      const j = await only([login, me]);
      expect(j.failure).toMatchObject({
        step: 'api.me',
        category: 'auth',
        message: `GET ${api.url}/me returned HTTP 401, expected 2xx; the server said: invalid_token: ${reason}`,
      });
    } finally {
      Object.assign(api.settings, { audience: 'https://api.example.test', clockOffsetSec: 0 });
    }
  });

  const service = (secret?: string) => ({
    name: 'idp.token',
    run: async (ctx: StepContext) => {
      const client = await oidc(ctx, {
        issuer: ctx.target('idp'),
        clientId: 'service',
        clientSecret: secret ?? ctx.secret('clientSecret'),
      });
      ctx.vars.set('token', (await client.clientCredentials({ scope: 'api' })).accessToken);
    },
  });
  it('client credentials: the service token is accepted by the API; a wrong secret is auth with the provider’s error', async () => {
    const ok = await runSteps(
      [
        service(),
        {
          name: 'api.me',
          run: async (ctx) => {
            const who = await (await ctx.http.get(`${ctx.target('api')}/me`, { bearer: ctx.vars.get('token') })).json(
              Me,
            );
            if (who.client_id !== 'service') ctx.fail('assertion', 'not the service’s token');
          },
        },
      ],
      env(),
    );
    expect(ok.journey.status, ok.json).toBe('pass');
    const bad = await only([service('canary-WrongSecret-1618')]);
    expect(bad.failure).toMatchObject({ step: 'idp.token', category: 'auth' });
    expect(bad.failure!.message).toMatch(
      /^the client credentials grant: the provider refused \(HTTP 401\): invalid_client/,
    );
    expect(JSON.stringify(bad)).not.toContain('canary-WrongSecret-1618');
  });

  it('provider frozen (SIGSTOP): idp.login times out at its deadline', async () => {
    process.kill(idp.pid, 'SIGSTOP');
    try {
      const j = await only([{ ...login, timeoutMs: 1_500 }, me]);
      expect(j.failure).toMatchObject({ step: 'idp.login', category: 'timeout' });
    } finally {
      process.kill(idp.pid, 'SIGCONT');
    }
  });

  it('keys rotated at the provider, the resource server still on the old JWKS: api.me is auth naming the key', async () => {
    await idp.control('rotate-keys');
    const j = await only([login, me]);
    expect(j.failure).toMatchObject({ step: 'api.me', category: 'auth' });
    expect(j.failure!.message).toMatch(
      /the server said: invalid_token: no applicable key found in the JSON Web Key Set$/,
    );
  });

  it('provider stopped: idp.login fails as network', async () => {
    await idp.stop();
    const j = await only([login, me]);
    expect(j.failure).toMatchObject({ step: 'idp.login', category: 'network' });
  });
});
