import { describe, expect, it } from 'vitest';
import { definitionProblems, MAX_TIMER_MS, timerProblem } from '../../src/config/check-definitions.js';
import { loadErrorMessage } from '../../src/config/import-module.js';
import { issuesToProblems, problemLine } from '../../src/config/problems.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { journey, janitor, step } from '../../src/journey/define.js';
import { editDistance, nearestName, suggestName } from '../../src/journey/nearest-name.js';
import { describeExpected, statusFailure } from '../../src/steps/response-checks.js';

const noop = () => undefined;

describe('timerProblem: what Node timers can honour', () => {
  it.each([
    [1, undefined],
    [5_000, undefined],
    [MAX_TIMER_MS, undefined],
    [MAX_TIMER_MS + 1, /more than Node's timers can wait \(at most 2147483647 ms/],
    [2 ** 40, /more than Node's timers can wait/],
    [0, /must be at least 1 ms/],
    [-5, /-5 must be at least 1 ms/],
    [1.5, /1\.5 is not a whole number of milliseconds/],
    [Number.NaN, /not a number/],
    [Number.POSITIVE_INFINITY, /not a whole number/],
  ])('%s → %s', (ms, expected) => {
    const why = timerProblem(ms);
    if (expected === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(expected);
  });
});

describe('definitionProblems: journeys that cannot be meant, named by file, journey, step and field', () => {
  const ok = step('ok', { service: 'svc' }, noop);
  it.each([
    [
      'a journey with no steps',
      journey({ name: 'empty', description: 'd', capability: 'c', steps: [] }),
      ['j.ts: journey empty has no steps; a journey that checks nothing would always pass'],
    ],
    [
      'a step timeout of 2^31 ms',
      journey({
        name: 'j',
        description: 'd',
        capability: 'c',
        steps: [step('s', { service: 'svc', timeoutMs: 2 ** 31 }, noop)],
      }),
      [
        `j.ts: journey j step s timeoutMs: 2147483648 ms is more than Node's timers can wait (at most ${MAX_TIMER_MS} ms, about 24.8 days)`,
      ],
    ],
    [
      'a negative step timeout',
      journey({
        name: 'j',
        description: 'd',
        capability: 'c',
        steps: [step('s', { service: 'svc', timeoutMs: -1 }, noop)],
      }),
      ['j.ts: journey j step s timeoutMs: -1 must be at least 1 ms'],
    ],
    [
      'a fractional step budget',
      journey({
        name: 'j',
        description: 'd',
        capability: 'c',
        steps: [step('s', { service: 'svc', budgetMs: 2.5 }, noop)],
      }),
      ['j.ts: journey j step s budgetMs: 2.5 is not a whole number of milliseconds'],
    ],
    [
      'a journey timeout and budget out of range',
      journey({ name: 'j', description: 'd', capability: 'c', timeoutMs: 2 ** 32, budgetMs: 0, steps: [ok] }),
      [
        `j.ts: journey j timeoutMs: ${2 ** 32} ms is more than Node's timers can wait (at most ${MAX_TIMER_MS} ms, about 24.8 days)`,
        'j.ts: journey j budgetMs: 0 must be at least 1 ms',
      ],
    ],
    [
      'a janitor timeout too long',
      journey({
        name: 'j',
        description: 'd',
        capability: 'c',
        steps: [ok],
        janitor: janitor({ service: 'svc', timeoutMs: 2 ** 31 }, async () => 0),
      }),
      [
        `j.ts: journey j janitor timeoutMs: 2147483648 ms is more than Node's timers can wait (at most ${MAX_TIMER_MS} ms, about 24.8 days)`,
      ],
    ],
    ['a sound journey', journey({ name: 'j', description: 'd', capability: 'c', steps: [ok] }), []],
  ])('%s', (_name, def, expected) => {
    expect(definitionProblems(def, 'j.ts').map(problemLine)).toEqual(expected);
  });
});

describe('config timeouts: refused with their path', () => {
  const base = { environment: 'x', targets: { svc: 'http://127.0.0.1:9' }, probes: ['j.ts'] };
  it.each([
    [{ journeys: { j: { timeoutMs: 2 ** 31 } } }, 'journeys.j.timeoutMs: must be at most 2147483647 ms'],
    [{ journeys: { j: { budgetMs: -1 } } }, 'journeys.j.budgetMs: must be at least 1 ms'],
    [
      { journeys: { j: { steps: { s: { timeoutMs: 10.5 } } } } },
      'journeys.j.steps.s.timeoutMs: must be a whole number of milliseconds',
    ],
    [
      { journeys: { j: { steps: { s: { budgetMs: 2 ** 31 } } } } },
      'journeys.j.steps.s.budgetMs: must be at most 2147483647 ms',
    ],
  ])('%j', (extra, expected) => {
    const parsed = ConfigSchema.safeParse({ ...base, ...extra });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(issuesToProblems(parsed.error.issues).join('\n')).toContain(expected);
  });
});

describe('name suggestions', () => {
  it.each([
    ['auth', 'autth', ['auth', 'backend', 'web'], 'auth'],
    ['a swap is one edit', 'bgi', ['big', 'empty'], 'big'],
    ['case does not count', 'Password', ['password'], 'password'],
    ['nearest wins', 'backedn', ['backend', 'back'], 'backend'],
    ['too far: no guess', 'database', ['auth', 'backend', 'web'], undefined],
    ['short names allow one edit', 'wb', ['web'], 'web'],
    ['nothing known', 'x', [], undefined],
  ])('%s: %s among %j → %s', (_label, name, known, expected) => {
    expect(nearestName(name, known)).toBe(expected);
  });

  it.each([
    ['pasword', ['password', 'token'], ' (did you mean "password"?)'],
    ['zzz', ['password', 'token'], ' (defined: password, token)'],
    ['zzz', [], ' (none is defined)'],
  ])('suggestName(%s, %j) → %j', (name, known, expected) => {
    expect(suggestName(name, known)).toBe(expected);
  });

  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['abc', 'acb', 1],
    ['kitten', 'sitting', 3],
    ['', 'web', 3],
  ])('editDistance(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('load errors say where', () => {
  it.each([
    [
      'an esbuild syntax error',
      Object.assign(
        new Error(
          `Transform failed with 1 error:\n${process.cwd()}/probes/x.ts:3:12: ERROR: Expected identifier but found ","`,
        ),
        { name: 'TransformError' },
      ),
      'syntax error at probes/x.ts:3:12: Expected identifier but found ","',
    ],
    [
      'two syntax errors',
      new Error(
        'Transform failed with 2 errors:\n/abs/a.ts:1:2: ERROR: Unexpected "}"\n/abs/a.ts:9:1: ERROR: Expected ")"',
      ),
      'syntax error at /abs/a.ts:1:2: Unexpected "}"; syntax error at /abs/a.ts:9:1: Expected ")"',
    ],
    [
      'any other error: name and first line only',
      new TypeError('x is not a function\n    at foo (file.ts:1:1)'),
      'TypeError: x is not a function',
    ],
    ['a thrown string', 'boom', 'Error: boom'],
  ])('%s', (_label, err, expected) => {
    expect(loadErrorMessage(err)).toBe(expected);
  });
});

describe('status mismatches say what was expected', () => {
  it.each([
    [500, undefined, 'GET /x returned HTTP 500, expected 2xx', 'http_status'],
    [200, 204, 'GET /x returned HTTP 200, expected 204', 'http_status'],
    [404, [200, 201], 'GET /x returned HTTP 404, expected one of 200, 201', 'http_status'],
    [401, [200], 'GET /x returned HTTP 401, expected 200', 'auth'],
  ] as const)('%i vs %j', (status, expected, message, category) => {
    const f = statusFailure(status, 'GET /x', expected);
    expect(f.message).toBe(message);
    expect(f.category).toBe(category);
    expect(f.httpStatus).toBe(status);
  });

  it('describes every form of expectation', () => {
    expect([
      describeExpected('2xx'),
      describeExpected('any'),
      describeExpected(101),
      describeExpected([301, 302]),
    ]).toEqual(['2xx', 'any', '101', 'one of 301, 302']);
  });
});
