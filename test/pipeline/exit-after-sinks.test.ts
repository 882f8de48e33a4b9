import { describe, expect, it } from 'vitest';
import { exitAfterSinks } from '../../src/cli/execute-run.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { openFailureReason } from '../../src/store/open-store.js';

const f = (...sinks: string[]) => sinks.map((sink) => ({ sink }));

describe('exitAfterSinks: the exit code once every sink ran', () => {
  it.each([
    ['pass, all written', EXIT.pass, f(), false, EXIT.pass],
    ['fail, all written', EXIT.fail, f(), false, EXIT.fail],
    ['pass, store not opened', EXIT.pass, f(), true, EXIT.notStored],
    ['fail, store not opened', EXIT.fail, f(), true, EXIT.notStored],
    [
      'pass, store write held (alerting fails on the same store)',
      EXIT.pass,
      f('alerting', 'store'),
      false,
      EXIT.notStored,
    ],
    ['pass, a reporter failed', EXIT.pass, f('junit'), false, EXIT.error],
    ['pass, a reporter failed and the store too', EXIT.pass, f('store', 'html'), false, EXIT.error],
    ['pass, alerting failed with the store written', EXIT.pass, f('alerting'), false, EXIT.error],
    ['could not judge, store not opened', EXIT.error, f(), true, EXIT.error],
  ] as const)('%s → %i', (_what, verdict, failures, notOpened, code) => {
    expect(exitAfterSinks(verdict, failures, notOpened)).toBe(code);
  });
});

const err = (code: string | undefined, message: string) => Object.assign(new Error(message), { code });

describe('openFailureReason: why a store did not open, by code', () => {
  it.each([
    [
      err('SQLITE_NOTADB', 'file is not a database'),
      {},
      /^it is not a SQLite database .*\(SQLITE_NOTADB: file is not a database\)$/,
    ],
    [err('SQLITE_CORRUPT', 'database disk image is malformed'), {}, /^it is not a SQLite database/],
    [err('SQLITE_CANTOPEN', 'unable to open database file'), { directory: true }, /^it is a directory/],
    [
      err('SQLITE_CANTOPEN', 'unable to open database file'),
      { folderNotWritable: 'EROFS' },
      /read-only file system or no permission: EROFS/,
    ],
    [err('SQLITE_CANTOPEN', 'unable to open database file'), {}, /^it cannot be opened as a file/],
    [err('SQLITE_READONLY', 'attempt to write a readonly database'), {}, /^it cannot be written/],
    [
      err('SQLITE_BUSY', 'database is locked'),
      {},
      /^it is locked by another process \(SQLITE_BUSY: database is locked\)$/,
    ],
    [err('SQLITE_FULL', 'database or disk is full'), {}, /^the disk is full/],
    [
      err(undefined, 'the state store was written by a newer prober (schema 9, this prober knows 3)'),
      {},
      /^the state store was written by a newer prober/,
    ],
  ] as const)('%s', (error, facts, reason) => {
    expect(openFailureReason(error, facts)).toMatch(reason);
  });
});
