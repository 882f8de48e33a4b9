import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoginServers, type LoginServers } from '../support/login-servers.js';
import { packedProject, type PackedProject } from '../support/packed-project.js';

// The shipped recipes for OAuth2 (form + basic), a cookie session and an OpenAI-compatible SSE stream, run as a
// user runs them: the packed package, the CLI and a JSON config whose secrets come from the environment.
const ACCOUNTS = {
  username: 'probe-user',
  password: 'canary-Password-5521',
  clientId: 'prober-client',
  clientSecret: 'canary-ClientSecret-8812',
  apiKey: 'canary-ApiKey-3390',
};
const CANARIES = [
  ACCOUNTS.password,
  ACCOUNTS.clientSecret,
  ACCOUNTS.apiKey,
  Buffer.from(`${ACCOUNTS.clientId}:${ACCOUNTS.clientSecret}`).toString('base64'),
];
const RECIPES = ['oauth2-password-login.ts', 'cookie-session-login.ts', 'openai-sse-chat.ts'];

let servers: LoginServers;
let project: PackedProject;
let dir: string;
const env = { PROBE_PASSWORD: ACCOUNTS.password, CLIENT_SECRET: ACCOUNTS.clientSecret, LLM_API_KEY: ACCOUNTS.apiKey };

beforeAll(async () => {
  servers = await startLoginServers(ACCOUNTS);
  project = packedProject();
  const files: Record<string, string> = {};
  for (const recipe of RECIPES)
    files[recipe] = await readFile(
      join(project.root, 'node_modules/golden-path-prober/examples/protocols', recipe),
      'utf8',
    );
  dir = await project.workspace({
    ...files,
    'prober.config.json': JSON.stringify({
      environment: 'recipes',
      targets: { auth: servers.url, api: servers.url, web: servers.url, llm: servers.url },
      probes: RECIPES,
      secrets: {
        password: '${env:PROBE_PASSWORD}',
        clientSecret: '${env:CLIENT_SECRET}',
        llmApiKey: '${env:LLM_API_KEY}',
      },
      variables: { username: ACCOUNTS.username, clientId: ACCOUNTS.clientId, llmModel: 'test-model' },
    }),
  });
});
afterAll(() => servers?.close());

describe('login and streaming recipes from the package', () => {
  it('OAuth2 password grant (form + basic), cookie-session login and an SSE chat completion all pass; no secret in any output', async () => {
    const r = await project.prober(['run', '--config', 'prober.config.json', '--reporter', 'json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      journeys: { journey: string; status: string; steps: { evidence?: { metrics?: Record<string, number> } }[] }[];
    };
    expect(Object.fromEntries(result.journeys.map((j) => [j.journey, j.status]))).toEqual({
      'oauth2-login': 'pass',
      'cookie-login': 'pass',
      'llm-stream': 'pass',
    });
    // The token request really was a form with HTTP Basic client credentials (the server refuses anything else).
    expect(servers.seen).toMatchObject({ tokenContentType: 'application/x-www-form-urlencoded', basicOk: true });
    // The session cookie went back on the account request, and its value is redacted in the evidence.
    expect(servers.seen.cookiesOnMe.some((c) => c.startsWith('sid='))).toBe(true);
    const sid = servers.seen.cookiesOnMe.find((c) => c.startsWith('sid='))!.slice(4);
    const llm = result.journeys.find((j) => j.journey === 'llm-stream')!;
    expect(llm.steps[0]!.evidence?.metrics?.firstTokenMs).toBeGreaterThan(0);

    const console = await project.prober(['run', '--config', 'prober.config.json'], { cwd: dir, env });
    expect(console.code).toBe(0);
    for (const out of [r.stdout, r.stderr, console.stdout, console.stderr]) {
      for (const secret of [...CANARIES, sid]) expect(out).not.toContain(secret);
    }
  });

  it('a wrong client secret fails the token step as auth, and neither secret is printed', async () => {
    const r = await project.prober(['run', 'oauth2-login', '--config', 'prober.config.json', '--reporter', 'json'], {
      cwd: dir,
      env: { ...env, CLIENT_SECRET: 'wrong-secret-value' },
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).journeys[0].failure).toMatchObject({ step: 'auth.token', category: 'auth' });
    for (const secret of CANARIES) expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stdout + r.stderr).not.toContain('wrong-secret-value');
  });
});
