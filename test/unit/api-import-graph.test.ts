import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

/**
 * Every src/ module reachable from `file` through relative imports (static, re-exports and `import('…')`). TypeScript's
 * own scanner finds them, so an import written inside a template literal (the suite's generated wrapper config) is text,
 * not an edge.
 */
function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = join(dirname(file), fileName).replace(/\.js$/, '.ts');
    reachable(target, seen);
  }
  return seen;
}

describe('the programmatic API does not load the CLI', () => {
  it.each([['src/index.ts'], ['src/api/run.ts']])('%s reaches no module under src/cli/', (entry) => {
    const modules = [...reachable(join(ROOT, entry))].map((f) => relative(ROOT, f));
    expect(modules.length).toBeGreaterThan(10);
    expect(modules.filter((m) => m.startsWith('src/cli/'))).toEqual([]);
  });
});
