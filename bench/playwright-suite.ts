/**
 * What running a team's Playwright suite through the prober costs: `prober run` on a 3-test suite (each test with
 * test.step()s, Debian's /usr/bin/chromium) against the same suite run by Playwright alone, `node <its cli.js> test`
 * (what `npx playwright test` runs, without npx's own start-up, so the baseline is the stricter one), both with
 * `--workers=1` and in the same temporary project. The prober's side includes everything a user pays: loading the
 * config, the suite's listing, the run with its reporter and the JSON reporter, evidence and the result. Three rows:
 * the listing reused from its cache (every run after the first while the specs are unchanged: a schedule, a cron
 * job); no cached listing (`PROBER_SUITE_LIST_CACHE=off`, as a CI job on a fresh checkout has it: `prober run` of
 * every journey lets the run itself list the suite, one Playwright process); and the three tests selected by name
 * with no cached listing (the names need the listing first: one more `playwright test --list` process). Each row is
 * given against both baselines: `node <cli.js> test` (the stricter) and `npx playwright test` as a user types it
 * (npx's own start-up included: the baseline the issue names). Paired and interleaved (which side goes first
 * alternates), timed by GNU time; medians and ratios; the load average is printed beside them.
 *   npm run build && node --import tsx bench/playwright-suite.ts [pairs=7]
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { row, timeProcess, type Sample } from './stats.js';

const pairs = Number(process.argv[2] ?? 7);
const root = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'prober-bench-suite-'));
const env = { ...process.env, NO_COLOR: '1' };

const spec = (n: number) => `import { expect, test } from '@playwright/test';

test('flow ${n}', async ({ page }) => {
  await test.step('open', async () => {
    await page.setContent('<h1>Shop</h1><label for=q>Search</label><input id=q><button>Go</button><p role=status></p>');
    await expect(page.getByRole('heading', { name: 'Shop' })).toBeVisible();
  });
  await test.step('search', async () => {
    await page.getByLabel('Search').fill('tea');
    await page.evaluate(() => document.querySelector('button')?.addEventListener('click', () => {
      document.querySelector('[role=status]')!.textContent = 'found tea';
    }));
    await page.getByRole('button', { name: 'Go' }).click();
    await expect(page.getByRole('status')).toHaveText('found tea');
  });
});
`;

try {
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-suite', private: true, type: 'module' }));
  mkdirSync(join(dir, 'tests'));
  for (const n of [1, 2, 3]) writeFileSync(join(dir, 'tests', `flow-${n}.spec.ts`), spec(n));
  writeFileSync(
    join(dir, 'playwright.config.ts'),
    `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: 'tests',
  reporter: 'line',
  use: { launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] } },
});
`,
  );
  writeFileSync(
    join(dir, 'prober.config.json'),
    JSON.stringify({
      environment: 'bench',
      targets: { web: 'http://127.0.0.1:9' },
      suites: [{ config: 'playwright.config.ts', name: 'bench', workers: 1 }],
      janitor: { enabled: false },
    }),
  );
  const cli = join(root, 'node_modules', '@playwright', 'test', 'cli.js');
  const proberArgv = [
    process.execPath,
    join(root, 'bin', 'prober.js'),
    'run',
    '--config',
    'prober.config.json',
    '--reporter',
    'json=/dev/null',
  ];
  const bareArgv = [process.execPath, cli, 'test', '--workers=1', '--reporter=line'];
  const prober = () => timeProcess(proberArgv, { cwd: dir, env });
  const cold = () => timeProcess(proberArgv, { cwd: dir, env: { ...env, PROBER_SUITE_LIST_CACHE: 'off' } });
  const names = [1, 2, 3].map((n) => `bench: flow ${n}`);
  const named = () =>
    timeProcess([...proberArgv, ...names], { cwd: dir, env: { ...env, PROBER_SUITE_LIST_CACHE: 'off' } });
  const bare = () => timeProcess(bareArgv, { cwd: dir, env });
  const npx = () => timeProcess(['npx', 'playwright', 'test', '--workers=1', '--reporter=line'], { cwd: dir, env });
  // One of each first, unmeasured: Playwright's transform cache, Chromium's files in the page cache, the listing.
  await prober();
  await bare();
  const before = loadavg();
  const p: Sample[] = [];
  const c: Sample[] = [];
  const n: Sample[] = [];
  const b: Sample[] = [];
  const x: Sample[] = [];
  const sides = new Map([
    [prober, p],
    [cold, c],
    [named, n],
    [bare, b],
    [npx, x],
  ]);
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? [prober, cold, named, bare, npx] : [npx, bare, named, cold, prober];
    for (const side of order) sides.get(side)?.push(await side());
  }
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
  console.log(
    `| Playwright suite vs Playwright alone (medians; ${pairs} pairs, --workers=1; load ${load(before)} before, ${load(loadavg())} after) | prober | bare | ratio |`,
  );
  console.log('|---|---|---|---|');
  for (const [baseline, samples] of [
    ['`playwright test` (node cli.js)', b],
    ['`npx playwright test`', x],
  ] as const) {
    console.log(row(`3 tests, 2 steps each, listing cached, vs ${baseline}`, p, samples, 's'));
    console.log(
      row(`no cached listing (\`PROBER_SUITE_LIST_CACHE=off\`: the run lists), vs ${baseline}`, c, samples, 's'),
    );
    console.log(row(`the 3 tests named, no cached listing (\`--list\` first), vs ${baseline}`, n, samples, 's'));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
