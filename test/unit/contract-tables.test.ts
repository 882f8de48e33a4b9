import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { selectJourneys } from '../../src/assemble/select-journeys.js';
import { resolveRefs } from '../../src/config/env-refs.js';
import { combineAttempts } from '../../src/journey/combine-attempts.js';
import { journey, step } from '../../src/journey/define.js';
import { ProberSetupError, problemLine } from '../../src/config/problems.js';
import type { JourneyResult, JourneyStatus } from '../../src/journey/result-schema.js';
import { ROOT } from '../support/cli.js';

describe('exitCodeFor: the documented exit codes are the contract', () => {
  it.each([
    ['pass', false, false, 0],
    ['degraded', false, false, 0],
    ['degraded', true, false, 1],
    ['flaky', false, false, 1],
    ['flaky', false, true, 0],
    ['fail', false, true, 1],
    ['error', true, true, 2],
  ] as const)('%s (fail-on degraded %s, allow-flaky %s) → %i', (status, failOnDegraded, allowFlaky, code) => {
    expect(exitCodeFor(status, failOnDegraded, allowFlaky)).toBe(code);
  });

  it('the exit-code table in docs/ci.md lists exactly the codes EXIT defines', () => {
    const readme = readFileSync(`${ROOT}docs/ci.md`, 'utf8');
    const start = readme.indexOf('| exit | meaning |');
    const table = readme.slice(start, readme.indexOf('\n\n', start));
    const documented = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });
});

function attempt(status: JourneyStatus, startedAt: string, durationMs: number): JourneyResult {
  const failed = status === 'fail' || status === 'error';
  return {
    journey: 'j',
    description: 'd',
    status,
    startedAt,
    durationMs,
    verdict: failed ? 'Users cannot log in' : 'Users can log in',
    ...(failed
      ? { failure: { step: 'auth.token', service: 'auth', category: 'timeout', message: 'timed out after 5000 ms' } }
      : {}),
    steps: [],
  };
}

describe('combineAttempts: retried journeys', () => {
  const t = (i: number) => new Date(i * 1000).toISOString();
  it.each([
    ['one attempt stands as it is', [['fail', 0, 10]], 'fail', 0],
    [
      'fail, then pass → flaky',
      [
        ['fail', 0, 10],
        ['pass', 1, 5],
      ],
      'flaky',
      1,
    ],
    [
      'error, then degraded → flaky',
      [
        ['error', 0, 10],
        ['degraded', 1, 5],
      ],
      'flaky',
      1,
    ],
    [
      'fail, then fail → fail',
      [
        ['fail', 0, 10],
        ['fail', 1, 5],
      ],
      'fail',
      1,
    ],
    [
      'fail, then error → the last attempt judges: error',
      [
        ['fail', 0, 10],
        ['error', 1, 5],
      ],
      'error',
      1,
    ],
    [
      'fail, fail, pass → flaky, both earlier attempts kept',
      [
        ['fail', 0, 1],
        ['fail', 1, 2],
        ['pass', 2, 3],
      ],
      'flaky',
      2,
    ],
  ] as const)('%s', (_name, given, status, kept) => {
    const attempts = given.map(([s, at, ms]) => attempt(s, t(at), ms));
    const r = combineAttempts(attempts);
    expect(r.status).toBe(status);
    expect(r.attempts?.length ?? 0).toBe(kept);
    expect(r.startedAt).toBe(t(0));
    expect(r.durationMs).toBe(given.reduce((sum, [, , ms]) => sum + ms, 0));
    if (status === 'flaky')
      expect(r.verdict).toMatch(/but only on attempt \d of \d: attempt 1 failed at auth step auth\.token \(timeout\)/);
  });

  it('no attempt at all is a bug in the caller', () => {
    expect(() => combineAttempts([])).toThrow('at least one attempt');
  });
});

describe('selectJourneys', () => {
  const j = (name: string) =>
    journey({ name, description: name, capability: 'c', steps: [step('s', { service: 'x' }, () => undefined)] });
  const all = [j('api'), j('browser'), j('agent')];
  const names = (list: readonly { name: string }[]) => list.map((x) => x.name);

  it.each([
    ['no names: every enabled journey', [], (n: string): boolean => n !== 'browser', ['api', 'agent']],
    [
      'named ones, in definition order, even a disabled one',
      ['agent', 'browser'],
      (): boolean => false,
      ['browser', 'agent'],
    ],
  ] as const)('%s', (_name, asked, enabled, expected) => {
    expect(names(selectJourneys(all, asked, enabled))).toEqual(expected);
  });

  it.each([
    [
      'an unknown name, listing the known ones',
      ['apii'],
      (): boolean => true,
      'apii: no such journey (known: api, browser, agent)',
    ],
    ['no names and nothing enabled', [], (): boolean => false, 'journeys: no enabled journey to run'],
  ] as const)('refuses %s', (_name, asked, enabled, problem) => {
    let thrown: unknown;
    try {
      selectJourneys(all, asked, enabled);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProberSetupError);
    expect((thrown as ProberSetupError).problems.map(problemLine)).toEqual([problem]);
  });
});

describe('resolveRefs: ${env:NAME} anywhere in a channel config', () => {
  const env = { HOOK: 'https://hooks.example/T0', KEY: 'k-123', EMPTY: '' };
  it.each([
    ['a reference is replaced and reported as a secret', { url: '${env:HOOK}' }, { url: env.HOOK }, [env.HOOK], []],
    [
      'literals and near-misses stay as they are',
      { link: 'https://status', note: 'see ${env:HOOK} here', n: 3 },
      { link: 'https://status', note: 'see ${env:HOOK} here', n: 3 },
      [],
      [],
    ],
    ['deeply, in arrays and objects', { a: [{ k: '${env:KEY}' }] }, { a: [{ k: env.KEY }] }, [env.KEY], []],
    [
      'unset → a problem naming the path, value emptied',
      { url: '${env:NOPE}' },
      { url: '' },
      [],
      ['alerts.channels.ops.url: environment variable NOPE is not set; export it before running'],
    ],
    [
      'set but empty counts as unset',
      { x: ['${env:EMPTY}'] },
      { x: [''] },
      [],
      ['alerts.channels.ops.x[0]: environment variable EMPTY is not set; export it before running'],
    ],
  ] as const)('%s', (_name, value, resolved, secrets, problems) => {
    const r = resolveRefs(value, env, 'alerts.channels.ops');
    expect({ ...r, problems: r.problems.map(problemLine) }).toEqual({ value: resolved, secrets, problems });
  });
});
