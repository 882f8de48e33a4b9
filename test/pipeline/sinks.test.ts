import { describe, expect, it } from 'vitest';
import { failureLine, writeToSinks, type Sink, type SinkFailure } from '../../src/pipeline/sink.js';
import { sampleRun } from '../store/sample-run.js';

const ok = (name: string, seen: string[]): Sink => ({ name, write: async () => void seen.push(name) });
const broken = (name: string, where: string | undefined, error: unknown): Sink => ({
  name,
  where,
  write: async () => {
    throw error;
  },
});

describe('writeToSinks: a failing sink never stops the others', () => {
  it.each([
    ['no failure', [], ['a', 'b', 'c']],
    ['the first sink fails', [0], ['b', 'c']],
    ['the middle sink fails', [1], ['a', 'c']],
    ['every sink fails', [0, 1, 2], []],
  ] as const)('%s', async (_name, failing, wrote) => {
    const seen: string[] = [];
    const reported: SinkFailure[] = [];
    const sinks = ['a', 'b', 'c'].map((n, i) =>
      (failing as readonly number[]).includes(i)
        ? broken(n, `/out/${n}`, new Error(`EACCES ${n}\nsecond line`))
        : ok(n, seen),
    );
    const failures = await writeToSinks(sinks, sampleRun(), (f) => reported.push(f));
    expect(seen).toEqual(wrote);
    expect(failures).toEqual(reported);
    expect(failures.map((f) => [f.sink, f.where, f.error])).toEqual(
      failing.map((i) => [['a', 'b', 'c'][i], `/out/${['a', 'b', 'c'][i]}`, `EACCES ${['a', 'b', 'c'][i]}`]),
    );
  });

  it('survives a thrown non-Error and a throwing failure reporter', async () => {
    const seen: string[] = [];
    const failures = await writeToSinks([broken('x', undefined, 'plain string'), ok('y', seen)], sampleRun(), () => {
      throw new Error('reporting failed');
    });
    expect(seen).toEqual(['y']);
    expect(failures).toEqual([{ sink: 'x', error: 'plain string' }]);
  });

  it.each([
    [
      { sink: 'junit', where: '/srv/r.xml', error: 'ENOTDIR: not a directory' },
      'prober: junit sink failed (/srv/r.xml): ENOTDIR: not a directory',
    ],
    [
      { sink: 'store', error: 'SQLITE_FULL: database or disk is full' },
      'prober: store sink failed: SQLITE_FULL: database or disk is full',
    ],
  ])('failureLine(%j)', (failure, line) => {
    expect(failureLine(failure)).toBe(line);
  });
});
