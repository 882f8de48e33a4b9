import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT } from '../support/cli.js';
import { packedProject } from '../support/packed-project.js';

/**
 * `import { run } from 'golden-path-prober'` in a user's own vitest suite: the scaffold from `prober init`, the
 * shipped example test copied next to it, and the user's vitest (this repo's, linked into the project as an install
 * would put it) run against a staging given by TARGET_* variables.
 */
const password = 'run-api-password';
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }] });
});
afterAll(async () => {
  await sandbox?.close();
});

function node(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('run() from a user vitest suite', () => {
  it('the shipped examples/vitest test passes in an init-ed project, and a broken staging fails it with the verdict', async () => {
    const p = packedProject();
    const dir = await p.workspace({});
    expect((await p.prober(['init'], { cwd: dir })).code).toBe(0);
    const example = join(p.root, 'node_modules/golden-path-prober/examples/vitest/golden-path.test.ts');
    copyFileSync(example, join(dir, 'golden-path.test.ts'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules/vitest'), join(dir, 'node_modules/vitest'), 'dir');
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
    const env = {
      PROBER_PASSWORD: password,
      TARGET_AUTH: sandbox.urls.auth,
      TARGET_BACKEND: sandbox.urls.backend,
      TARGET_WEB: sandbox.urls.web,
      // `run()` must not need the CLI: nothing in the example or its config mentions it.
      PROBER_CONFIG: '',
    };
    const ok = await node(
      [vitest, 'run', '--root', dir, '--reporter', 'json', '--outputFile', join(dir, 'out.json')],
      dir,
      env,
    );
    expect(ok.code, ok.out).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
    };
    expect([report.numPassedTests, report.numFailedTests]).toEqual([1, 0]);

    sandbox.faults.set('session.create=http500');
    try {
      const bad = await node([vitest, 'run', '--root', dir], dir, env);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(
        /fail api-login: Users cannot log in and chat: backend step session\.create failed \(http_status\)/,
      );
    } finally {
      sandbox.faults.clear();
    }
  });
});

describe('run() in this process', () => {
  it('takes a config object, returns a schema-valid result; a bad config throws one problem line per mistake', async () => {
    const { run, ProberSetupError } = await import('../../src/index.js');
    const config = {
      environment: 'api-test',
      targets: { auth: sandbox.urls.auth, backend: sandbox.urls.backend, web: sandbox.urls.web },
      probes: ['probes/golden-path-api.ts'],
      secrets: { password: '${env:RUN_API_PASSWORD}' },
      variables: { email: 'probe@sandbox.test' },
      versions: { backend: {} },
    };
    const events: string[] = [];
    const result = await run({
      config,
      cwd: ROOT,
      env: { RUN_API_PASSWORD: password },
      onEvent: (e) => events.push(e.type),
    });
    expect(RunResult.parse(result).status).toBe('pass');
    expect(result.environment).toBe('api-test');
    expect(Object.keys(result.versions ?? {})).toEqual(['backend']);
    expect(events.filter((t) => t === 'step/end')).toHaveLength(6);
    expect(JSON.stringify(result)).not.toContain(password);

    const err = await run({ config: { ...config, targets: { auth: 'not a url' } }, cwd: ROOT, env: {} }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProberSetupError);
    expect((err as InstanceType<typeof ProberSetupError>).problems.map((p) => p.path)).toContain('targets.auth');
  });
});

describe('createProber() in this process', () => {
  it('loads the config once and runs its journeys as often as asked, each run with its own id, connections and result', async () => {
    const { createProber } = await import('../../src/index.js');
    const prober = await createProber({
      config: {
        environment: 'warm-test',
        targets: { auth: sandbox.urls.auth, backend: sandbox.urls.backend, web: sandbox.urls.web },
        probes: ['probes/golden-path-api.ts'],
        secrets: { password: '${env:RUN_API_PASSWORD}' },
        variables: { email: 'probe@sandbox.test' },
      },
      cwd: ROOT,
      env: { RUN_API_PASSWORD: password },
    });
    expect(prober.journeys).toContain('golden-path-api');
    const first = RunResult.parse(await prober.run({ journeys: ['golden-path-api'] }));
    const second = RunResult.parse(await prober.run({ journeys: ['golden-path-api'] }));
    expect([first.status, second.status]).toEqual(['pass', 'pass']);
    expect(first.runId).not.toBe(second.runId);
    // Each run opened its own connection for its first request, so each measured a connect.
    for (const r of [first, second]) {
      const login = r.journeys[0]!.steps[0]!.evidence!.http![0]!;
      expect(login.reused).toBeUndefined();
      expect(login.timings.connectMs).toBeGreaterThan(0);
    }
    expect(JSON.stringify([first, second])).not.toContain(password);
    await expect(prober.run({ journeys: ['no-such-journey'] })).rejects.toThrow(/no-such-journey: no such journey/);
  });
});
