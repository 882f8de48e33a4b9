import { describe, expect, it } from 'vitest';
import { headline } from '../../src/alert/channels/describe.js';
import { AlertPolicySchema } from '../../src/config/alert-policy.js';
import { judgeLocation, quorumStatus, staleAfter } from '../../src/alert/policy-locations.js';
import { evaluateJourney, type JourneyAlertState, type PolicyConfig } from '../../src/alert/policy.js';
import { toNotification, type AlertEvent } from '../../src/alert/notification.js';
import { journeyRun, type Outcome } from './fake-results.js';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MIN = 60_000;

/**
 * Plays a script of `location:outcome` results one minute apart (`wait:N` lets N minutes pass with no result) and
 * returns what each result notified. One alert state for the journey, shared by every location, as in the store.
 */
function play(
  script: string,
  locations: PolicyConfig['locations'],
  extra: Partial<PolicyConfig> = {},
): { out: string[]; events: AlertEvent[] } {
  const config: PolicyConfig = { ...AlertPolicySchema.parse({ locations }), ...extra };
  let state: JourneyAlertState | undefined;
  let t = T0;
  const out: string[] = [];
  const events: AlertEvent[] = [];
  for (const token of script.split(' ')) {
    const [where, what] = token.split(':') as [string, string];
    if (where === 'wait') {
      t += Number(what) * MIN;
      continue;
    }
    t += MIN;
    const at = new Date(t);
    const run = { ...journeyRun(what as Outcome, at), ...(where === '-' ? {} : { location: where }) };
    const r = evaluateJourney(state, run, at, config);
    state = JSON.parse(JSON.stringify(r.state)) as JourneyAlertState;
    events.push(...r.notifications);
    out.push(r.notifications.map((n) => `${n.state}[${n.locations?.failing.join('+') ?? ''}]`).join(',') || '-');
  }
  return { out, events };
}

const TWO_OF_TWO = { failing: 2, of: ['eu', 'us'] };

describe('location quorum (K of M locations failing), default streaks 2/2', () => {
  const table: [name: string, quorum: PolicyConfig['locations'], script: string, expected: string][] = [
    ['2 of 2: one location failing never fires', TWO_OF_TWO, 'eu:F us:S eu:F us:S eu:F us:S eu:F', '- - - - - - -'],
    [
      '2 of 2: fires once when both fail, naming both',
      TWO_OF_TWO,
      'eu:F us:F eu:F us:F eu:F us:F',
      '- - - firing[eu+us] - -',
    ],
    [
      '2 of 2: resolves once when one location recovers (2 passes there)',
      TWO_OF_TWO,
      'eu:F us:F eu:F us:F eu:S us:F eu:S us:F',
      '- - - firing[eu+us] - - resolved[us] -',
    ],
    [
      '2 of 2: interleaved F/S of two locations is not a flapping stream: us failing alone stays quiet',
      TWO_OF_TWO,
      'eu:S us:F eu:S us:F eu:S us:F',
      '- - - - - -',
    ],
    [
      '1 of 2: either location fires it',
      { failing: 1, of: ['eu', 'us'] },
      'eu:S us:F eu:S us:F eu:S us:S us:S',
      '- - - firing[us] - - resolved[]',
    ],
    ['2 of 3: any two', { failing: 2 }, 'eu:F us:F ap:S eu:F us:F ap:S', '- - - - firing[eu+us] -'],
    [
      '2 of 2: errors (could not judge) move no location',
      TWO_OF_TWO,
      'eu:F us:F eu:E us:E eu:F us:F',
      '- - - - - firing[eu+us]',
    ],
    [
      'only the named locations count (a laptop prober failing is ignored)',
      TWO_OF_TWO,
      'eu:F laptop:F eu:F laptop:F eu:F',
      '- - - - -',
    ],
    [
      'a result without a location is the `default` location',
      { failing: 1, of: ['default'] },
      '-:F -:F',
      '- firing[default]',
    ],
    [
      'a stale failing location does not count: us went quiet, eu failing alone stays quiet',
      { ...TWO_OF_TWO, staleAfterMs: 3 * MIN },
      'us:F us:F wait:5 eu:F eu:F eu:F',
      '- - - - -',
    ],
    [
      'a location going quiet while firing resolves it (fewer than K fresh failures), saying so',
      { ...TWO_OF_TWO, staleAfterMs: 3 * MIN },
      'eu:F us:F eu:F us:F eu:F eu:F eu:F eu:F',
      '- - - firing[eu+us] - - - resolved[eu]',
    ],
    [
      'a location back after going quiet starts afresh: one failure is not a streak',
      { ...TWO_OF_TWO, staleAfterMs: 3 * MIN },
      'us:F us:F wait:5 eu:F eu:F us:F us:F',
      '- - - - - firing[eu+us]',
    ],
  ];
  it.each(table)('%s', (_name, quorum, script, expected) => {
    expect(play(script, quorum).out.join(' ')).toBe(expected);
  });

  it('the firing notification says which locations fail, which pass, which are quiet, and since when the quorum holds', () => {
    const { events } = play('ap:S eu:F us:F eu:F us:F', { failing: 2, of: ['ap', 'eu', 'us', 'sa'] });
    expect(events).toHaveLength(1);
    const n = toNotification(events[0]!, 'd1');
    expect(n.locations).toEqual({ required: 2, failing: ['eu', 'us'], passing: ['ap'], stale: ['sa'] });
    // The quorum held from the start of the 2nd location's failing streak (us, minute 3).
    expect(n.since).toBe(new Date(T0 + 3 * MIN).toISOString());
    expect(n.location).toBe('us'); // the prober whose result tipped it
    expect(headline(n)).toBe(
      '[FIRING critical] staging @ us / golden-path-api: Users cannot log in: auth.token failed (failing in eu, us; 2 of 4 needed; no recent result from sa)',
    );
  });

  it("the resolve names the locations still failing instead of the passing run's verdict", () => {
    const { events } = play('eu:F us:F eu:F us:F eu:F us:S eu:F us:S', { failing: 2, of: ['eu', 'us'] });
    const resolved = events.find((e) => e.state === 'resolved');
    expect(resolved?.locations?.failing).toEqual(['eu']);
    expect(resolved?.verdict).toBe('No longer failing in enough locations to alert; still failing in eu');
    expect(headline(toNotification(resolved!, 'd2'))).toContain('still failing in eu (failing in eu; 2 of 2 needed)');
  });

  it('N-of-M windows apply per location', () => {
    const out = play(
      'eu:F us:F eu:S us:S eu:F us:F',
      { failing: 2, of: ['eu', 'us'] },
      { window: { failures: 2, of: 3 } },
    ).out;
    expect(out.join(' ')).toBe('- - - - - firing[eu+us]');
  });

  it('without a quorum the policy is unchanged: locations interleave into one stream and the payload has no `locations`', () => {
    const { out, events } = play('eu:F us:F', undefined);
    expect(out.join(' ')).toBe('- firing[]');
    expect(events[0]?.locations).toBeUndefined();
  });
});

describe('location quorum pieces', () => {
  const rules = { failureThreshold: 2, successThreshold: 2 };
  it('judgeLocation: a streak, a recovery, a fresh start after silence', () => {
    const at = (m: number) => new Date(T0 + m * MIN).toISOString();
    const a = judgeLocation(undefined, 'fail', at(0), rules, 3 * MIN);
    const b = judgeLocation(a, 'fail', at(1), rules, 3 * MIN);
    expect([a.failing, b.failing, b.failingSince]).toEqual([false, true, at(0)]);
    const c = judgeLocation(judgeLocation(b, 'pass', at(2), rules, 3 * MIN), 'degraded', at(3), rules, 3 * MIN);
    expect([c.failing, c.failingSince]).toEqual([false, undefined]);
    expect(judgeLocation(b, 'fail', at(10), rules, 3 * MIN)).toMatchObject({
      failing: false,
      failStreak: 1,
      failingSince: at(10),
    });
  });

  it('quorumStatus: never-seen named locations are stale; freshness is measured from the newest judged run', () => {
    const j = {
      failing: true,
      failStreak: 2,
      okStreak: 0,
      window: [],
      failingSince: new Date(T0).toISOString(),
      lastJudgedAt: new Date(T0).toISOString(),
    };
    expect(quorumStatus({ eu: j }, { failing: 1, of: ['eu', 'us'] }, MIN, new Date(T0 + MIN))).toMatchObject({
      met: true,
      failing: ['eu'],
      stale: ['us'],
    });
    expect(quorumStatus({ eu: j }, { failing: 1, of: ['eu', 'us'] }, MIN, new Date(T0 + MIN + 1))).toMatchObject({
      met: false,
      failing: [],
      stale: ['eu', 'us'],
    });
  });

  it('staleAfter: configured, else three schedule intervals, else 15 min', () => {
    expect(staleAfter({ failing: 1, staleAfterMs: 5 }, 2_000)).toBe(5);
    expect(staleAfter({ failing: 1 }, 2_000)).toBe(6_000);
    expect(staleAfter({ failing: 1 }, undefined)).toBe(15 * MIN);
    expect(staleAfter({ failing: 1 }, Number.POSITIVE_INFINITY)).toBe(15 * MIN);
  });

  it('config: K larger than the named locations is refused with the path', () => {
    const r = AlertPolicySchema.safeParse({ locations: { failing: 3, of: ['eu', 'us'] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['locations', 'failing'],
      message: '3 locations can never fail at once: `of` names 2; lower failing or list more locations',
    });
    expect(AlertPolicySchema.safeParse({ locations: { failing: 1, of: ['eu west'] } }).success).toBe(false);
  });
});
