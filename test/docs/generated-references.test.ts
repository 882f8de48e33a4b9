import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED } from '../../scripts/generate-docs.js';
import { COMMAND_TABLES } from '../../src/cli/tables/index.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { ROOT } from '../support/cli.js';

/** The CLI and config references and the JSON Schemas are generated from the code; what is checked in must match. */
describe('generated references match the code', () => {
  it.each(Object.keys(GENERATED))('%s is up to date (npm run docs:generate rewrites it)', (file) => {
    const render = GENERATED[file]!;
    expect(readFileSync(join(ROOT, file), 'utf8')).toBe(render());
  });

  it('the CLI reference has every command and flag of the tables', () => {
    const text = readFileSync(join(ROOT, 'docs/reference/cli.md'), 'utf8');
    for (const t of COMMAND_TABLES) {
      expect(text).toContain(`## prober ${t.name}`);
      for (const name of Object.keys(t.flags)) expect(text, `${t.name} --${name}`).toContain(`--${name}`);
    }
  });

  it('the config reference has every top-level key of the schema', () => {
    const text = readFileSync(join(ROOT, 'docs/reference/config.md'), 'utf8');
    for (const key of Object.keys(ConfigSchema.shape)) expect(text).toContain(`## \`${key}\``);
  });
});
