import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedProject, type PackedProject } from '../support/packed-project.js';
import { startFormSite, type FormSite } from './support/form-site.js';
import {
  type OidcProviderProcess,
  type ResourceServer,
  startOidcProvider,
  startResourceServer,
} from './support/oidc-child.js';

// The "Logging in" recipes shipped in examples/logins/, run as a user runs them: the packed package, the CLI, a JSON
// config whose secrets come from the environment; a real oidc-provider, a jose resource server, a form + TOTP site.
const ACCOUNTS = {
  username: 'alice',
  password: 'canary-RecipePassword-8080',
  clientSecret: 'canary-RecipeSecret-4242',
  redirectUri: 'http://127.0.0.1:9/callback',
  resource: 'urn:example:api',
  audience: 'https://api.example.test',
};
const TOTP_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';
const RECIPES = ['oidc-auth-code.ts', 'oidc-browser-login.ts', 'client-credentials.ts', 'form-login-totp.ts'];
const env = {
  PROBE_PASSWORD: ACCOUNTS.password,
  CLIENT_SECRET: ACCOUNTS.clientSecret,
  TOTP_SECRET,
};
const CANARIES = [ACCOUNTS.password, ACCOUNTS.clientSecret, TOTP_SECRET];

let idp: OidcProviderProcess;
let api: ResourceServer;
let site: FormSite;
let project: PackedProject;
let dir: string;
let sources: Record<string, string>;

beforeAll(async () => {
  idp = await startOidcProvider(ACCOUNTS);
  api = await startResourceServer(idp.issuer, ACCOUNTS.audience);
  site = await startFormSite({ username: ACCOUNTS.username, password: ACCOUNTS.password, totpSecret: TOTP_SECRET });
  project = packedProject();
  sources = {};
  for (const recipe of RECIPES)
    sources[recipe] = await readFile(
      join(project.root, 'node_modules/golden-path-prober/examples/logins', recipe),
      'utf8',
    );
  dir = await project.workspace({
    ...sources,
    'prober.config.json': JSON.stringify({
      environment: 'logins',
      targets: { idp: idp.issuer, api: api.url, web: site.url },
      probes: RECIPES,
      secrets: {
        password: '${env:PROBE_PASSWORD}',
        clientSecret: '${env:CLIENT_SECRET}',
        totpSecret: '${env:TOTP_SECRET}',
      },
      variables: {
        username: ACCOUNTS.username,
        clientId: 'web-app',
        serviceClientId: 'service',
        redirectUri: ACCOUNTS.redirectUri,
        apiAudience: ACCOUNTS.audience,
      },
      browser: { executablePath: '/usr/bin/chromium' },
    }),
  });
}, 60_000);
afterAll(async () => {
  await idp?.stop();
  await api?.close();
  await site?.close();
});

type Result = {
  journeys: { journey: string; status: string; failure?: { step: string; category: string; message: string } }[];
};

describe('the Logging in recipes from the package', () => {
  it('OIDC headless and in the browser, client credentials, form + TOTP all pass; no secret, token or code in any output', async () => {
    const r = await project.prober(['run', '--config', 'prober.config.json', '--reporter', 'json'], { cwd: dir, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as Result;
    expect(Object.fromEntries(result.journeys.map((j) => [j.journey, j.status]))).toEqual({
      'oidc-login': 'pass',
      'oidc-browser-login': 'pass',
      'service-token': 'pass',
      'form-login': 'pass',
    });
    for (const out of [r.stdout, r.stderr]) {
      for (const secret of CANARIES) expect(out).not.toContain(secret);
      expect(out).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\./);
    }
  });

  it('a wrong password fails each sign-in step as auth in the provider’s or site’s words', async () => {
    const r = await project.prober(
      ['run', 'oidc-login', 'oidc-browser-login', 'form-login', '--config', 'prober.config.json', '--reporter', 'json'],
      { cwd: dir, env: { ...env, PROBE_PASSWORD: 'canary-NotThePassword-1' } },
    );
    expect(r.code).toBe(1);
    const failures = Object.fromEntries((JSON.parse(r.stdout) as Result).journeys.map((j) => [j.journey, j.failure]));
    expect(failures['oidc-login']).toMatchObject({
      step: 'idp.login',
      category: 'auth',
      message: expect.stringContaining('Invalid email or password.'),
    });
    expect(failures['oidc-browser-login']).toMatchObject({
      step: 'idp.login',
      category: 'auth',
      message: 'login failed: the page says "Invalid email or password."',
    });
    expect(failures['form-login']).toMatchObject({
      step: 'web.login',
      category: 'auth',
      message: expect.stringContaining('Invalid username or password.'),
    });
    expect(r.stdout + r.stderr).not.toContain('canary-NotThePassword-1');
  });

  it('the headless OIDC recipe is 31 lines of code (sign-in, API call, refresh and verification), with no casts', () => {
    const code = sources['oidc-auth-code.ts']!.split('\n').filter(
      (l) => l.trim() !== '' && !/^\s*(\/\*\*|\*|\/\/|import )/.test(l),
    );
    expect(code.length).toBeLessThanOrEqual(31);
    for (const recipe of RECIPES) expect(sources[recipe]).not.toMatch(/\bas (string|unknown|never|any)\b/);
  });
});
