import { describe, expect, it } from 'vitest';
import { outOfJourneyTime, type JourneyTimeFacts } from '../../src/journey/stall-out-of-time.js';

const T0 = 1_000_000;
/** A browser step with a 12 s timeout that started with 300 ms of its journey left and failed at that deadline. */
const base: JourneyTimeFacts = {
  step: 'web.chat.reply',
  status: 'fail',
  category: 'browser',
  startedAt: T0,
  endedAt: T0 + 200,
  timeoutMs: 12_000,
  journeyDeadline: T0 + 300,
};

const rows: [string, Partial<JourneyTimeFacts>, boolean][] = [
  ['a wait cut short by the journey deadline is a timeout', {}, true],
  ['a wait given 10 ms of the journey is a timeout', { journeyDeadline: T0 + 10, endedAt: T0 + 11 }, true],
  ['a wait that ran its own step timeout stays browser', { journeyDeadline: T0 + 60_000, endedAt: T0 + 10_800 }, false],
  [
    'a step whose own timeout equals what was left stays browser',
    { journeyDeadline: T0 + 12_000, endedAt: T0 + 10_800 },
    false,
  ],
  [
    'a step started a few ms into a journey of its own length stays browser (its own wait, as in "wrong selector")',
    { journeyDeadline: T0 + 11_995, endedAt: T0 + 10_800 },
    false,
  ],
  ['an early browser failure (strict mode) stays browser', { journeyDeadline: T0 + 8_000, endedAt: T0 + 40 }, false],
  [
    'a failure at 8 s of 8 s left (journey-bound) is a timeout',
    { journeyDeadline: T0 + 8_000, endedAt: T0 + 7_210 },
    true,
  ],
  ['a cleanup step (no journey deadline) stays browser', { journeyDeadline: Number.POSITIVE_INFINITY }, false],
  ['another category is left alone', { category: 'http_status' }, false],
  ['a pass is left alone', { status: 'pass', category: undefined }, false],
];

describe('outOfJourneyTime', () => {
  it.each(rows)('%s', (_name, facts, rewritten) => {
    expect(outOfJourneyTime({ ...base, ...facts }) !== undefined).toBe(rewritten);
  });

  it('names the step and what was left of the journey', () => {
    expect(outOfJourneyTime(base)).toBe(
      "step web.chat.reply ran out of the journey's time: 300 ms of the journey were left when it started (its own timeout is 12000 ms)",
    );
  });
});
