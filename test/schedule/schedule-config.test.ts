import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { issuesToProblems } from '../../src/config/problems.js';
import { cronIntervalMs, formatInterval } from '../../src/config/cron-interval.js';
import { scheduleBudgetProblem } from '../../src/config/check-schedule.js';

describe('cronIntervalMs: the shortest gap between fire times, from node-cron itself', () => {
  it.each([
    ['* * * * * *', 1_000],
    ['*/30 * * * * *', 30_000],
    ['0,1 * * * * *', 1_000], // uneven: the short gap is what can overlap
    ['0 * * * * *', 60_000],
    ['*/5 * * * *', 300_000],
    ['0 3 * * *', 86_400_000],
  ])('%s → %i ms', (expr, ms) => {
    expect(cronIntervalMs(expr)).toBe(ms);
  });

  it('is undefined for an invalid expression', () => {
    expect(cronIntervalMs('61 * * * *')).toBeUndefined();
  });

  it('formats intervals for messages', () => {
    expect([formatInterval(1_000), formatInterval(90_000), formatInterval(7_200_000)]).toEqual([
      '1 s',
      '1.5 min',
      '2 h',
    ]);
  });
});

const base = {
  environment: 'test',
  targets: { auth: 'http://127.0.0.1:1' },
  probes: ['p.ts'],
};

describe('config: a scheduled journey must end before its next tick', () => {
  it('accepts timeout + jitter below the interval and fills in store, server and scheduler defaults', () => {
    const parsed = ConfigSchema.parse({ ...base, journeys: { j: { schedule: '0 * * * * *', timeoutMs: 45_000 } } });
    expect(parsed.store).toEqual({ path: '.prober/state.db', retentionDays: 30, maxRunsPerJourney: 20_000 });
    expect(parsed.server).toEqual({
      host: '127.0.0.1',
      port: 9470,
      refreshSeconds: 30,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnections: 4_096,
    });
    expect(parsed.scheduler).toEqual({ maxRandomDelayMs: 1_000, cleanupOnShutdownMs: 3_000 });
  });

  it.each([
    [
      { schedule: '*/30 * * * * *', timeoutMs: 40_000 },
      0,
      /timeout 40000 ms must be below the interval of "\*\/30 \* \* \* \* \*" \(30 s\)/,
    ],
    [{ schedule: '*/30 * * * * *', timeoutMs: 30_000 }, 0, /timeout 30000 ms must be below/],
    [
      { schedule: '*/30 * * * * *', timeoutMs: 29_500 },
      1_000,
      /\+ 1000 ms start jitter \(scheduler\.maxRandomDelayMs\)/,
    ],
  ])('rejects %o with jitter %i ms, naming the path and the values', (journey, jitter, message) => {
    const parsed = ConfigSchema.safeParse({
      ...base,
      scheduler: { maxRandomDelayMs: jitter },
      journeys: { j: journey },
    });
    expect(parsed.success).toBe(false);
    const problems = issuesToProblems(parsed.error!.issues);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^journeys\.j\.timeoutMs: /);
    expect(problems[0]).toMatch(message);
  });

  it('scheduleBudgetProblem is undefined when the run fits', () => {
    expect(scheduleBudgetProblem('* * * * * *', 700, 100)).toBeUndefined();
    expect(scheduleBudgetProblem('* * * * * *', 900, 100)).toMatch(/lower timeoutMs or the jitter/);
  });
});
