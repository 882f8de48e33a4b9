import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packedProject } from '../support/packed-project.js';
import { startSandbox } from '../../src/sandbox/index.js';

// The package as users get it: a journey in a fresh project importing only `golden-path-prober`.
const JOURNEY = `import { journey, step, z } from 'golden-path-prober';

export default journey({
  name: 'token-only',
  description: 'the auth service issues a token',
  capability: 'log in',
  needs: { secrets: ['password'], variables: ['email'] },
  steps: [
    step('auth.token', { service: 'auth' }, async (ctx) => {
      const res = await ctx.http.post(\`\${ctx.target('auth')}/auth/login\`, {
        json: { email: ctx.variable('email'), password: ctx.secret('password') },
      });
      const token = await res.json(z.object({ access_token: z.string().min(1) }));
      ctx.markSecret(token.access_token);
    }),
  ],
});
`;

const PASSWORD = 'packed-canary-password';

describe('the packed package in a fresh project', () => {
  it('ships dist, bin and types, and runs a journey that imports only golden-path-prober', async () => {
    const project = packedProject();
    const manifest = JSON.parse(
      await readFile(join(project.root, 'node_modules/golden-path-prober/package.json'), 'utf8'),
    ) as { name: string };
    expect(manifest.name).toBe('golden-path-prober');
    // The sandbox is the environment under probe, not the code under test: it may run from the sources.
    const sandbox = await startSandbox({ users: [{ email: 'probe@example.com', password: PASSWORD }] });
    try {
      const dir = await project.workspace({
        'token-only.ts': JOURNEY,
        'prober.config.json': JSON.stringify({
          environment: 'packed',
          targets: { auth: sandbox.urls.auth, backend: sandbox.urls.backend, web: sandbox.urls.web },
          probes: ['token-only.ts'],
          secrets: { password: '${env:PACKED_PASSWORD}' },
          variables: { email: 'probe@example.com' },
        }),
      });
      const r = await project.prober(['run', '--config', 'prober.config.json', '--reporter', 'json'], {
        cwd: dir,
        env: { PACKED_PASSWORD: PASSWORD },
      });
      expect(r.stderr).not.toContain('Cannot find');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        status: 'pass',
        journeys: [{ journey: 'token-only', status: 'pass' }],
      });
    } finally {
      await sandbox.close();
    }
  });
});
