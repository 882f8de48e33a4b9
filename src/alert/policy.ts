import { z } from 'zod';
import { Failure, type JourneyResult } from '../journey/result-schema.js';
import { nextAnnouncement, Phase } from './announce.js';
import { journeyAlertKey, LastResult, type AlertEvent } from './notification.js';
import type { AlertPolicy } from './policy-config.js';

/**
 * A journey's alert state: plain JSON, stored after every run so a restart continues the same streaks and the
 * same open incident.
 */
export const JourneyAlertState = z
  .object({
    version: z.literal(1),
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
    last: LastResult.optional(),
  })
  .strict();
export type JourneyAlertState = z.infer<typeof JourneyAlertState>;

export interface JourneyRun {
  runId: string;
  environment: string;
  result: JourneyResult;
}

/** The policy plus whether a maintenance window covers this run (computed at the edge, so the policy stays pure). */
export type PolicyConfig = AlertPolicy & { muted?: boolean };

export interface PolicyOutcome<S> {
  state: S;
  notifications: AlertEvent[];
}

export function initialJourneyState(): JourneyAlertState {
  return { version: 1, phase: 'ok', announced: 'ok', failStreak: 0, okStreak: 0, passStreak: 0, degradedStreak: 0, window: [] };
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
  }
  const failing = config.window === undefined ? s.failStreak >= config.failureThreshold : failures(s) >= config.window.failures;
  if (failing) {
    if (s.phase !== 'critical') open(s, 'critical', s.failingSince ?? result.startedAt, result);
  } else if (s.phase === 'critical' && s.okStreak >= config.successThreshold) {
    close(s);
  }
  if (config.notifyDegraded && s.phase !== 'critical') {
    if (s.phase === 'ok' && s.degradedStreak >= config.failureThreshold) open(s, 'warning', result.startedAt, result);
    else if (s.phase === 'warning' && s.passStreak >= config.successThreshold) close(s);
  } else if (!config.notifyDegraded && s.phase === 'warning') {
    close(s); // the option was turned off while a warning was open
  }
  const base = event(s, run);
  const said = nextAnnouncement(s, now, config);
  if (s.phase === 'ok' && s.announced === 'ok') {
    delete s.since;
    delete s.failure;
  }
  if (said === undefined) return { state: s, notifications: [] };
  if (said.state === 'resolved') return { state: s, notifications: [{ ...base, state: 'resolved', severity: said.severity, endedAt: now.toISOString() }] };
  return { state: s, notifications: [{ ...base, state: 'firing', severity: said.severity, ...(said.reminder ? { reminder: true as const } : {}) }] };
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

function event(s: JourneyAlertState, run: JourneyRun): Omit<AlertEvent, 'state' | 'severity'> {
  const last = s.last ?? lastResult(run);
  return {
    id: journeyAlertKey(run.environment, run.result.journey),
    environment: run.environment,
    journey: run.result.journey,
    verdict: last.verdict,
    ...(s.failure === undefined ? {} : { failure: s.failure }),
    since: s.since ?? last.startedAt,
    lastResult: last,
  };
}

function lastResult(run: JourneyRun): LastResult {
  const r = run.result;
  return { runId: run.runId, status: r.status, startedAt: r.startedAt, verdict: r.verdict, ...(r.failure === undefined ? {} : { failure: r.failure }) };
}
