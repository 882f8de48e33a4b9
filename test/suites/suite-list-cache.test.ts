import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSuites } from '../../src/config/discover-suites.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The listing of a suite is reused while nothing it came from changed, and redone when a spec or the config
 * changes. The Playwright config counts its own loads in a file next to it: a reused listing loads it zero times.
 * Real @playwright/test (the repository's), no browser: listing never starts one.
 */
describe('the suite listing cache (real @playwright/test --list)', () => {
  let dir: string;
  const loads = () => readFileSync(join(dir, 'loads.txt'), 'utf8').length;
  const spec = (title: string) => `import { test } from '@playwright/test';\ntest('${title}', async () => {});\n`;
  const config = {
    suites: [{ config: 'playwright.config.ts', name: 's' }],
    targets: { web: 'http://127.0.0.1:9' },
    variables: {},
  };
  const names = async (env: NodeJS.ProcessEnv = {}) => {
    // discoverSuites takes the parsed config; the schema's defaults filled in here by hand.
    const suites = config.suites.map((s) => ({ mapping: 'test' as const, timeoutMs: 60_000, env: {}, ...s }));
    const found = await discoverSuites({ ...config, suites }, dir, { ...process.env, ...env });
    expect(found.problems).toEqual([]);
    return found.journeys.map((j) => j.def.name).sort();
  };

  beforeAll(async () => {
    // The repository's node_modules linked in: the listing cache lands in its .cache (this test's own entry, by path).
    dir = mkdtempSync(join(tmpdir(), 'prober-suite-cache-'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cache-test', private: true, type: 'module' }));
    writeFileSync(join(dir, 'loads.txt'), '');
    writeFileSync(
      join(dir, 'playwright.config.ts'),
      `import { appendFileSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
appendFileSync(new URL('./loads.txt', import.meta.url), 'x');
export default defineConfig({ testDir: 'tests' });
`,
    );
    await mkdir(join(dir, 'tests', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'tests', 'a.spec.ts'), spec('a'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists once, then reuses the listing until a spec is added, edited or the config changes', async () => {
    expect(await names()).toEqual(['s: a']);
    const first = loads();
    expect(first).toBeGreaterThan(0);
    expect(await names()).toEqual(['s: a']);
    expect(loads()).toBe(first);
    // A new spec in a sub-folder: listed again.
    writeFileSync(join(dir, 'tests', 'deep', 'b.spec.ts'), spec('b'));
    expect(await names()).toEqual(['s: a', 's: b']);
    const second = loads();
    expect(second).toBeGreaterThan(first);
    // An edited title (the file's size changes with it).
    writeFileSync(join(dir, 'tests', 'a.spec.ts'), spec('a renamed'));
    expect(await names()).toEqual(['s: a renamed', 's: b']);
    expect(loads()).toBeGreaterThan(second);
    const third = loads();
    // The config edited: listed again.
    appendFileSync(join(dir, 'playwright.config.ts'), '// edited\n');
    expect(await names()).toEqual(['s: a renamed', 's: b']);
    expect(loads()).toBeGreaterThan(third);
    // Turned off: every discovery lists.
    const fourth = loads();
    await names({ PROBER_SUITE_LIST_CACHE: 'off' });
    expect(loads()).toBeGreaterThan(fourth);
  }, 90_000);
});
