import { describe, expect, it } from 'vitest';
import { evaluateJourney, type JourneyAlertState, type PolicyConfig } from '../../src/alert/policy.js';
import { DEFAULT_POLICY } from '../../src/config/alert-policy.js';
import { evaluateProberHealth, type ProberHealthState } from '../../src/alert/prober-health.js';
import type { AlertEvent } from '../../src/alert/notification.js';
import { journeyRun, type Outcome } from './fake-results.js';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MIN = 60_000;

interface Step {
  outcome: Outcome;
  muted?: boolean;
  step?: string;
}

/** Feeds outcomes one minute apart; returns, per run, a compact description of what was notified. */
function play(steps: (Outcome | Step)[], config: Partial<PolicyConfig> = {}, gapMs = MIN): string[] {
  let state: JourneyAlertState | undefined;
  const out: string[] = [];
  steps.forEach((s, i) => {
    const step = typeof s === 'string' ? { outcome: s } : s;
    const at = new Date(T0 + i * gapMs);
    const r = evaluateJourney(
      state,
      journeyRun(step.outcome, at, step.step === undefined ? {} : { step: step.step }),
      at,
      { ...DEFAULT_POLICY, ...config, muted: step.muted ?? false },
    );
    state = JSON.parse(JSON.stringify(r.state)) as JourneyAlertState;
    out.push(r.notifications.map(label).join(',') || '-');
  });
  return out;
}

function label(n: AlertEvent): string {
  return `${n.reminder === true ? 'reminder' : n.state}:${n.severity}`;
}

const seq = (text: string) => text.split('') as Outcome[];

describe('alert policy (consecutive 2/2 defaults)', () => {
  const table: [name: string, outcomes: string, expected: string][] = [
    ['one failed run never notifies', 'F', '-'],
    ['fires once on the 2nd failed run, then nothing', 'FFFF', '- firing:critical - -'],
    ['resolves once on the 2nd pass', 'FFSS', '- firing:critical - resolved:critical'],
    ['degraded counts as a pass for resolving', 'FFDD', '- firing:critical - resolved:critical'],
    ['a pass between failures resets the streak', 'FSFSF', '- - - - -'],
    ['errors move neither counter (F E F fires)', 'FEF', '- - firing:critical'],
    ['errors move neither counter (S E S resolves)', 'FFSES', '- firing:critical - - resolved:critical'],
    ['aborted runs are ignored like errors', 'FAF', '- - firing:critical'],
    ['degraded never fires when not enabled', 'DDDD', '- - - -'],
  ];
  it.each(table)('%s: %s', (_name, outcomes, expected) => {
    expect(play(seq(outcomes)).join(' ')).toBe(expected);
  });

  it('flapping F,S,… for 20 runs: 0 notifications in consecutive mode', () => {
    const out = play(seq('FS'.repeat(10)));
    expect(out.filter((o) => o !== '-')).toEqual([]);
  });

  it('flapping F,S,… for 20 runs in 3-of-6 mode: exactly one firing, no storm', () => {
    const out = play(seq('FS'.repeat(10)), { window: { failures: 3, of: 6 } });
    expect(out.filter((o) => o !== '-')).toEqual(['firing:critical']);
    expect(out.indexOf('firing:critical')).toBe(4); // the 3rd failure
  });

  it('N-of-M resolves after successThreshold passes and needs fresh failures to fire again', () => {
    const out = play(seq('FSFSF' + 'SS' + 'F' + 'FF'), { window: { failures: 3, of: 6 } });
    expect(out.join(' ')).toBe('- - - - firing:critical - resolved:critical - - firing:critical');
  });

  it('reminders every repeatInterval while firing, none before', () => {
    const out = play(seq(`FF${'F'.repeat(10)}`), { repeatIntervalMs: 4 * MIN });
    expect(out.join(' ')).toBe('- firing:critical - - - reminder:critical - - - reminder:critical - -');
  });

  it('sendResolved: false keeps quiet on recovery but closes the incident', () => {
    expect(play(seq('FFSSFF'), { sendResolved: false }).join(' ')).toBe('- firing:critical - - - firing:critical');
  });

  it('a change of failing step while firing does not re-fire; the payload keeps the step that opened it', () => {
    let state: JourneyAlertState | undefined;
    const events: AlertEvent[] = [];
    const steps = ['auth.token', 'auth.token', 'chat.reply', 'session.create'];
    steps.forEach((step, i) => {
      const at = new Date(T0 + i * MIN);
      const r = evaluateJourney(state, journeyRun('F', at, { step }), at, {
        ...DEFAULT_POLICY,
        repeatIntervalMs: 2 * MIN,
      });
      state = r.state;
      events.push(...r.notifications);
    });
    expect(events.map(label)).toEqual(['firing:critical', 'reminder:critical']);
    expect(events[0]).toMatchObject({
      id: 'staging:golden-path-api',
      failure: { step: 'auth.token', service: 'auth', category: 'http_status' },
      since: new Date(T0).toISOString(),
    });
    // The reminder keeps the incident's failure (stable labels) and shows the newest run in lastResult.
    expect(events[1]?.failure?.step).toBe('auth.token');
    expect(events[1]?.lastResult.failure?.step).toBe('session.create');
  });

  it('maintenance mutes but keeps state: a firing during the window is announced after it', () => {
    const out = play([
      { outcome: 'F', muted: true },
      { outcome: 'F', muted: true },
      { outcome: 'F', muted: true },
      'F',
      'F',
    ]);
    expect(out.join(' ')).toBe('- - - firing:critical -');
  });

  it('maintenance: an incident opened and closed inside the window is never announced', () => {
    const out = play([...seq('FFSS').map((o): Step => ({ outcome: o, muted: true })), 'S']);
    expect(out.join(' ')).toBe('- - - - -');
  });

  it('maintenance: a resolve during the window is announced after it', () => {
    expect(play(['F', 'F', { outcome: 'S', muted: true }, { outcome: 'S', muted: true }, 'S']).join(' ')).toBe(
      '- firing:critical - - resolved:critical',
    );
  });

  it('degraded notifies with severity warning when enabled, escalates to critical on failures', () => {
    expect(play(seq('DDDSS'), { notifyDegraded: true }).join(' ')).toBe('- firing:warning - - resolved:warning');
    expect(play(seq('DDFF'), { notifyDegraded: true }).join(' ')).toBe('- firing:warning - firing:critical');
  });

  it('the firing payload names the first failing step, service and category and the journey (one alert per journey)', () => {
    const at = new Date(T0);
    const first = evaluateJourney(
      undefined,
      journeyRun('F', at, { step: 'chat.reply', service: 'backend', category: 'timeout' }),
      at,
      DEFAULT_POLICY,
    );
    const second = evaluateJourney(
      first.state,
      journeyRun('F', new Date(T0 + MIN), { step: 'chat.reply', service: 'backend', category: 'timeout' }),
      new Date(T0 + MIN),
      DEFAULT_POLICY,
    );
    expect(second.notifications).toHaveLength(1);
    expect(second.notifications[0]).toMatchObject({
      id: 'staging:golden-path-api',
      state: 'firing',
      severity: 'critical',
      environment: 'staging',
      journey: 'golden-path-api',
      verdict: 'Users cannot log in: chat.reply failed',
      failure: { step: 'chat.reply', service: 'backend', category: 'timeout' },
      since: at.toISOString(),
    });
  });
});

describe('prober health alert (prober:<environment>)', () => {
  function playHealth(outcomes: { o: Outcome; journey?: string }[]): { health: string[]; journey: string[] } {
    let h: ProberHealthState | undefined;
    const states = new Map<string, JourneyAlertState>();
    const health: string[] = [];
    const journey: string[] = [];
    outcomes.forEach(({ o, journey: name = 'golden-path-api' }, i) => {
      const at = new Date(T0 + i * MIN);
      const run = journeyRun(o, at, { journey: name });
      const hr = evaluateProberHealth(h, run, at, DEFAULT_POLICY);
      const jr = evaluateJourney(states.get(name), run, at, DEFAULT_POLICY);
      h = hr.state;
      states.set(name, jr.state);
      health.push(hr.notifications.map((n) => `${n.id}:${n.state}:${n.severity}`).join(',') || '-');
      journey.push(jr.notifications.map(label).join(',') || '-');
    });
    return { health, journey };
  }

  it('fires after 3 consecutive prober errors, never the journey alert; resolves on a judged run', () => {
    const r = playHealth(seq('EEEEES').map((o) => ({ o })));
    expect(r.health).toEqual(['-', '-', 'prober:staging:firing:warning', '-', '-', 'prober:staging:resolved:warning']);
    expect(r.journey.every((x) => x === '-')).toBe(true);
  });

  it('aborted runs do not count as prober errors; another journey passing does not hide a streak', () => {
    expect(playHealth(seq('EEAE').map((o) => ({ o }))).health).toEqual([
      '-',
      '-',
      '-',
      'prober:staging:firing:warning',
    ]);
    const mixed = playHealth([
      { o: 'E', journey: 'b' },
      { o: 'S' },
      { o: 'E', journey: 'b' },
      { o: 'S' },
      { o: 'E', journey: 'b' },
    ]);
    expect(mixed.health.filter((x) => x !== '-')).toEqual(['prober:staging:firing:warning']);
  });
});
