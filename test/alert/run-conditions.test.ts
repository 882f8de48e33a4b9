import { describe, expect, it } from 'vitest';
import type { JourneyAlertState } from '../../src/alert/policy.js';
import { STORE_CONDITION } from '../../src/alert/prober-health.js';
import { type RunConditionInput, runConditions } from '../../src/alert/run-conditions.js';

const ok = (okStreak: number): JourneyAlertState => ({
  version: 3,
  phase: 'ok',
  announced: 'ok',
  failStreak: 0,
  okStreak,
  passStreak: okStreak,
  degradedStreak: 0,
  window: [],
});
const critical: JourneyAlertState = { ...ok(0), phase: 'critical', announced: 'critical', failStreak: 3 };
const FAULT = {
  location: '/var/lib/prober/state.db',
  error: 'SQLITE_FULL: database or disk is full',
  since: '2026-12-01T00:00:00.000Z',
};

const base: RunConditionInput = {
  journey: 'api',
  journeyStateQuarantined: undefined,
  proberStateQuarantined: undefined,
  fresh: ok(0),
  successThreshold: 2,
  blocked: undefined,
};

/** The raised condition ids (sorted) and the cleared ones, compactly. */
function summary(input: RunConditionInput): string {
  const out = runConditions(input);
  return `raise [${Object.keys(out.raise ?? {})
    .sort()
    .join(' ')}] clear [${[...(out.clear ?? [])].join(' ')}]`;
}

describe('runConditions: the prober: conditions one journey run raises and clears (table)', () => {
  it.each<[what: string, input: RunConditionInput, expected: string]>([
    ['a plain run, state not yet known again', base, 'raise [] clear [blocked-loop:api]'],
    [
      'passed successThreshold times: the state is known again',
      { ...base, fresh: ok(2) },
      'raise [] clear [journey-state:api prober-state:api blocked-loop:api]',
    ],
    [
      'the journey fires anew: known again',
      { ...base, fresh: critical },
      'raise [] clear [journey-state:api prober-state:api blocked-loop:api]',
    ],
    [
      'the journey state was quarantined now',
      { ...base, journeyStateQuarantined: 'not valid JSON' },
      'raise [journey-state:api] clear [blocked-loop:api]',
    ],
    [
      'the prober state was quarantined now',
      { ...base, proberStateQuarantined: 'no format version' },
      'raise [prober-state:api] clear [blocked-loop:api]',
    ],
    [
      'the store is failing',
      { ...base, storeFault: () => FAULT },
      `raise [${STORE_CONDITION}] clear [blocked-loop:api]`,
    ],
    [
      'the store tracks health and is fine',
      { ...base, storeFault: () => undefined },
      `raise [] clear [${STORE_CONDITION} blocked-loop:api]`,
    ],
    [
      'the journey is quarantined for blocking the loop',
      { ...base, blocked: 'blocked the event loop for 5 s' },
      'raise [blocked-loop:api] clear []',
    ],
  ])('%s', (_what, input, expected) => {
    expect(summary(input)).toBe(expected);
  });

  it('says what was lost and why in the raised text', () => {
    const out = runConditions({ ...base, journeyStateQuarantined: 'not valid JSON', storeFault: () => FAULT });
    expect(out.raise?.['journey-state:api']).toContain('the alert state of api was unreadable (not valid JSON)');
    expect(out.raise?.[STORE_CONDITION]).toContain('SQLITE_FULL');
  });
});
