import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CronScheduler } from '../../src/schedule/cron-scheduler.js';
import { TickMonitor } from '../../src/schedule/tick-monitor.js';
import { waitFor } from './daemon-process.js';

describe('TickMonitor (what /healthz reports)', () => {
  it('is healthy while journeys tick and reports a journey silent for over 2 intervals + grace as stalled', () => {
    let now = 0;
    const monitor = new TickMonitor(() => now, 5_000);
    monitor.watch('fast', 1_000);
    monitor.watch('slow', 60_000);
    now = 6_900;
    expect(monitor.stalled()).toEqual([]);
    monitor.tick('fast');
    now = 13_901; // fast: 7.001 s silent > 2 × 1 s + 5 s
    expect(monitor.stalled()).toEqual([{ journey: 'fast', silentMs: 7_001 }]);
    monitor.tick('fast');
    expect(monitor.stalled()).toEqual([]);
    expect(monitor.snapshot().slow).toEqual({ intervalMs: 60_000, silentMs: 13_901 });
  });
});

describe('CronScheduler after a stall', () => {
  it('counts the missed ticks and starts at most one late run: no catch-up burst', async () => {
    const runs: number[] = [];
    const skipped: string[] = [];
    const scheduler = new CronScheduler(
      [{ journey: 'j', schedule: '* * * * * *', run: async () => void runs.push(Date.now()) }],
      {
        maxRandomDelayMs: 0,
        log: pino({ level: 'silent' }),
        hooks: { onSkip: (_j, reason) => skipped.push(reason), onTickLag: () => undefined },
      },
    );
    scheduler.start();
    try {
      await waitFor('a first run', () => (runs.length >= 1 ? true : undefined), 5_000, 20);
      // The fault: the event loop is blocked for 3.5 s (a CPU-bound bug, a host that slept).
      const stallStart = Date.now();
      while (Date.now() - stallStart < 3_500) {
        /* busy */
      }
      const stallEnd = Date.now();
      await waitFor(
        'two runs after the stall',
        () => (runs.filter((t) => t >= stallEnd).length >= 2 ? true : undefined),
        6_000,
        20,
      );
      expect(skipped.filter((r) => r === 'missed').length).toBeGreaterThanOrEqual(2);
      const after = runs.filter((t) => t >= stallEnd);
      // The second run after the stall waited for its own tick (a later second) instead of replaying a missed
      // slot back to back; a burst would start several runs within milliseconds.
      expect(Math.floor(after[1]! / 1000)).toBeGreaterThan(Math.floor(after[0]! / 1000));
      expect(after[1]! - after[0]!).toBeGreaterThan(100);
    } finally {
      scheduler.destroy();
    }
  }, 20_000);
});
