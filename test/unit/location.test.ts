import { describe, expect, it } from 'vitest';
import { resolveLocation } from '../../src/config/location.js';
import { ProberSetupError } from '../../src/config/problems.js';
import { RunResult } from '../../src/journey/result-schema.js';
import { sampleRun } from '../store/sample-run.js';

describe('resolveLocation', () => {
  it.each([
    [{ flag: 'eu-west-1', env: { PROBER_LOCATION: 'us' }, config: 'ap' }, 'eu-west-1'],
    [{ env: { PROBER_LOCATION: 'us' }, config: 'ap' }, 'us'],
    [{ env: { PROBER_LOCATION: '' }, config: 'ap' }, 'ap'],
    [{ env: {}, config: 'ap' }, 'ap'],
    [{ env: {} }, undefined],
  ])('%j → %s', (sources, expected) => {
    expect(resolveLocation(sources)).toBe(expected);
  });

  it('refuses a name that cannot be a label value in one line that says where it came from', () => {
    expect(() => resolveLocation({ env: { PROBER_LOCATION: 'eu west' } })).toThrow(ProberSetupError);
    expect(() => resolveLocation({ flag: '../x' })).toThrow(/^--location: "..\/x" is not a location name/);
  });

  it('is an optional field of prober.run/v1: documents without it (older runs) and with it both validate', () => {
    const run = sampleRun();
    expect(RunResult.safeParse(run).success).toBe(true);
    expect(RunResult.parse({ ...run, location: 'eu-west-1' }).location).toBe('eu-west-1');
    expect(RunResult.safeParse({ ...run, location: '' }).success).toBe(false);
  });
});
