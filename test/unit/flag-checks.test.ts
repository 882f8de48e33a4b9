import { describe, expect, it } from 'vitest';
import { duration, oneOf, pairs, parseDurationMs, wholeNumber } from '../../src/cli/flag-checks.js';
import { LOG_LEVEL_NAMES } from '../../src/cli/tables/shared.js';
import { LOG_LEVELS } from '../../src/log.js';

describe('parseDurationMs: a unit is required', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['0s', 0],
    ['5', undefined],
    ['1.5s', undefined],
    ['5h', undefined],
    [' 5s', undefined],
    ['', undefined],
  ])('%j → %j', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });
});

/** A check's answer as the CLI shows it: the value, or the messages it prints after `--flag: `. */
const run = (
  check: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: { message: string }[] } } },
  raw: unknown,
) => {
  const r = check.safeParse(raw);
  return r.success ? { value: r.data } : { problems: r.error!.issues.map((i) => i.message) };
};

describe('flag checks: what a table row turns a typed value into', () => {
  it.each([
    ['duration absent', duration(0), undefined, { value: 0 }],
    ['duration', duration(0), '2s', { value: 2_000 }],
    [
      'duration without unit',
      duration(0),
      '2',
      { problems: ['expected a duration with a unit such as 500ms, 30s or 5m, got "2"'] },
    ],
    ['count absent', wholeNumber({ min: 0, max: 999, fallback: 0 }), undefined, { value: 0 }],
    ['count', wholeNumber({ min: 0, max: 999, fallback: 0 }), '3', { value: 3 }],
    [
      'count too big',
      wholeNumber({ min: 0, max: 999, fallback: 0 }),
      '1000',
      { problems: ['expected a whole number from 0 to 999, got "1000"'] },
    ],
    [
      'negative',
      wholeNumber({ min: 0, max: 999, fallback: 0 }),
      '-1',
      { problems: ['expected a whole number from 0 to 999, got "-1"'] },
    ],
    [
      'port, config decides',
      wholeNumber({ min: 0, max: 65_535, fallback: undefined, expected: 'a port number' }),
      undefined,
      { value: undefined },
    ],
    [
      'port not a number',
      wholeNumber({ min: 0, max: 65_535, fallback: undefined, expected: 'a port number' }),
      '80a',
      { problems: ['expected a port number, got "80a"'] },
    ],
    ['one of', oneOf(['pretty', 'json'], 'pretty'), 'json', { value: 'json' }],
    ['one of, absent', oneOf(['pretty', 'json'], 'pretty'), undefined, { value: 'pretty' }],
    [
      'one of, wrong',
      oneOf(['on', 'on-failure', 'off'], undefined),
      'always',
      { problems: ['expected on, on-failure or off, got "always"'] },
    ],
    ['single word', oneOf(['degraded'], undefined), 'slow', { problems: ['expected "degraded", got "slow"'] }],
    ['pairs', pairs(), ['auth=http://a:1/x=y', 'web=http://w'], { value: { auth: 'http://a:1/x=y', web: 'http://w' } }],
    ['pairs absent', pairs(), undefined, { value: {} }],
    ['pair without name', pairs(), ['=http://a'], { problems: ['expected NAME=VALUE, got "=http://a"'] }],
  ])('%s', (_name, check, raw, expected) => {
    expect(run(check, raw)).toEqual(expected);
  });
});

it('--log-level offers exactly the levels the logger knows', () => {
  expect([...LOG_LEVEL_NAMES]).toEqual([...LOG_LEVELS]);
});
