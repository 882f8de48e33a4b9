import { z } from 'zod';
import type { JourneyStatus } from '../journey/result-schema.js';
import type { LocationQuorum } from '../config/alert-policy.js';

/** The location of a result that names none (one unnamed prober); the metrics label it the same way. */
export const DEFAULT_LOCATION = 'default';
/** Without a schedule to go by (`prober run --store` from cron), a location's last judgement counts this long. */
export const DEFAULT_STALE_AFTER_MS = 15 * 60_000;
/** With one: three schedule intervals, the same bound as the shipped `ProberStuck` rule. */
export const STALE_INTERVALS = 3;

/**
 * One location's own judgement of a journey, kept inside the journey's alert state (shared by every replica and
 * location through the store). It applies the same streak (or N-of-M window) rules as the journey's alert, but to
 * that location's results only, so a location flapping or recovering is judged on its own evidence.
 */
export const LocationJudgement = z
  .object({
    failing: z.boolean(),
    failStreak: z.number().int().min(0),
    okStreak: z.number().int().min(0),
    window: z.array(z.enum(['F', 'S'])),
    /** Start of the first failing run of this location's current streak. */
    failingSince: z.iso.datetime().optional(),
    /** Start of this location's newest judged run: what staleness is measured from. */
    lastJudgedAt: z.iso.datetime(),
  })
  .strict();
export type LocationJudgement = z.infer<typeof LocationJudgement>;

/** What the journey's notification says about locations (`locations` in `prober.alert/v1`). */
export const LocationsSummary = z
  .object({
    /** K: how many locations must be failing for the alert to fire. */
    required: z.number().int().min(1),
    failing: z.array(z.string()),
    passing: z.array(z.string()),
    /** Expected or known locations with no judged run within the freshness bound: they count neither way. */
    stale: z.array(z.string()),
  })
  .strict();
export type LocationsSummary = z.infer<typeof LocationsSummary>;

export interface QuorumStatus extends LocationsSummary {
  met: boolean;
  /** When the quorum was reached: the K-th earliest start of a failing location's streak. */
  since?: string | undefined;
}

interface StreakRules {
  failureThreshold: number;
  successThreshold: number;
  window?: { failures: number; of: number } | undefined;
}

/**
 * Pure: a location's judgement after one of its judged runs (`error`/`aborted` never reach here). A location whose
 * previous judgement had gone stale starts afresh: evidence from before its silence says nothing about now.
 */
export function judgeLocation(
  previous: LocationJudgement | undefined,
  status: Exclude<JourneyStatus, 'error'>,
  startedAt: string,
  rules: StreakRules,
  staleAfterMs: number,
): LocationJudgement {
  const fresh = previous !== undefined && Date.parse(startedAt) - Date.parse(previous.lastJudgedAt) <= staleAfterMs;
  const j: LocationJudgement = fresh
    ? structuredClone(previous)
    : { failing: false, failStreak: 0, okStreak: 0, window: [], lastJudgedAt: startedAt };
  j.lastJudgedAt = startedAt;
  const failed = status === 'fail';
  if (failed) {
    j.failStreak++;
    j.okStreak = 0;
    j.failingSince ??= startedAt;
  } else {
    j.failStreak = 0;
    j.okStreak++;
  }
  const size = rules.window?.of ?? 0;
  j.window = size === 0 ? [] : [...j.window, failed ? ('F' as const) : ('S' as const)].slice(-size);
  const failures = j.window.filter((o) => o === 'F').length;
  const reached =
    rules.window === undefined ? j.failStreak >= rules.failureThreshold : failures >= rules.window.failures;
  if (reached) j.failing = true;
  else if (j.failing && j.okStreak >= rules.successThreshold) {
    j.failing = false;
    j.window = []; // as the journey alert does: old failures must not re-open it at once
  }
  if (!j.failing && (rules.window === undefined ? j.failStreak === 0 : failures === 0)) delete j.failingSince;
  return j;
}

/**
 * Pure: which locations fail now, and whether at least `quorum.failing` of them do. Only locations named in
 * `quorum.of` count when it is given (a laptop prober must not tip the balance); a location whose newest judged
 * run started more than `staleAfterMs` ago counts neither as failing nor as passing, so a dead prober's last
 * failure cannot hold an alert open (or open one) for ever; the shipped `ProberStuck` rule says it is dead.
 */
export function quorumStatus(
  locations: Readonly<Record<string, LocationJudgement>>,
  quorum: LocationQuorum,
  staleAfterMs: number,
  now: Date,
): QuorumStatus {
  const names = quorum.of ?? Object.keys(locations);
  const failing: string[] = [];
  const passing: string[] = [];
  const stale: string[] = [];
  const starts: string[] = [];
  for (const name of [...new Set(names)].sort()) {
    const j = locations[name];
    if (j === undefined || now.getTime() - Date.parse(j.lastJudgedAt) > staleAfterMs) stale.push(name);
    else if (j.failing) {
      failing.push(name);
      starts.push(j.failingSince ?? j.lastJudgedAt);
    } else passing.push(name);
  }
  const met = failing.length >= quorum.failing;
  const since = met ? starts.sort()[quorum.failing - 1] : undefined;
  return { required: quorum.failing, failing, passing, stale, met, ...(since === undefined ? {} : { since }) };
}

/** The freshness bound in force: the configured one, else three schedule intervals, else 15 minutes. */
export function staleAfter(quorum: LocationQuorum, intervalMs: number | undefined): number {
  return (
    quorum.staleAfterMs ??
    (intervalMs === undefined || !Number.isFinite(intervalMs) ? DEFAULT_STALE_AFTER_MS : STALE_INTERVALS * intervalMs)
  );
}

/** Keeps only what the quorum can use: locations it names (all, when it names none). */
export function locationKept(quorum: LocationQuorum, location: string): boolean {
  return quorum.of === undefined || quorum.of.includes(location);
}
