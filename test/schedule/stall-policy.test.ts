import { describe, expect, it } from 'vitest';
import { judgeStall, type StallFacts } from '../../src/journey/stall-policy.js';

/** A 1000 ms step that timed out with nothing stalled, in a journey with plenty of time left. */
const base: StallFacts = {
  status: 'fail',
  category: 'timeout',
  stallMs: 0,
  stepMs: 1000,
  journeyTimedOut: false,
  journeyStallMs: 0,
  journeyMs: 1000,
  remainingMs: 5000,
  timeoutMs: 1000,
  attempt: 1,
  cleanup: false,
};

const rows: [string, Partial<StallFacts>, 'keep' | 'retry' | 'prober'][] = [
  ['a timeout with no stall is the service', {}, 'keep'],
  ['a timeout with a small stall (10 %) is the service', { stallMs: 100, journeyStallMs: 100 }, 'keep'],
  ['a timeout stalled 60 % with room left is retried', { stallMs: 600, journeyStallMs: 600 }, 'retry'],
  ['exactly a quarter is significant', { stallMs: 250, journeyStallMs: 250 }, 'retry'],
  ['a stalled timeout without a whole step timeout left is the prober', { stallMs: 600, remainingMs: 999 }, 'prober'],
  ['a stalled second attempt is the prober', { stallMs: 600, attempt: 2 }, 'prober'],
  ['a stalled cleanup step is never run twice', { stallMs: 600, cleanup: true }, 'prober'],
  [
    'a journey deadline stalled for a third of the journey is the prober',
    { journeyTimedOut: true, stallMs: 5, journeyStallMs: 1000, journeyMs: 3000, remainingMs: 0 },
    'prober',
  ],
  [
    'a journey deadline with little stall is the service',
    { journeyTimedOut: true, journeyStallMs: 100, journeyMs: 3000, remainingMs: 0 },
    'keep',
  ],
  ['a stall in a step that failed otherwise changes nothing', { category: 'network', stallMs: 900 }, 'keep'],
  ['a stalled step that passed stays passed', { status: 'pass', category: undefined, stallMs: 900 }, 'keep'],
  ['an aborted step stays aborted', { status: 'error', category: 'aborted', stallMs: 900 }, 'keep'],
  [
    'a stall under the noise floor is ignored even on a tiny step',
    { stallMs: 9, stepMs: 20, journeyStallMs: 9 },
    'keep',
  ],
];

describe('judgeStall', () => {
  it.each(rows)('%s', (_name, facts, action) => {
    expect(judgeStall({ ...base, ...facts }).action).toBe(action);
  });

  it('names the stalled and the total time of the step in the prober error', () => {
    const d = judgeStall({ ...base, stallMs: 612.4, stepMs: 1003.2, remainingMs: 0 });
    expect(d).toEqual({
      action: 'prober',
      message:
        "the prober was stalled for 612 ms of this step's 1003 ms, so its deadline says nothing about the service",
    });
  });

  it('names the journey when its deadline passed', () => {
    const d = judgeStall({ ...base, journeyTimedOut: true, journeyStallMs: 900, journeyMs: 2000, remainingMs: 0 });
    expect(d.action === 'prober' && d.message).toMatch(/^the prober was stalled for 900 ms of this journey's 2000 ms/);
  });
});
