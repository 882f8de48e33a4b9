import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../support/cli.js';

/**
 * `prober validate` and `prober schedule` run the same validation pass, so they must agree on every config the
 * schedule tests use: both refuse naming the same path, or both accept. The one difference is by design: a config
 * with nothing scheduled is fine for `prober run`, so validate accepts it and says schedule would refuse.
 */
const dir = mkdtempSync(join(tmpdir(), 'prober-agree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The configs of test/schedule/schedule-cli.test.ts: a journey of two 5 s steps (its default timeout is 10 s).
const stepData = (name: string) =>
  `{ kind: 'step', name: '${name}', service: 'auth', timeoutMs: 5000, budgetMs: undefined, always: false, location: undefined, run: () => {} }`;
writeFileSync(
  join(dir, 'probe.ts'),
  `export default { kind: 'journey', name: 'j', description: 'd', capability: 'log in', tags: [], timeoutMs: 10000, budgetMs: undefined,
  needs: { secrets: [], variables: [] }, steps: [${stepData('a')}, ${stepData('b')}] };\n`,
);
function inline(name: string, extra: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({ environment: 'test', targets: { auth: 'http://127.0.0.1:9' }, probes: ['probe.ts'], ...extra }),
  );
  return path;
}
const fixture = (name: string) => join(ROOT, 'test/fixtures', name);

type Expected = { accept: true } | { refuse: string } | { nothingScheduled: true };
const cases: [string, string, Expected][] = [
  [
    'configured timeout over the interval',
    inline('too-long', {
      journeys: { j: { schedule: '*/2 * * * * *', timeoutMs: 2_000 } },
      scheduler: { maxRandomDelayMs: 0 },
    }),
    { refuse: 'journeys.j.timeoutMs' },
  ],
  [
    "the journey's default timeout over the interval",
    inline('default-timeout', { journeys: { j: { schedule: '*/5 * * * * *' } } }),
    { refuse: 'journeys.j.timeoutMs' },
  ],
  ['nothing scheduled', inline('none', {}), { nothingScheduled: true }],
  [
    'a timeout that fits',
    inline('ok', { journeys: { j: { schedule: '0 * * * * *', timeoutMs: 10_000 } } }),
    { accept: true },
  ],
  ['schedule-every-second.ts', fixture('schedule-every-second.ts'), { accept: true }],
  ['schedule-overlap.ts (a warning, not a refusal)', fixture('schedule-overlap.ts'), { accept: true }],
  ['schedule-shutdown.ts', fixture('schedule-shutdown.ts'), { accept: true }],
  ['schedule-history.ts', fixture('schedule-history.ts'), { nothingScheduled: true }],
];

const env = { SANDBOX_PASSWORD: 'agree-test-password-1234' };

/** `prober schedule` until it refuses (its exit code) or is ready (its status page line; then SIGTERM and its exit code). */
function schedule(
  config: string,
  store: string,
): Promise<{ ready: boolean; code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'schedule', '--config', config, '--port', '0', '--store', store], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let ready = false;
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000); // a hung daemon fails the test instead of hanging it
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!ready && /status page http:\/\//.test(stdout)) {
      ready = true;
      child.kill('SIGTERM');
    }
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ ready, code, stdout, stderr });
    }),
  );
}

const pathLines = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('prober: '))
    .map((l) => l.slice('prober: '.length).split(': ')[0]);

describe('prober validate and prober schedule agree on every schedule-test config', { timeout: 120_000 }, () => {
  it.each(cases)('%s', async (name, config, expected) => {
    const [validate, scheduled] = await Promise.all([
      runCli(['validate', '--config', config], { env }),
      schedule(config, join(dir, `${name.replace(/\W+/g, '-')}.db`)),
    ]);
    const seen = {
      validate: { code: validate.code, paths: pathLines(validate.stderr).filter((p) => p !== 'warning') },
      schedule: { ready: scheduled.ready, code: scheduled.code, paths: pathLines(scheduled.stderr) },
    };
    if ('refuse' in expected) {
      expect(seen).toEqual({
        validate: { code: 2, paths: [expected.refuse] },
        schedule: { ready: false, code: 2, paths: [expected.refuse] },
      });
    } else if ('accept' in expected) {
      expect(seen).toEqual({ validate: { code: 0, paths: [] }, schedule: { ready: true, code: 0, paths: [] } });
    } else {
      expect(seen).toEqual({
        validate: { code: 0, paths: [] },
        schedule: { ready: false, code: 2, paths: ['journeys'] },
      });
      expect(validate.stdout).toContain(
        'journeys: no enabled journey has a schedule, so prober schedule would refuse to start',
      );
    }
  });

  it('a warning of the pass is printed by validate and logged by schedule, with the same path', async () => {
    const config = fixture('schedule-overlap.ts');
    const [validate, scheduled] = await Promise.all([
      runCli(['validate', '--config', config], { env }),
      schedule(config, join(dir, 'overlap-warning.db')),
    ]);
    expect(validate.stderr).toMatch(
      /^prober: warning: journeys\.golden-path-api: with cleanup steps \(2500 ms\).*overlapping ticks will be skipped/m,
    );
    expect(scheduled.stderr).toMatch(/"path":"journeys\.golden-path-api".*overlapping ticks will be skipped/);
  });
});
