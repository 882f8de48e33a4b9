import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunResult } from '../../src/journey/result-schema.js';
import { runNodeScript } from '../support/node-script.js';
import { packedProject } from '../support/packed-project.js';

const PASSES = 's: checks out';
const FAILS = 's: pays';
const BROKEN = 's: tests/broken.spec.ts';

/**
 * `prober run` of every journey with no cached listing (a CI job on a fresh checkout): the suite is listed by its own
 * run, one Playwright process, and the journeys are the same as a listing gives. The Playwright config marks every
 * `--list` load in a file next to it. Packed package, real @playwright/test; no test opens a page, so no browser.
 */
describe('a whole Playwright suite run without a listing first (packed package, real @playwright/test)', () => {
  let ws: string;
  const lists = () => (existsSync(join(ws, 'lists.txt')) ? readFileSync(join(ws, 'lists.txt'), 'utf8').length : 0);
  const ran = () => readFileSync(join(ws, 'ran.txt'), 'utf8').split('\n').filter(Boolean);
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const file = join(ws, `result-${Math.random().toString(36).slice(2)}.json`);
    const cli = await packedProject().prober(
      ['run', '--config', 'prober.config.json', '--reporter', `json=${file}`, ...args],
      { cwd: ws, env, timeoutMs: 90_000 },
    );
    expect(existsSync(file), cli.stderr).toBe(true);
    return { cli, result: RunResult.parse(JSON.parse(readFileSync(file, 'utf8'))) };
  };

  beforeAll(async () => {
    ws = await packedProject().workspace({
      'package.json': JSON.stringify({ name: 'whole-suite', private: true, type: 'module' }),
      'playwright.config.ts': `import { appendFileSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
if (process.argv.includes('--list')) appendFileSync(new URL('./lists.txt', import.meta.url), 'L');
export default defineConfig({ testDir: 'tests', reporter: 'list' });
`,
      'tests/shop.spec.ts': `import { appendFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
// Which tests Playwright ran, one line each: a selection by name must run only that test.
test.beforeEach(({}, info) => appendFileSync(new URL('../ran.txt', import.meta.url), info.title + '\\n'));
test('checks out', async () => {
  await test.step('cart', async () => {
    await test.step('add', async () => expect(1 + 1).toBe(2));
  });
  await test.step('pay', async () => expect(true).toBe(true));
});
test('pays', async () => {
  await test.step('card', async () => expect(2 + 2, 'the total').toBe(5));
});
`,
      'tests/broken.spec.ts':
        "import { test } from '@playwright/test';\ntest('broken', async () => { const x = ; });\n",
      'prober.config.json': JSON.stringify({
        environment: 'whole',
        targets: { web: 'http://127.0.0.1:9' },
        suites: [{ config: 'playwright.config.ts', name: 's', workers: 1 }],
        janitor: { enabled: false },
      }),
    });
  });

  it('lists nothing first, gives one journey per test with its steps and the broken spec as error/prober, and caches the listing for a named run', async () => {
    const { cli, result } = await run(['--reporter', 'github=summary.md']);
    // A failed test wins over the spec that could not be judged: exit 1.
    expect(cli.code, cli.stderr).toBe(1);
    expect(lists(), 'a `playwright test --list` ran').toBe(0);
    const byName = new Map(result.journeys.map((j) => [j.journey, j]));
    expect([...byName.keys()].sort()).toEqual([PASSES, FAILS, BROKEN].sort());
    expect(byName.get(PASSES)?.status).toBe('pass');
    expect(byName.get(PASSES)?.steps.map((s) => [s.name, s.status])).toEqual([
      ['cart', 'pass'],
      ['cart › add', 'pass'],
      ['pay', 'pass'],
    ]);
    expect(byName.get(FAILS)?.failure).toMatchObject({ step: 'card', category: 'assertion' });
    expect(byName.get(BROKEN)?.failure).toMatchObject({ category: 'prober' });
    expect(byName.get(BROKEN)?.failure?.message).toContain('SyntaxError');
    expect(result.summary).toMatchObject({ journeys: 3, passed: 1, failed: 1, errored: 1 });
    // The GitHub step summary names the suite's journeys and the failing step with its category.
    const summary = readFileSync(join(ws, 'summary.md'), 'utf8');
    for (const name of [PASSES, FAILS, BROKEN]) expect(summary).toContain(name);
    expect(summary).toMatch(/card[^\n]*assertion|assertion[^\n]*card/);
    expect(ran().sort()).toEqual(['checks out', 'pays']);

    // The run's listing was cached: a run of one test by name needs no `--list` either.
    const named = await run([PASSES]);
    expect(named.cli.code, named.cli.stderr).toBe(0);
    expect(named.result.journeys.map((j) => [j.journey, j.status])).toEqual([[PASSES, 'pass']]);
    expect(lists()).toBe(0);
    expect(ran().slice(2)).toEqual(['checks out']);

    // With the cache off, the names need the listing first.
    const uncached = await run([PASSES], { PROBER_SUITE_LIST_CACHE: 'off' });
    expect(uncached.cli.code, uncached.cli.stderr).toBe(0);
    expect(lists()).toBeGreaterThan(0);
  }, 120_000);

  it('runs from code: run() of one suite test by name, createProber().run() of every journey', async () => {
    const script = join(ws, 'api.mjs');
    writeFileSync(
      script,
      `import { createProber, run } from 'golden-path-prober';
const one = await run({ config: 'prober.config.json', journeys: [${JSON.stringify(PASSES)}] });
const prober = await createProber({ config: 'prober.config.json' });
const all = await prober.run();
await prober.close();
const show = (r) => r.journeys.map((j) => [j.journey, j.status, j.failure?.category ?? null]);
console.log(JSON.stringify({ one: show(one), all: show(all) }));
`,
    );
    const before = ran().length;
    const out = await runNodeScript(script, ws, 90_000);
    expect(out.code, out.stderr).toBe(0);
    const shown = JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(shown.one).toEqual([[PASSES, 'pass', null]]);
    expect([...shown.all].sort()).toEqual(
      [
        [BROKEN, 'error', 'prober'],
        [FAILS, 'fail', 'assertion'],
        [PASSES, 'pass', null],
      ].sort(),
    );
    // run() ran only the named test; prober.run() every one.
    expect(ran().slice(before).sort()).toEqual(['checks out', 'checks out', 'pays']);
  }, 120_000);
});
