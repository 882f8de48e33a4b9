import { describe, expect, it } from 'vitest';
import { readState, type StateRead } from '../../src/alert/alert-state-format.js';
import { JOURNEY_STATE_FORMAT } from '../../src/alert/policy.js';
import { PROBER_STATE_FORMAT } from '../../src/alert/prober-health.js';

const AT = '2026-11-23T10:00:00.000Z';
const LAST = { runId: 'r1', status: 'fail', startedAt: AT, verdict: 'Users cannot log in: auth.token failed' };
const FAILURE = { step: 'auth.token', service: 'auth', category: 'http_status', message: 'HTTP 500' };
/** An open incident as prober format 1 stored it. */
const journeyV1 = {
  version: 1,
  phase: 'critical',
  announced: 'critical',
  failStreak: 3,
  okStreak: 0,
  passStreak: 0,
  degradedStreak: 0,
  window: [],
  failingSince: AT,
  since: AT,
  failure: FAILURE,
  lastNotifiedAt: AT,
  last: LAST,
};
const proberV1 = {
  version: 1,
  phase: 'warning',
  announced: 'warning',
  streaks: { 'golden-path-api': 4 },
  since: AT,
  journey: 'golden-path-api',
  lastNotifiedAt: AT,
  last: { ...LAST, status: 'error' },
};

/** What a read came to, compactly: the kind, plus the fields a test row cares about. */
function summary(read: StateRead<unknown>): string {
  if (read.kind === 'unreadable') return `unreadable: ${read.reason}`;
  if (read.kind === 'migrated') return `migrated from ${read.from}`;
  return read.kind;
}

describe('alert state formats: older versions are upgraded, unreadable ones explained (table)', () => {
  const journeyRows: [what: string, raw: string | undefined, expected: string][] = [
    ['no state yet', undefined, 'absent'],
    ['format 1 with an open incident', JSON.stringify(journeyV1), 'migrated from 1'],
    [
      'format 1 that never notified',
      JSON.stringify({ ...journeyV1, phase: 'ok', announced: 'ok', lastNotifiedAt: undefined }),
      'migrated from 1',
    ],
    [
      'format 2 (no per-location judgements)',
      JSON.stringify({ ...journeyV1, version: 2, lastRefreshedAt: AT }),
      'migrated from 2',
    ],
    ['format 3 as written now', JSON.stringify({ ...journeyV1, version: 3, lastRefreshedAt: AT }), 'current'],
    [
      'format 3 with a location quorum',
      JSON.stringify({
        ...journeyV1,
        version: 3,
        locations: {
          eu: { failing: true, failStreak: 2, okStreak: 0, window: [], failingSince: AT, lastJudgedAt: AT },
        },
      }),
      'current',
    ],
    ['truncated write', JSON.stringify(journeyV1).slice(0, 40), 'unreadable: not valid JSON'],
    ['a JSON array', '[1,2]', 'unreadable: not a JSON object'],
    ['no version field', JSON.stringify({ ...journeyV1, version: undefined }), 'unreadable: no format version'],
    [
      'a newer prober wrote it',
      JSON.stringify({ ...journeyV1, version: 4 }),
      'unreadable: written by a newer prober (format 4, this prober knows 3)',
    ],
    [
      'format 1 with a hand-edited phase',
      JSON.stringify({ ...journeyV1, phase: 'burning' }),
      'unreadable: format 1 upgraded to 3 does not validate (phase: ',
    ],
    [
      'format 3 with an unknown key',
      JSON.stringify({ ...journeyV1, version: 3, extra: 1 }),
      'unreadable: format 3 does not validate (',
    ],
  ];
  it.each(journeyRows)('journey state: %s', (_what, raw, expected) => {
    expect(summary(readState(JOURNEY_STATE_FORMAT, raw))).toContain(expected);
  });

  it('upgrading format 1 keeps the open incident and takes its last send as the last refresh', () => {
    const read = readState(JOURNEY_STATE_FORMAT, JSON.stringify(journeyV1));
    expect(read).toEqual({ kind: 'migrated', from: 1, state: { ...journeyV1, version: 3, lastRefreshedAt: AT } });
  });

  const proberRows: [what: string, raw: string, expected: string][] = [
    ['format 1 firing', JSON.stringify(proberV1), 'migrated from 1'],
    [
      'format 2 with a condition',
      JSON.stringify({ ...proberV1, version: 2, conditions: { 'journey-state:x': { since: AT, message: 'lost' } } }),
      'current',
    ],
    [
      'format 2 without conditions',
      JSON.stringify({ ...proberV1, version: 2 }),
      'unreadable: format 2 does not validate (conditions: ',
    ],
    ['format 0', JSON.stringify({ ...proberV1, version: 0 }), 'unreadable: no format version'],
  ];
  it.each(proberRows)('prober state: %s', (_what, raw, expected) => {
    expect(summary(readState(PROBER_STATE_FORMAT, raw))).toContain(expected);
  });

  it('upgrading the prober state keeps its streaks and opens no condition', () => {
    const read = readState(PROBER_STATE_FORMAT, JSON.stringify(proberV1));
    expect(read).toEqual({
      kind: 'migrated',
      from: 1,
      state: { ...proberV1, version: 2, conditions: {}, lastRefreshedAt: AT },
    });
  });
});
