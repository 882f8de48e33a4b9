import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { packedProject } from '../support/packed-project.js';

/**
 * The first ten minutes as a user has them: the packed package installed in an npm project, `prober init` in an
 * empty folder, and then, with no file written by hand, `prober validate`, `tsc --noEmit` and `prober run`
 * against a staging (the bundled sandbox on random ports, given with --target as a user points at theirs).
 */
const password = 'init-project-password';
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }] });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('prober init in an empty project with the packed package installed', () => {
  it('scaffolds, then validate, tsc --noEmit and run (API and browser journey) all pass', async () => {
    const p = packedProject();
    // An npm project without TypeScript of its own: init adds it (the package's peer dependency installed it).
    const dir = await p.workspace({ 'package.json': '{\n  "name": "my-probes",\n  "private": true\n}\n' });
    const init = await p.prober(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('npx prober sandbox');
    expect(init.stdout).toContain('PROBER_PASSWORD=sandbox-password-not-secret npx prober run');
    expect(init.stdout).toContain('package.json (typescript added to devDependencies)');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).devDependencies.typescript).toMatch(/^\^\d+\./);
    expect(readdirSync(dir).sort()).toEqual([
      '.github',
      '.gitignore',
      'package.json',
      'prober.config.ts',
      'probes',
      'tsconfig.json',
    ]);

    const again = await p.prober(['init'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/\bwrote\b/);
    expect(again.stdout.match(/unchanged/g)).toHaveLength(6);

    const env = { PROBER_PASSWORD: password };
    // No --config: the scaffolded prober.config.ts is discovered in the working directory.
    const validate = await p.prober(['validate'], { cwd: dir, env });
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('environment sandbox: 2 journeys');

    const tsc = spawnSync(process.execPath, [join(p.root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], {
      encoding: 'utf8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    const targets = (['auth', 'backend', 'web'] as const).flatMap((t) => ['--target', `${t}=${sandbox.urls[t]}`]);
    const run = await p.prober(['run', ...targets, '--reporter', 'json'], { cwd: dir, env, timeoutMs: 120_000 });
    const result = RunResult.parse(JSON.parse(run.stdout));
    // Degraded (over a latency budget on a loaded machine) still counts as passed, as the exit code says.
    const passed = (status: string) => (status === 'degraded' ? 'pass' : status);
    expect(
      result.journeys.map((j) => [j.journey, passed(j.status), j.steps.map((s) => `${s.name}:${passed(s.status)}`)]),
    ).toEqual([
      [
        'api-login',
        'pass',
        ['auth.token:pass', 'session.create:pass', 'chat.connect:pass', 'chat.reply:pass', 'session.close:pass'],
      ],
      ['browser-login', 'pass', ['web.open:pass', 'web.login:pass', 'web.logout:pass']],
    ]);
    expect(run.code).toBe(0);
  });

  it('prober run from a sub-folder finds the config in a parent; none anywhere is one line naming the file names', async () => {
    const p = packedProject();
    const dir = await p.workspace({
      'prober.config.json': JSON.stringify({
        environment: 'x',
        targets: { api: 'http://127.0.0.1:9' },
        probes: ['j.ts'],
      }),
      'sub/deeper/.keep': '',
    });
    const list = await p.prober(['validate'], { cwd: join(dir, 'sub', 'deeper') });
    // Found the parent's JSON config: what fails now is the journey file it names, not the discovery.
    expect(list.stderr).toContain('j.ts');
    expect(list.stderr).not.toContain('no config given');
    const empty = await p.workspace({});
    const none = await p.prober(['validate'], { cwd: empty, env: { PROBER_CONFIG: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain(
      'prober.config.ts, prober.config.mts, prober.config.js, prober.config.mjs, prober.config.json',
    );
  });
});
