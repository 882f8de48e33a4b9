import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initAction, scaffold, withGitignoreLines } from '../../src/cli/commands/init.js';
import { findConfig } from '../../src/config/find-config.js';

describe('prober init: what happens to one file', () => {
  it.each([
    [undefined, 'new', 'created'],
    ['same', 'same', 'unchanged'],
    ['mine', 'theirs', 'kept'],
  ] as const)('existing %j, wanted %j → %s', (existing, wanted, action) => {
    expect(initAction(existing, wanted)).toBe(action);
  });
});

describe('prober init: .gitignore entries', () => {
  it.each([
    [undefined, 'artifacts/\n.prober/\n'],
    ['', 'artifacts/\n.prober/\n'],
    ['node_modules\n', 'node_modules\nartifacts/\n.prober/\n'],
    ['dist', 'dist\nartifacts/\n.prober/\n'],
    ['artifacts\n.prober/\n', 'artifacts\n.prober/\n'],
  ])('%j → %j', (existing, expected) => {
    expect(withGitignoreLines(existing, ['artifacts/', '.prober/'])).toBe(expected);
  });
});

describe('prober init: on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prober-init-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every file once, then changes nothing, and never overwrites a file the user changed', () => {
    writeFileSync(join(dir, '.gitignore'), 'dist\n');
    const first = scaffold(dir);
    expect(first.map((r) => r.action)).toEqual(['created', 'created', 'created', 'created', 'created', 'updated']);
    writeFileSync(join(dir, 'prober.config.ts'), '// mine\n');
    const second = scaffold(dir);
    expect(Object.fromEntries(second.map((r) => [r.path, r.action]))).toEqual({
      'prober.config.ts': 'kept',
      'probes/api-login.ts': 'unchanged',
      'probes/browser-login.ts': 'unchanged',
      'tsconfig.json': 'unchanged',
      '.github/workflows/golden-path.yml': 'unchanged',
      '.gitignore': 'unchanged',
    });
    expect(readFileSync(join(dir, 'prober.config.ts'), 'utf8')).toBe('// mine\n');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('dist\nnode_modules/\nartifacts/\nreports/\n.prober/\n');
  });
});

describe('config discovery: the nearest prober.config.* in the working directory or a parent', () => {
  it.each([
    [['/p/a/prober.config.ts'], '/p/a/prober.config.ts'],
    [['/p/a/prober.config.json', '/p/a/prober.config.mjs'], '/p/a/prober.config.mjs'],
    [['/p/a/prober.config.mts', '/p/a/prober.config.js'], '/p/a/prober.config.mts'],
    [['/p/prober.config.json'], '/p/prober.config.json'],
    [['/p/prober.config.ts', '/p/a/prober.config.json'], '/p/a/prober.config.json'],
    [['/prober.config.js'], '/prober.config.js'],
    [['/p/a/b/prober.config.ts', '/p/a/prober.config.yaml'], undefined],
    [[], undefined],
  ])('files %j → %s', (files, found) => {
    expect(findConfig('/p/a', (path) => files.includes(path))).toBe(found);
  });
});
