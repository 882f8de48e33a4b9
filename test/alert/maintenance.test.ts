import { describe, expect, it } from 'vitest';
import { inMaintenance, type MaintenanceWindow } from '../../src/alert/maintenance.js';

const sunday2am: MaintenanceWindow = { cron: '0 2 * * 0', durationMs: 3_600_000, timezone: 'UTC' };

describe('maintenance windows (cron + duration)', () => {
  it.each([
    ['2026-11-22T01:59:59Z', false],
    ['2026-11-22T02:00:00Z', true],
    ['2026-11-22T02:59:59Z', true],
    ['2026-11-22T03:00:00Z', false],
    ['2026-11-23T02:30:00Z', false], // a Monday
  ])('Sundays 02:00 UTC for 1 h: %s → %s', (at, expected) => {
    expect(inMaintenance([sunday2am], 'golden-path-api', new Date(at))).toBe(expected);
  });

  it('a seconds field and a journey filter are honoured', () => {
    const w: MaintenanceWindow = {
      cron: '30 15 10 * * *',
      durationMs: 10_000,
      timezone: 'UTC',
      journeys: ['golden-path-browser'],
    };
    expect(inMaintenance([w], 'golden-path-browser', new Date('2026-11-22T10:15:35Z'))).toBe(true);
    expect(inMaintenance([w], 'golden-path-browser', new Date('2026-11-22T10:15:41Z'))).toBe(false);
    expect(inMaintenance([w], 'golden-path-api', new Date('2026-11-22T10:15:35Z'))).toBe(false);
  });
});
