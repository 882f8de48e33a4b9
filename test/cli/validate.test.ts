import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, ROOT, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'prober-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = pathToFileURL(join(ROOT, 'src/index.ts')).href;
writeFileSync(
  join(dir, 'probe.ts'),
  `import { journey, step } from '${api}';
export default journey({ name: 'j', description: 'd', capability: 'log in', needs: { secrets: ['password'] },
  steps: [step('a', { service: 'auth' }, () => {}), step('b', { service: 'backend' }, () => {})] });\n`,
);

const good = {
  environment: 'test',
  targets: { auth: 'http://127.0.0.1:1', backend: 'http://127.0.0.1:2' },
  probes: ['probe.ts'],
  secrets: { password: '${env:PROBER_TEST_PASSWORD}' },
  journeys: { j: { schedule: '*/30 * * * * *' } },
};

function writeConfig(name: string, config: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const env = { PROBER_TEST_PASSWORD: 'correct-horse' };

describe('prober validate', () => {
  it('accepts a good config and prints the plan', async () => {
    const r = await runCli(['validate', '--config', writeConfig('good', good)], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('j [*/30 * * * * *]');
    expect(r.stdout).toMatch(/a\s+auth\s+http:\/\/127\.0\.0\.1:1/);
  });

  const bad: [string, unknown, NodeJS.ProcessEnv, RegExp][] = [
    ['unknown key', { ...good, tragets: {} }, env, /^prober: tragets: unknown key/m],
    [
      'missing target',
      { ...good, targets: { auth: 'http://127.0.0.1:1' } },
      env,
      /^prober: targets: journey j step b uses service "backend", which has no target URL/m,
    ],
    [
      'literal secret',
      { ...good, secrets: { password: 'hunter2-literal' } },
      env,
      /^prober: secrets\.password: must be an \$\{env:NAME\} reference/m,
    ],
    [
      'bad cron',
      { ...good, journeys: { j: { schedule: '61 * * * *' } } },
      env,
      /^prober: journeys\.j\.schedule: invalid cron expression "61 \* \* \* \*"/m,
    ],
    [
      'missing env var',
      good,
      { PROBER_TEST_PASSWORD: '' },
      /^prober: secrets\.password: environment variable PROBER_TEST_PASSWORD is not set/m,
    ],
    [
      'unknown journey override',
      { ...good, journeys: { nope: {} } },
      env,
      /^prober: journeys\.nope: no journey named "nope"/m,
    ],
    [
      'budget not below timeout',
      { ...good, journeys: { j: { steps: { a: { timeoutMs: 100, budgetMs: 200 } } } } },
      env,
      /budgetMs \(200\) must be below timeoutMs \(100\)/,
    ],
  ];
  it.each(bad)('%s: exit 2 with one line naming the path', async (_name, config, e, expected) => {
    const r = await runCli(['validate', '--config', writeConfig(_name.replace(/\W/g, '-'), config)], { env: e });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(expected);
    expect(hasStackTrace(r.stderr)).toBe(false);
    for (const line of r.stderr.trim().split('\n')) expect(line.startsWith('prober: ')).toBe(true);
  });

  it('lists every problem at once', async () => {
    const r = await runCli(
      [
        'validate',
        '--config',
        writeConfig('many', { ...good, tragets: {}, secrets: { password: 'literal-value' }, environment: '' }),
      ],
      { env },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').length).toBeGreaterThanOrEqual(3);
  });

  it('a missing config file and a config that does not parse are one-line errors', async () => {
    const missing = await runCli(['validate', '--config', join(dir, 'nope.ts')]);
    expect([missing.code, missing.stderr.trim()]).toEqual([
      2,
      `prober: --config: file not found: ${join(dir, 'nope.ts')}`,
    ]);
    writeFileSync(join(dir, 'broken.ts'), 'export default {{{');
    const broken = await runCli(['validate', '--config', join(dir, 'broken.ts')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(hasStackTrace(broken.stderr)).toBe(false);
  });

  it('unknown commands and flags exit 2 without a stack trace', async () => {
    const cmd = await runCli(['frobnicate']);
    const flag = await runCli(['run', '--colour']);
    expect([cmd.code, flag.code]).toEqual([2, 2]);
    expect(flag.stderr).toMatch(/^prober: prober run: Unknown option '--colour'/);
  });
});
