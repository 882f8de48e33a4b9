import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CronScheduler } from '../../src/schedule/cron-scheduler.js';
import { groupBySchedule, jitterMs } from '../../src/schedule/schedule-groups.js';
import { waitFor } from './daemon-process.js';

describe('groupBySchedule: one matcher per cron expression', () => {
  const j = (journey: string, schedule: string) => ({ journey, schedule });
  it.each([
    { name: 'no journeys', jobs: [], groups: [] },
    { name: 'one journey', jobs: [j('a', '* * * * *')], groups: [['* * * * *', ['a']]] },
    {
      name: 'clones on two expressions, interleaved: first-seen order, journeys in order',
      jobs: [j('a', '0-59/2 * * * * *'), j('b', '1-59/2 * * * * *'), j('c', '0-59/2 * * * * *')],
      groups: [
        ['0-59/2 * * * * *', ['a', 'c']],
        ['1-59/2 * * * * *', ['b']],
      ],
    },
    {
      name: 'two spellings of one schedule stay two groups (exact text)',
      jobs: [j('a', '*/1 * * * *'), j('b', '* * * * *')],
      groups: [
        ['*/1 * * * *', ['a']],
        ['* * * * *', ['b']],
      ],
    },
  ])('$name', ({ jobs, groups }) => {
    const got = [...groupBySchedule(jobs)].map(([s, g]) => [s, g.map((x) => x.journey)]);
    expect(got).toEqual(groups);
  });
});

describe('jitterMs: uniform whole ms in [0, max), as node-cron maxRandomDelay', () => {
  it.each([
    { max: 0, random: 0.5, ms: 0 },
    { max: -5, random: 0.5, ms: 0 },
    { max: Number.NaN, random: 0.5, ms: 0 },
    { max: 1500, random: 0, ms: 0 },
    { max: 1500, random: 0.5, ms: 750 },
    { max: 1500, random: 0.99999999, ms: 1499 },
    { max: 1500, random: 1, ms: 1499 },
    { max: 1, random: 0.7, ms: 0 },
  ])('max $max, random $random → $ms', ({ max, random, ms }) => {
    expect(jitterMs(max, () => random)).toBe(ms);
  });
});

describe('CronScheduler: journeys sharing an expression keep their own overlap rule', () => {
  it('a slow journey skips its ticks as overlap while its fast neighbour on the same task runs every tick', async () => {
    const fast: number[] = [];
    const slow: number[] = [];
    const skipped: string[] = [];
    let release: (() => void) | undefined;
    const scheduler = new CronScheduler(
      [
        { journey: 'fast', schedule: '* * * * * *', run: async () => void fast.push(Date.now()) },
        {
          journey: 'slow',
          schedule: '* * * * * *',
          run: () => {
            slow.push(Date.now());
            return new Promise<void>((resolve) => {
              release = resolve;
            });
          },
        },
      ],
      {
        maxRandomDelayMs: 0,
        log: pino({ level: 'silent' }),
        hooks: { onSkip: (j, reason) => skipped.push(`${j}:${reason}`), onTickLag: () => undefined },
      },
    );
    scheduler.start();
    try {
      await waitFor('three fast runs', () => (fast.length >= 3 ? true : undefined), 8_000, 20);
      expect(slow).toHaveLength(1);
      expect(skipped.filter((s) => s === 'slow:overlap').length).toBeGreaterThanOrEqual(1);
      expect(skipped.filter((s) => s.startsWith('fast:'))).toEqual([]);
      expect(scheduler.nextRun('slow')?.getTime()).toBe(scheduler.nextRun('fast')?.getTime());
      release?.();
      await waitFor(
        'the slow journey runs again once its run ended',
        () => (slow.length >= 2 ? true : undefined),
        5_000,
        20,
      );
    } finally {
      scheduler.destroy();
    }
  }, 20_000);

  it('stop() cancels a jittered run that has not started yet', async () => {
    const runs: string[] = [];
    const lags: string[] = [];
    const quiet = pino({ level: 'silent' });
    const scheduler = new CronScheduler(
      [{ journey: 'j', schedule: '* * * * * *', run: async () => void runs.push('run') }],
      {
        maxRandomDelayMs: 300,
        random: () => 0.9, // every run 270 ms after its tick
        log: quiet,
        hooks: { onSkip: () => undefined, onTickLag: (j) => lags.push(j) },
      },
    );
    // A second scheduler with no jitter is the clock: two of its ticks are at least a second apart, well past 270 ms.
    const clock: number[] = [];
    const control = new CronScheduler(
      [{ journey: 'c', schedule: '* * * * * *', run: async () => void clock.push(1) }],
      {
        maxRandomDelayMs: 0,
        log: quiet,
        hooks: { onSkip: () => undefined, onTickLag: () => undefined },
      },
    );
    scheduler.start();
    try {
      await waitFor('a tick', () => (lags.length >= 1 ? true : undefined), 5_000, 5);
      scheduler.stop();
      control.start();
      await waitFor('two ticks of the control', () => (clock.length >= 2 ? true : undefined), 5_000, 20);
      expect(runs).toEqual([]);
    } finally {
      scheduler.destroy();
      control.destroy();
    }
  }, 10_000);
});
