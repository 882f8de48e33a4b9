import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alert/notification.js';
import { outboxEntries } from '../../src/alert/outbox.js';
import { evaluateJourney, retireJourney, type JourneyAlertState, type PolicyConfig } from '../../src/alert/policy.js';
import { DEFAULT_POLICY } from '../../src/config/alert-policy.js';
import { evaluateProberHealth, forgetJourney, type ProberHealthState } from '../../src/alert/prober-health.js';
import { alertExpiryProblem } from '../../src/config/check-alert-expiry.js';
import { journeyRun, type Outcome } from './fake-results.js';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MIN = 60_000;

function label(n: AlertEvent): string {
  if (n.keepAlive === true) return 'keep-alive';
  return `${n.reminder === true ? 'reminder' : n.state}:${n.severity}`;
}

/** One run a minute; `~` marks a muted (maintenance) run. Returns what each run notified. */
function play(outcomes: string, config: Partial<PolicyConfig>): string {
  let state: JourneyAlertState | undefined;
  const out: string[] = [];
  let i = 0;
  for (const token of outcomes.match(/~?[FSDEA]/g) ?? []) {
    const at = new Date(T0 + i++ * MIN);
    const r = evaluateJourney(state, journeyRun(token.slice(-1) as Outcome, at), at, {
      ...DEFAULT_POLICY,
      ...config,
      muted: token.startsWith('~'),
    });
    state = JSON.parse(JSON.stringify(r.state)) as JourneyAlertState;
    out.push(r.notifications.map(label).join(',') || '-');
  }
  return out.join(' ');
}

describe('keep-alive: an announced alert is re-sent to expiring channels whatever the reminders (table)', () => {
  const rows: [what: string, outcomes: string, config: Partial<PolicyConfig>, expected: string][] = [
    [
      'reminders off: a keep-alive every keepAliveMs while firing',
      'FFFFFFFF',
      { repeatIntervalMs: 0, keepAliveMs: 2 * MIN },
      '- firing:critical - keep-alive - keep-alive - keep-alive',
    ],
    [
      'reminders longer than the keep-alive: both, the reminder counts as a send',
      'FFFFFFF',
      { repeatIntervalMs: 4 * MIN, keepAliveMs: 3 * MIN },
      '- firing:critical - - keep-alive reminder:critical -',
    ],
    [
      'no expiring channel: no keep-alive',
      'FFFFFF',
      { repeatIntervalMs: 0, keepAliveMs: 0 },
      '- firing:critical - - - -',
    ],
    [
      'prober errors still keep the alert alive',
      'FFEEEE',
      { repeatIntervalMs: 0, keepAliveMs: 2 * MIN },
      '- firing:critical - keep-alive - keep-alive',
    ],
    [
      'maintenance announces nothing new but keeps the open alert alive',
      'FF~F~F~F~F',
      { repeatIntervalMs: 0, keepAliveMs: 2 * MIN },
      '- firing:critical - keep-alive - keep-alive',
    ],
    [
      'nothing announced (inside maintenance): nothing to keep alive',
      '~F~F~F~F',
      { repeatIntervalMs: 0, keepAliveMs: MIN },
      '- - - -',
    ],
    [
      'after the resolve: no more keep-alives',
      'FFSSSSS',
      { repeatIntervalMs: 0, keepAliveMs: MIN },
      '- firing:critical keep-alive resolved:critical - - -',
    ],
    [
      'sendResolved off: Alertmanager lets it expire, no more keep-alives',
      'FFSSSS',
      { repeatIntervalMs: 0, keepAliveMs: MIN, sendResolved: false },
      '- firing:critical keep-alive - - -',
    ],
  ];
  it.each(rows)('%s', (_what, outcomes, config, expected) => {
    expect(play(outcomes, config)).toBe(expected);
  });

  it('a keep-alive goes only to expiring channels and carries the incident unchanged, marked as a repeat', () => {
    let state: JourneyAlertState | undefined;
    const events: AlertEvent[] = [];
    for (let i = 0; i < 4; i++) {
      const at = new Date(T0 + i * MIN);
      const r = evaluateJourney(state, journeyRun('F', at, { step: i < 2 ? 'auth.token' : 'chat.reply' }), at, {
        ...DEFAULT_POLICY,
        repeatIntervalMs: 0,
        keepAliveMs: 2 * MIN,
      });
      state = r.state;
      events.push(...r.notifications);
    }
    const [firing, keepAlive] = events;
    expect(events.map(label)).toEqual(['firing:critical', 'keep-alive']);
    expect(keepAlive).toMatchObject({
      id: firing!.id,
      since: firing!.since,
      failure: { step: 'auth.token' },
      reminder: true,
    });
    const rows = outboxEntries(events, ['hook', 'am'], T0, undefined, new Set(['am']));
    expect(
      rows.map((r) => `${r.channel}:${(r.payload as { reminder?: boolean }).reminder === true ? 'repeat' : 'first'}`),
    ).toEqual(['hook:first', 'am:first', 'am:repeat']);
    // The routing mark never reaches a receiver.
    expect(rows.every((r) => !JSON.stringify(r.payload).includes('keepAlive'))).toBe(true);
  });
});

describe('validation: an Alertmanager TTL a scheduled journey cannot keep alive is refused (table)', () => {
  const rows: [
    what: string,
    ttlMs: number,
    journeys: Record<string, { enabled?: boolean; schedule?: string }>,
    expected: string | undefined,
  ][] = [
    ['every minute, TTL 6 h', 6 * 3_600_000, { a: { schedule: '* * * * *' } }, undefined],
    ['every minute, TTL exactly 4 min', 4 * MIN, { a: { schedule: '* * * * *' } }, undefined],
    ['every 5 min, TTL 10 min', 10 * MIN, { a: { schedule: '*/5 * * * *' } }, 'at least 1200000 ms'],
    [
      'the sparsest journey is named',
      10 * MIN,
      { a: { schedule: '* * * * *' }, b: { schedule: '0 * * * *' } },
      'while b still fails',
    ],
    [
      'a disabled journey does not count',
      10 * MIN,
      { a: { schedule: '* * * * *' }, b: { schedule: '0 * * * *', enabled: false } },
      undefined,
    ],
    ['journeys without a schedule are not the daemon’s', 10 * MIN, { a: {} }, undefined],
  ];
  it.each(rows)('%s', (_what, ttl, journeys, expected) => {
    const problem = alertExpiryProblem(ttl, journeys);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });
});

describe('a journey disabled or removed while firing is resolved, saying so', () => {
  const firingState = (): JourneyAlertState => {
    let s: JourneyAlertState | undefined;
    for (let i = 0; i < 2; i++)
      s = evaluateJourney(s, journeyRun('F', new Date(T0 + i * MIN)), new Date(T0 + i * MIN), DEFAULT_POLICY).state;
    return s!;
  };
  const rows: [what: string, state: () => JourneyAlertState, config: Partial<PolicyConfig>, expected: string][] = [
    ['firing → resolved, the verdict says why', firingState, {}, 'resolved:critical'],
    ['firing, resolved notifications off → quiet', firingState, { sendResolved: false }, '-'],
    [
      'failing but never announced → quiet reset',
      () => evaluateJourney(undefined, journeyRun('F', new Date(T0)), new Date(T0), DEFAULT_POLICY).state,
      {},
      '-',
    ],
  ];
  it.each(rows)('%s', (_what, state, config, expected) => {
    const r = retireJourney(state(), 'staging', 'golden-path-api', 'disabled in the config', new Date(T0 + 10 * MIN), {
      ...DEFAULT_POLICY,
      ...config,
    });
    expect(r.notifications.map(label).join(',') || '-').toBe(expected);
    expect(r.state).toMatchObject({ phase: 'ok', announced: 'ok', failStreak: 0 });
    if (expected !== '-') {
      expect(r.notifications[0]!.verdict).toMatch(
        /^golden-path-api is no longer probed \(disabled in the config\): its alert is resolved without a passing run/,
      );
      expect(r.notifications[0]).toMatchObject({
        id: 'staging:golden-path-api',
        failure: { step: 'auth.token' },
        since: new Date(T0).toISOString(),
      });
    }
  });

  it('its prober-error streak stops counting: the prober alert resolves', () => {
    let h: ProberHealthState | undefined;
    for (let i = 0; i < 3; i++)
      h = evaluateProberHealth(
        h,
        journeyRun('E', new Date(T0 + i * MIN)),
        new Date(T0 + i * MIN),
        DEFAULT_POLICY,
      ).state;
    expect(h!.phase).toBe('warning');
    const r = forgetJourney(h!, 'staging', 'golden-path-api', new Date(T0 + 5 * MIN), DEFAULT_POLICY);
    expect(r.notifications.map((n) => `${n.id}:${n.state}`)).toEqual(['prober:staging:resolved']);
  });
});

describe('prober conditions (a quarantined alert state) fire prober:<env> until cleared', () => {
  it('raised → firing with the message; cleared → resolved', () => {
    const at = (i: number) => new Date(T0 + i * MIN);
    const raised = evaluateProberHealth(undefined, journeyRun('S', at(0)), at(0), DEFAULT_POLICY, {
      raise: { 'journey-state:golden-path-api': 'the alert state was unreadable' },
    });
    expect(raised.notifications).toHaveLength(1);
    expect(raised.notifications[0]).toMatchObject({
      id: 'prober:staging',
      state: 'firing',
      severity: 'warning',
      verdict: 'The prober needs attention in staging: the alert state was unreadable',
    });
    const still = evaluateProberHealth(raised.state, journeyRun('S', at(1)), at(1), DEFAULT_POLICY);
    expect(still.notifications).toEqual([]);
    const cleared = evaluateProberHealth(still.state, journeyRun('S', at(2)), at(2), DEFAULT_POLICY, {
      clear: ['journey-state:golden-path-api'],
    });
    expect(cleared.notifications.map((n) => n.state)).toEqual(['resolved']);
  });
});
