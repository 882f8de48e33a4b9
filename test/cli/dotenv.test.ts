import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-dotenv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = pathToFileURL(join(ROOT, 'src/index.ts')).href;
// The journey passes only when the secret is the env file's value: it sees what the config resolved.
writeFileSync(
  join(dir, 'probe.ts'),
  `import { journey, step } from '${api}';
export default journey({ name: 'j', description: 'd', capability: 'c', needs: { secrets: ['password'] },
  steps: [step('a', { service: 'auth' }, (ctx) => { if (ctx.secret('password') !== 'from-the-env-file-1234') throw new Error('not the file value'); })] });\n`,
);
const config = join(dir, 'prober.config.json');
writeFileSync(
  config,
  JSON.stringify({
    environment: 'test',
    targets: { auth: 'http://127.0.0.1:9' },
    probes: ['probe.ts'],
    secrets: { password: '${env:PROBER_ENV_FILE_PASSWORD}' },
  }),
);
const envFile = join(dir, '.env');
writeFileSync(envFile, 'PROBER_ENV_FILE_PASSWORD=from-the-env-file-1234\n');

describe('prober run --dotenv', () => {
  it('resolves ${env:NAME} secrets from the file; without it the secret is missing (exit 2)', async () => {
    const without = await runCli(['run', '--config', config]);
    expect([without.code, without.stderr]).toEqual([
      2,
      expect.stringContaining('prober: secrets.password: environment variable PROBER_ENV_FILE_PASSWORD is not set'),
    ]);
    const withFile = await runCli(['run', '--config', config, '--dotenv', envFile]);
    expect(withFile.stderr).toBe('');
    expect(withFile.code).toBe(0);
  });

  it('a variable already set wins over the file; a missing file is one line, exit 2', async () => {
    const preset = await runCli(['run', '--config', config, '--dotenv', envFile], {
      env: { PROBER_ENV_FILE_PASSWORD: 'set-in-the-shell-5678' },
    });
    expect(preset.code).not.toBe(0);
    const missing = await runCli(['run', '--config', config, '--dotenv', join(dir, 'nope.env')]);
    expect([missing.code, missing.stderr]).toEqual([2, `prober: --dotenv: no such file: ${join(dir, 'nope.env')}\n`]);
  });
});
