import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { expectNoSecrets } from '../support/secrets.js';

/**
 * A 401 at a step that read a secret names the secret to check, from the real CLI; never its value.
 * A step that read no secret gets no hint (a 403 on an anonymous call says nothing about the account).
 */
const dir = mkdtempSync(join(tmpdir(), 'prober-auth-hint-'));
const canary = 'canary-Pa55word-7f3c9e1b';
let server: Server;

const api = pathToFileURL(join(ROOT, 'src/index.ts')).href;
writeFileSync(
  join(dir, 'probe.ts'),
  `import { journey, step } from '${api}';
export default journey({ name: 'login', description: 'd', capability: 'log in', needs: { secrets: ['password', 'apiKey'] },
  steps: [
    step('auth.login', { service: 'auth' }, async (ctx) => {
      await ctx.http.post(ctx.target('auth') + '/login', { json: { user: 'probe', password: ctx.secret('password') } });
    }),
  ] });
export const anonymous = journey({ name: 'anonymous', description: 'd', capability: 'read the home page',
  steps: [step('home', { service: 'auth' }, async (ctx) => { await ctx.http.get(ctx.target('auth') + '/home'); })] });\n`,
);

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === '/home' ? 403 : 401, { 'content-type': 'text/plain' }).end('no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  writeFileSync(
    join(dir, 'prober.config.json'),
    JSON.stringify({
      environment: 'test',
      targets: { auth: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
      probes: ['probe.ts'],
      secrets: { password: '${env:PROBER_HINT_PASSWORD}', apiKey: '${env:PROBER_HINT_KEY}' },
    }),
  );
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an auth failure names the secret the step read', () => {
  it('under the failed step on the console and in its evidence notes; the value appears nowhere', async () => {
    const r = await runCli(
      ['run', '--config', 'prober.config.json', '--reporter', 'console', '--reporter', 'json=r.json'],
      {
        cwd: dir,
        env: { PROBER_HINT_PASSWORD: canary, PROBER_HINT_KEY: 'other-unused-key-0a9b8c' },
      },
    );
    expect(r.code, r.stderr).toBe(1);
    const hint = 'the app refused the credentials: check secret "password" (secrets.password in the config)';
    const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as {
      journeys: {
        journey: string;
        steps: { error?: { category: string; message: string }; evidence?: { notes?: string[] } }[];
      }[];
    };
    const login = result.journeys.find((j) => j.journey === 'login')!.steps[0]!;
    expect(login.error).toMatchObject({ category: 'auth', message: expect.stringContaining('HTTP 401') });
    // Only the secret the step read: apiKey is configured and needed, but this step never called ctx.secret('apiKey').
    expect(login.evidence?.notes).toEqual([hint]);
    const anonymous = result.journeys.find((j) => j.journey === 'anonymous')!.steps[0]!;
    expect(anonymous.error?.category).toBe('auth');
    expect(anonymous.evidence?.notes).toBeUndefined();
    const lines = r.stdout.split('\n');
    const failed = lines.findIndex((l) => l.includes('✗ auth.login'));
    expect(lines.slice(failed + 1, failed + 3), r.stdout).toEqual(['      at probe.ts:4', `      ${hint}`]);
    expect(lines.filter((l) => l.includes('check secret'))).toHaveLength(1);
    expectNoSecrets('stdout', r.stdout, canary);
    expectNoSecrets('stderr', r.stderr, canary);
    expectNoSecrets('r.json', readFileSync(join(dir, 'r.json'), 'utf8'), canary);
  });
});
