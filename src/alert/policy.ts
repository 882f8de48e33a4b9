import { z } from 'zod';
import { Failure, type JourneyResult } from '../journey/result-schema.js';
import type { StateFormat } from './alert-state-format.js';
import { nextAnnouncement, Phase } from './announce.js';
import { journeyAlertKey, LastResult, type AlertEvent } from './notification.js';
import type { AlertPolicy, LocationQuorum } from '../config/alert-policy.js';
import {
  DEFAULT_LOCATION,
  judgeLocation,
  LocationJudgement,
  locationKept,
  quorumStatus,
  staleAfter,
  type QuorumStatus,
} from './policy-locations.js';

/**
 * A journey's alert state: plain JSON, stored after every run so a restart continues the same streaks and the
 * same open incident. Changing its shape means a new `version` and an upgrade in `JOURNEY_STATE_FORMAT`.
 */
export const JourneyAlertState = z
  .object({
    version: z.literal(3),
    phase: Phase,
    announced: Phase,
    failStreak: z.number().int().min(0),
    okStreak: z.number().int().min(0),
    passStreak: z.number().int().min(0),
    degradedStreak: z.number().int().min(0),
    /** Judged outcomes, newest last, kept only as long as the N-of-M window. */
    window: z.array(z.enum(['F', 'S'])),
    /** Start of the first failing run of the current streak; becomes the incident's `since`. */
    failingSince: z.iso.datetime().optional(),
    since: z.iso.datetime().optional(),
    /** The failure that opened the incident: stable while firing, so a change of failing step is not a new alert. */
    failure: Failure.optional(),
    lastNotifiedAt: z.iso.datetime().optional(),
    /** Last time the open alert was sent (firing, reminder, keep-alive); version 2. */
    lastRefreshedAt: z.iso.datetime().optional(),
    last: LastResult.optional(),
    /** Location quorum only: each location's own judgement of the journey (version 3). */
    locations: z.record(z.string(), LocationJudgement).optional(),
  })
  .strict();
export type JourneyAlertState = z.infer<typeof JourneyAlertState>;

/** Version 1 had no keep-alive: its last send was the last notification. Version 2 had no per-location judgements. */
export const JOURNEY_STATE_FORMAT: StateFormat<JourneyAlertState> = {
  name: 'journey alert state',
  version: 3,
  schema: JourneyAlertState,
  upgrades: {
    1: (v1) => (typeof v1.lastNotifiedAt === 'string' ? { ...v1, lastRefreshedAt: v1.lastNotifiedAt } : v1),
    2: (v2) => v2,
  },
};

export interface JourneyRun {
  runId: string;
  environment: string;
  /** Where the prober that judged stands (fleet); carried into the notification. */
  location?: string | undefined;
  result: JourneyResult;
}

/**
 * The policy plus what is computed at the edge, so the policy stays pure: whether a maintenance window covers this
 * run, and how often channels whose alerts expire (Alertmanager) must hear an open alert again (0: none configured).
 */
export type PolicyConfig = AlertPolicy & { muted?: boolean; keepAliveMs?: number; intervalMs?: number | undefined };

export interface PolicyOutcome<S> {
  state: S;
  notifications: AlertEvent[];
}

export function initialJourneyState(): JourneyAlertState {
  return {
    version: 3,
    phase: 'ok',
    announced: 'ok',
    failStreak: 0,
    okStreak: 0,
    passStreak: 0,
    degradedStreak: 0,
    window: [],
  };
}

/** Pure: the next state and the notifications one journey result causes. `error` (and `aborted`) move no counter. */
export function evaluateJourney(
  previous: JourneyAlertState | undefined,
  run: JourneyRun,
  now: Date,
  config: PolicyConfig,
): PolicyOutcome<JourneyAlertState> {
  const s: JourneyAlertState = structuredClone(previous ?? initialJourneyState());
  const { result } = run;
  if (result.status !== 'error') {
    s.last = lastResult(run);
    countOutcome(s, result, config);
    if (config.locations !== undefined) judgeIn(s, run, config, config.locations);
  }
  // Location quorum: the locations' own judgements decide, not the interleaved stream of all their results.
  const quorum =
    config.locations === undefined
      ? undefined
      : quorumStatus(s.locations ?? {}, config.locations, staleAfter(config.locations, config.intervalMs), now);
  const failing =
    quorum?.met ??
    (config.window === undefined ? s.failStreak >= config.failureThreshold : failures(s) >= config.window.failures);
  if (failing) {
    if (s.phase !== 'critical') open(s, 'critical', quorum?.since ?? s.failingSince ?? result.startedAt, result);
  } else if (s.phase === 'critical' && (quorum !== undefined || s.okStreak >= config.successThreshold)) {
    close(s);
  }
  if (config.notifyDegraded && s.phase !== 'critical') {
    if (s.phase === 'ok' && s.degradedStreak >= config.failureThreshold) open(s, 'warning', result.startedAt, result);
    else if (s.phase === 'warning' && s.passStreak >= config.successThreshold) close(s);
  } else if (!config.notifyDegraded && s.phase === 'warning') {
    close(s); // the option was turned off while a warning was open
  }
  const base = event(s, run, quorum);
  const said = nextAnnouncement(s, now, config);
  if (s.phase === 'ok' && s.announced === 'ok') {
    delete s.since;
    delete s.failure;
  }
  if (said === undefined) return { state: s, notifications: [] };
  if (said.state === 'resolved')
    return {
      state: s,
      notifications: [
        {
          ...base,
          verdict: resolvedVerdict(base),
          state: 'resolved',
          severity: said.severity,
          endedAt: now.toISOString(),
        },
      ],
    };
  return { state: s, notifications: [firingEvent(base, said)] };
}

/** A firing event as announced: a reminder or keep-alive says it is a repeat; a keep-alive goes only to expiring channels. */
export function firingEvent<E extends object>(
  base: E,
  said: { severity: AlertEvent['severity']; reminder: boolean; keepAlive?: true },
) {
  return {
    ...base,
    state: 'firing' as const,
    severity: said.severity,
    ...(said.reminder || said.keepAlive === true ? { reminder: true as const } : {}),
    ...(said.keepAlive === true ? { keepAlive: true as const } : {}),
  };
}

function countOutcome(s: JourneyAlertState, result: JourneyResult, config: PolicyConfig): void {
  const failed = result.status === 'fail';
  if (failed) {
    s.failStreak++;
    s.okStreak = s.passStreak = s.degradedStreak = 0;
    s.failingSince ??= result.startedAt;
  } else {
    s.failStreak = 0;
    s.okStreak++;
    if (result.status === 'degraded') {
      s.degradedStreak++;
      s.passStreak = 0;
    } else {
      s.passStreak++;
      s.degradedStreak = 0;
    }
  }
  const size = config.window?.of ?? 0;
  s.window = size === 0 ? [] : [...s.window, failed ? ('F' as const) : ('S' as const)].slice(-size);
  // The streak's start is forgotten once nothing in it still counts towards firing.
  const counting = config.window === undefined ? s.failStreak > 0 : failures(s) > 0;
  if (s.phase !== 'critical' && !counting) delete s.failingSince;
}

function failures(s: JourneyAlertState): number {
  return s.window.filter((o) => o === 'F').length;
}

function open(s: JourneyAlertState, phase: Phase, since: string, result: JourneyResult): void {
  s.phase = phase;
  s.since = since;
  if (result.failure === undefined) delete s.failure;
  else s.failure = result.failure;
}

function close(s: JourneyAlertState): void {
  s.phase = 'ok';
  // Fresh evidence after a resolve: old failures in the window must not re-fire at once (no fire/resolve storm).
  s.window = [];
  delete s.failingSince;
}

/** Updates the judgement of the run's location (a result naming none is the `default` location). */
function judgeIn(s: JourneyAlertState, run: JourneyRun, config: PolicyConfig, quorum: LocationQuorum): void {
  const where = run.location ?? DEFAULT_LOCATION;
  const status = run.result.status;
  if (status === 'error' || !locationKept(quorum, where)) return;
  const previous = s.locations?.[where];
  s.locations = {
    ...s.locations,
    [where]: judgeLocation(previous, status, run.result.startedAt, config, staleAfter(quorum, config.intervalMs)),
  };
}

function event(s: JourneyAlertState, run: JourneyRun, quorum?: QuorumStatus): Omit<AlertEvent, 'state' | 'severity'> {
  const last = s.last ?? lastResult(run);
  return {
    id: journeyAlertKey(run.environment, run.result.journey),
    environment: run.environment,
    ...(run.location === undefined ? {} : { location: run.location }),
    ...(quorum === undefined
      ? {}
      : {
          locations: {
            required: quorum.required,
            failing: quorum.failing,
            passing: quorum.passing,
            stale: quorum.stale,
          },
        }),
    journey: run.result.journey,
    verdict: last.verdict,
    ...(s.failure === undefined ? {} : { failure: s.failure }),
    since: s.since ?? last.startedAt,
    lastResult: last,
  };
}

/** What an alert says about the newest run (the journey's policy and the prober: condition both use it). */
export function lastResult(run: JourneyRun): LastResult {
  const r = run.result;
  return {
    runId: run.runId,
    status: r.status,
    startedAt: r.startedAt,
    verdict: r.verdict,
    ...(r.failure === undefined ? {} : { failure: r.failure }),
  };
}

/**
 * Pure: a journey that is no longer probed (disabled in the config, or its file removed) can never produce the
 * passing runs that would resolve its alert. An open alert is resolved at once, and the notification says why, so
 * nobody mistakes it for a recovery; the state starts afresh should the journey come back.
 */
export function retireJourney(
  previous: JourneyAlertState,
  environment: string,
  journey: string,
  why: string,
  now: Date,
  config: PolicyConfig,
): PolicyOutcome<JourneyAlertState> {
  const state = initialJourneyState();
  if (previous.announced === 'ok' || !config.sendResolved) return { state, notifications: [] };
  const last = previous.last;
  const since = previous.since ?? last?.startedAt ?? now.toISOString();
  const notification: AlertEvent = {
    id: journeyAlertKey(environment, journey),
    environment,
    journey,
    verdict: `${journey} is no longer probed (${why}): its alert is resolved without a passing run, so whether users can do it again is unknown`,
    ...(previous.failure === undefined ? {} : { failure: previous.failure }),
    since,
    lastResult: last ?? { runId: 'none', status: 'fail', startedAt: since, verdict: `${journey} was failing` },
    state: 'resolved',
    severity: previous.announced === 'warning' ? 'warning' : 'critical',
    endedAt: now.toISOString(),
  };
  return { state, notifications: [notification] };
}

/**
 * A quorum alert resolves when fewer than K locations fail, not when all pass: the last run's "Users can log in"
 * would then be false for the locations still failing, so the resolve names them instead.
 */
function resolvedVerdict(base: { verdict: string; locations?: { failing: string[] } | undefined }): string {
  const failing = base.locations?.failing ?? [];
  if (failing.length === 0) return base.verdict;
  return `No longer failing in enough locations to alert; still failing in ${failing.join(', ')}`;
}
