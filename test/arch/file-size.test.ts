import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

// House rule: a source file holds one thing and stays under 300 lines (past that, files in the probers and Node
// libraries we learn from get hard to change). Counted as `wc -l` counts, on the files as committed (formatted,
// since npm test checks formatting). Functions have their own limit, 60 lines, checked by Biome (biome.jsonc).
const MAX_LINES = 300;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;

const sizes = sourceFiles(join(ROOT, 'src')).map((file) => ({ file: relative(ROOT, file), lines: lines(file) }));

describe(`files in src/ have at most ${MAX_LINES} lines`, () => {
  it('finds the sources (the walk itself works)', () => {
    expect(sizes.length).toBeGreaterThan(100);
    expect(sizes.find((s) => s.file === 'src/index.ts')?.lines).toBeGreaterThan(0);
  });

  it('no file is over the limit', () => {
    const over = sizes.filter((s) => s.lines > MAX_LINES);
    expect(over, 'split these into files named for what each part holds').toEqual([]);
  });
});
