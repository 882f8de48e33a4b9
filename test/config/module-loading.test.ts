import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, ROOT, runCli } from '../support/cli.js';

// How configs and journeys in TypeScript are loaded: compiled by esbuild into one module per file, cached by the
// inputs' mtime and size, with syntax errors that say where.
const dir = mkdtempSync(join(tmpdir(), 'prober-modules-'));
const cache = mkdtempSync(join(tmpdir(), 'prober-module-cache-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});
const api = pathToFileURL(join(ROOT, 'src/index.ts')).href;
const env = { PROBER_CACHE_DIR: cache };

function journeyFile(name: string, extra = ''): string {
  return `import { journey, step } from '${api}';
import { suffix } from './helper.ts';
${extra}
export default journey({ name: '${name}' + suffix, description: 'd', capability: 'log in',
  steps: [step('a', { service: 'auth' }, () => {})] });
`;
}

function write(rel: string, content: string): string {
  const path = join(dir, rel);
  writeFileSync(path, content);
  return path;
}

const config = write(
  'config.json',
  JSON.stringify({ environment: 'test', targets: { auth: 'http://127.0.0.1:1' }, probes: ['j.ts'] }),
);

describe('loading TypeScript configs and journeys', () => {
  it('a syntax error names file:line:col and the reason, in one line, without a stack trace', async () => {
    write('helper.ts', `export const suffix = '';\n`);
    write(
      'j.ts',
      `import { journey } from '${api}';\nexport default journey({ name: 'x', steps: [\n  step('a' {}) ] });\n`,
    );
    const r = await runCli(['validate', '--config', config], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/syntax error at \S*j\.ts:3:12: Expected "\)" but found "\{"/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('bundles relative imports, keeps import.meta.url pointing at the user file, and reuses the compiled module', async () => {
    write('helper.ts', `export const suffix = '-one';\n`);
    write('data.txt', 'fixture');
    const readsFixture = `import { readFileSync } from 'node:fs';\nif (readFileSync(new URL('./data.txt', import.meta.url), 'utf8') !== 'fixture') throw new Error('wrong import.meta.url');`;
    write('j.ts', journeyFile('j', readsFixture));
    const first = await runCli(['validate', '--config', config], { env });
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('j-one');
    const compiled = () =>
      readdirSync(cache)
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => `${f}@${statSync(join(cache, f)).mtimeMs}`)
        .sort();
    const before = compiled();

    const second = await runCli(['validate', '--config', config], { env });
    expect(second.stdout).toContain('j-one');
    expect(compiled()).toEqual(before);

    // A change in a bundled input (the helper, not the journey itself) makes a new module.
    const helper = write('helper.ts', `export const suffix = '-two';\n`);
    utimesSync(helper, new Date(), new Date(Date.now() + 5_000));
    const third = await runCli(['validate', '--config', config], { env });
    expect(third.stdout).toContain('j-two');
    expect(compiled()).not.toEqual(before);
  });
});
