import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cliReference } from './cli-reference.js';
import { configReference } from './config-reference.js';
import { configJsonSchema, runJsonSchema } from './json-schemas.js';

/**
 * Writes the generated documentation and schemas: `node --import tsx scripts/generate-docs.ts` (npm run
 * docs:generate). With `--check` it writes nothing and exits 1 naming each file that is out of date, as
 * test/docs/generated-references.test.ts does in CI.
 */
export const GENERATED: Record<string, () => string> = {
  'docs/reference/cli.md': cliReference,
  'docs/reference/config.md': configReference,
  'schemas/config.schema.json': () => formatJson('schemas/config.schema.json', configJsonSchema()),
  'schemas/run.schema.json': () => formatJson('schemas/run.schema.json', runJsonSchema()),
};

/** JSON as the repository's formatter (Biome) lays it out, so `npm run lint` and the comparison agree. */
function formatJson(file: string, value: unknown): string {
  const biome = fileURLToPath(new URL('../node_modules/@biomejs/biome/bin/biome', import.meta.url));
  return execFileSync(process.execPath, [biome, 'format', `--stdin-file-path=${file}`], {
    input: JSON.stringify(value, null, 2),
    encoding: 'utf8',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('..', import.meta.url);
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [file, render] of Object.entries(GENERATED)) {
    const path = fileURLToPath(new URL(file, root));
    const text = render();
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current === text) continue;
    if (check) stale.push(file);
    else writeFileSync(path, text);
  }
  if (stale.length > 0) {
    console.error(`out of date (run npm run docs:generate): ${stale.join(', ')}`);
    process.exitCode = 1;
  }
}
