import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitForVersions } from '../../src/cli/version-gate.js';
import { versionEndpoints } from '../../src/config/version-endpoints.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../support/cli.js';

const password = 'post-deploy-password';
const config = join(ROOT, 'test/fixtures/sandbox-fast.ts');
const dir = mkdtempSync(join(tmpdir(), 'prober-deploy-'));
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sandbox(options: Parameters<typeof startSandbox>[0] = {}) {
  const s = await startSandbox({ users: [{ email: 'probe@sandbox.test', password }], ...options });
  sandboxes.push(s);
  return { s, targets: ['auth', 'backend', 'web'].flatMap((t) => ['--target', `${t}=${s.urls[t as 'auth']}`]) };
}
const env = { SANDBOX_PASSWORD: password };
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (n) => ['testsuite', 'testcase', 'flakyFailure'].includes(n),
});

describe('post-deploy smoke test', () => {
  it('--expect-version waits for a rollout to finish, then judges; the observed versions are in the result', async () => {
    const { targets } = await sandbox({
      versions: { backend: '1.0.0' },
      rollout: { backend: { to: '2.0.0', afterMs: 3_000 } },
    });
    const cli = await runCli(
      [
        'run',
        '--config',
        config,
        ...targets,
        '--expect-version',
        'backend=2.0.0',
        '--wait-ready',
        '15s',
        '--reporter',
        'json',
      ],
      { env },
    );
    expect(cli.code).toBe(0);
    const result = RunResult.parse(JSON.parse(cli.stdout));
    expect(result.versions).toEqual({ auth: '1.0.0', backend: '2.0.0', web: '1.0.0' });
    expect(result.status).toBe('pass');
  });

  it('a version that never goes live: exit 3 naming service, expected and observed, within the wait + 1 s', async () => {
    const { s, targets } = await sandbox({ versions: { backend: '1.0.0' } });
    const started = Date.now();
    const gate = await waitForVersions(
      { backend: '2.0.0' },
      versionEndpoints({ config: { targets: { ...s.urls }, versions: {} } as never }, ['backend']),
      2_000,
      {},
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(gate).toMatchObject({
      ok: false,
      message: 'version gate: not live after 2000 ms: backend reports 1.0.0, expected 2.0.0',
    });

    const cli = await runCli(
      ['run', '--config', config, ...targets, '--expect-version', 'backend=2.0.0', '--wait-ready', '2s'],
      { env },
    );
    expect(cli.code).toBe(3);
    expect(cli.stderr.trim()).toBe(
      'prober: version gate: not live after 2000 ms: backend reports 1.0.0, expected 2.0.0',
    );
    expect(cli.stdout).toBe('');
  });

  it('--retries 1 with a fault that clears after the first attempt: flaky, both attempts in JSON and JUnit, exit 1 unless --allow-flaky', async () => {
    const { s, targets } = await sandbox();
    s.faults.set('auth.token=http500#1');
    const junit = join(dir, 'flaky.xml');
    const cli = await runCli(
      ['run', '--config', config, ...targets, '--retries', '1', '--reporter', 'json', '--reporter', `junit=${junit}`],
      { env },
    );
    expect(cli.code).toBe(1);
    const j = RunResult.parse(JSON.parse(cli.stdout)).journeys[0]!;
    expect(j.status).toBe('flaky');
    expect(j.verdict).toMatch(
      /^Users can log in and chat, but only on attempt 2 of 2: attempt 1 failed at auth step auth\.token \(http_status\)/,
    );
    expect(j.attempts).toHaveLength(1);
    expect(j.attempts![0]!.failure).toMatchObject({ step: 'auth.token', category: 'http_status' });
    const suite = (
      xml.parse(readFileSync(junit, 'utf8')) as {
        testsuites: { testsuite: { testcase: { name: string; flakyFailure?: { type: string }[] }[] }[] };
      }
    ).testsuites.testsuite[0]!;
    expect(suite.testcase.find((t) => t.name === 'auth.token')!.flakyFailure?.[0]?.type).toBe('http_status');

    s.faults.set('auth.token=http500#1');
    const allowed = await runCli(['run', '--config', config, ...targets, '--retries', '1', '--allow-flaky'], { env });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^FLAKY\s+golden-path-api: Users can log in and chat, but only on attempt 2 of 2/m);
  });

  it('JUnit of a failed run parses, with the right counts and the failing step category', async () => {
    const { s, targets } = await sandbox();
    s.faults.set('session.create=http404');
    const junit = join(dir, 'failed.xml');
    const cli = await runCli(['run', '--config', config, ...targets, '--reporter', `junit=${junit}`], { env });
    expect(cli.code).toBe(1);
    const doc = xml.parse(readFileSync(junit, 'utf8')) as {
      testsuites: {
        tests: string;
        failures: string;
        skipped: string;
        testsuite: { testcase: { name: string; failure?: { type: string; message: string } }[] }[];
      };
    };
    expect([doc.testsuites.tests, doc.testsuites.failures, doc.testsuites.skipped]).toEqual(['6', '1', '4']);
    const failed = doc.testsuites.testsuite[0]!.testcase.find((t) => t.failure !== undefined)!;
    expect(failed.name).toBe('session.create');
    expect(failed.failure).toMatchObject({
      type: 'http_status',
      message: expect.stringMatching(/returned HTTP 404, expected 2xx; the server said: injected fault$/),
    });
  });

  it('--grep, --tag and --list select journeys without running them', async () => {
    const list = await runCli(['run', '--config', join(ROOT, 'config/sandbox.ts'), '--tag', 'api', '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('golden-path-api');
    expect(list.stdout).not.toContain('golden-path-browser');
    const none = await runCli(['run', '--config', join(ROOT, 'config/sandbox.ts'), '--grep', '^nothing$', '--list']);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(/^prober: --grep \^nothing\$: no journey matches/);
  });
});
