import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/parse-command.js';
import { selectionFrom } from '../../src/cli/run-selection.js';
import { RUN_TABLE } from '../../src/cli/tables/run.js';

// A runner flag costs two files: its row in the command table (naming the RunSelection field it fills) and that
// field. The command passes the selection on without naming either, so a new row needs no third edit.

const ROOT = join(import.meta.dirname, '..', '..');
const selecting = Object.entries(RUN_TABLE.flags).flatMap(([flag, spec]) =>
  'selects' in spec && typeof spec.selects === 'string' ? [[flag, spec.selects] as const] : [],
);

describe('runner flags reach the run as table rows', () => {
  it('every selecting flag lands in its field, checked, from argv alone', () => {
    const { values } = parseCommand(RUN_TABLE, [
      '--retries=2',
      '--retry-delay=1s',
      '--grep=log',
      '--tag=api',
      '--tag=web',
      '--until=auth.token',
    ]);
    expect(selectionFrom(RUN_TABLE, values)).toEqual({
      retries: 2,
      retryDelayMs: 1_000,
      grep: 'log',
      tags: ['api', 'web'],
      untilStep: 'auth.token',
    });
    expect(selecting.map(([, field]) => field).sort()).toEqual([
      'grep',
      'retries',
      'retryDelayMs',
      'tags',
      'untilStep',
    ]);
  });

  it.each(selecting)('the run command names neither --%s nor its field %s', (flag, field) => {
    const source = readFileSync(join(ROOT, 'src/cli/commands/run.ts'), 'utf8');
    expect(source).not.toMatch(new RegExp(`values(\\.${flag.replace('-', '')}\\b|\\['${flag}'\\])`));
    expect(source).not.toMatch(new RegExp(`\\b${field}\\b`));
  });
});
