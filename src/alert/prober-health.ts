import { z } from 'zod';
import type { StateFormat } from './alert-state-format.js';
import { nextAnnouncement, Phase } from './announce.js';
import { LastResult, proberAlertKey, type AlertEvent } from './notification.js';
import { firingEvent, lastResult, type JourneyRun, type PolicyConfig, type PolicyOutcome } from './policy.js';

/** Something wrong with the prober itself that is not a run's error (an alert state it had to quarantine). */
const Condition = z.object({ since: z.iso.datetime(), message: z.string().min(1) }).strict();

/**
 * State of the `prober:<environment>` alert: the prober itself cannot judge (config, probe bug, browser gone) or
 * lost state it needed. Kept apart from journey alerts so a broken prober is visible but never pages as "users
 * cannot chat".
 */
export const ProberHealthState = z
  .object({
    version: z.literal(2),
    phase: Phase,
    announced: Phase,
    /** Consecutive prober errors per journey; a judged run of that journey clears its entry. */
    streaks: z.record(z.string(), z.number().int().min(1)),
    /** Open conditions by id; the alert fires while any is open (version 2). */
    conditions: z.record(z.string(), Condition),
    since: z.iso.datetime().optional(),
    journey: z.string().optional(),
    lastNotifiedAt: z.iso.datetime().optional(),
    lastRefreshedAt: z.iso.datetime().optional(),
    last: LastResult.optional(),
  })
  .strict();
export type ProberHealthState = z.infer<typeof ProberHealthState>;

/** Version 1 had no conditions and no keep-alive. */
export const PROBER_STATE_FORMAT: StateFormat<ProberHealthState> = {
  name: 'prober health state',
  version: 2,
  schema: ProberHealthState,
  upgrades: {
    1: (v1) => ({
      ...v1,
      conditions: {},
      ...(typeof v1.lastNotifiedAt === 'string' ? { lastRefreshedAt: v1.lastNotifiedAt } : {}),
    }),
  },
};

export function initialProberHealthState(): ProberHealthState {
  return { version: 2, phase: 'ok', announced: 'ok', streaks: {}, conditions: {} };
}

/** Changes to the open conditions, applied before a result is evaluated. */
export interface ConditionChanges {
  raise?: Readonly<Record<string, string>>;
  clear?: readonly string[];
}

/** Pure: fires (severity warning) while any journey has `proberErrorThreshold` prober errors in a row, or a condition is open. `aborted` runs count for nothing. */
export function evaluateProberHealth(
  previous: ProberHealthState | undefined,
  run: JourneyRun,
  now: Date,
  config: PolicyConfig,
  changes: ConditionChanges = {},
): PolicyOutcome<ProberHealthState> {
  const s: ProberHealthState = structuredClone(previous ?? initialProberHealthState());
  const r = run.result;
  const name = r.journey;
  for (const id of changes.clear ?? []) delete s.conditions[id];
  for (const [id, message] of Object.entries(changes.raise ?? {}))
    s.conditions[id] ??= { since: now.toISOString(), message };
  if (r.status === 'error' && r.failure?.category !== 'aborted') {
    s.streaks[name] = (s.streaks[name] ?? 0) + 1;
    if (s.journey === undefined || s.journey === name) s.last = lastResult(run);
  } else if (r.status !== 'error') {
    delete s.streaks[name];
  }
  // A condition alone has no failing run to show: the run that raised it stands in.
  if (Object.keys(s.conditions).length > 0) s.last ??= lastResult(run);
  return { state: s, notifications: announce(s, run.environment, name, now, config) };
}

/** Pure: a journey that is no longer probed (disabled or removed) stops counting towards the prober alert. */
export function forgetJourney(
  previous: ProberHealthState,
  environment: string,
  journey: string,
  now: Date,
  config: PolicyConfig,
): PolicyOutcome<ProberHealthState> {
  const s = structuredClone(previous);
  delete s.streaks[journey];
  for (const id of Object.keys(s.conditions)) if (id.endsWith(`:${journey}`)) delete s.conditions[id];
  return { state: s, notifications: announce(s, environment, journey, now, config) };
}

/** The condition id of a journey quarantined for blocking the event loop (`:journey` last, as forgetJourney expects). */
export function loopCondition(journey: string): string {
  return `blocked-loop:${journey}`;
}

/** The condition id of a state store that cannot be written. */
export const STORE_CONDITION = 'state-store';

/** A state store that cannot be written, as the prober's own alert reports it. */
export interface StoreFault {
  location: string;
  error: string;
  since: string;
}

/** The condition change a store's health makes: raised while it fails (naming where and why), cleared once it works. */
export function storeCondition(fault: StoreFault | undefined): ConditionChanges {
  if (fault === undefined) return { clear: [STORE_CONDITION] };
  return {
    raise: {
      [STORE_CONDITION]: `the state store is failing (${fault.location}: ${fault.error}); results are held in memory and probing goes on`,
    },
  };
}

/**
 * Pure: the store's health changed between runs. Only the conditions move (no streak is counted); with no run to
 * show, the fault itself stands in as the last result.
 */
export function evaluateStoreHealth(
  previous: ProberHealthState | undefined,
  environment: string,
  fault: StoreFault | undefined,
  now: Date,
  config: PolicyConfig,
): PolicyOutcome<ProberHealthState> {
  const s: ProberHealthState = structuredClone(previous ?? initialProberHealthState());
  const changes = storeCondition(fault);
  for (const id of changes.clear ?? []) delete s.conditions[id];
  for (const [id, message] of Object.entries(changes.raise ?? {}))
    s.conditions[id] ??= { since: fault?.since ?? now.toISOString(), message };
  if (Object.keys(s.conditions).length > 0 || s.announced !== 'ok') {
    s.last ??= {
      runId: STORE_CONDITION,
      status: 'error',
      startedAt: fault?.since ?? now.toISOString(),
      verdict: fault === undefined ? 'The state store works again' : `The state store is failing: ${fault.error}`,
    };
  }
  return { state: s, notifications: announce(s, environment, STORE_CONDITION, now, config) };
}

function announce(
  s: ProberHealthState,
  environment: string,
  current: string,
  now: Date,
  config: PolicyConfig,
): AlertEvent[] {
  const erroring = Object.entries(s.streaks).find(([, n]) => n >= config.proberErrorThreshold)?.[0];
  const condition = Object.values(s.conditions)[0];
  if ((erroring !== undefined || condition !== undefined) && s.phase === 'ok') {
    s.phase = 'warning';
    s.since = now.toISOString();
    s.journey = erroring ?? current;
  } else if (erroring === undefined && condition === undefined && s.phase !== 'ok') {
    s.phase = 'ok';
  }
  const last = s.last;
  const said = last === undefined ? undefined : nextAnnouncement(s, now, config);
  const out: AlertEvent[] = [];
  if (said !== undefined && last !== undefined) {
    const journey = s.journey ?? current;
    const base = {
      id: proberAlertKey(environment),
      environment,
      journey,
      verdict: verdictOf(s, said.state, environment, journey, last, config),
      ...(last.failure === undefined ? {} : { failure: last.failure }),
      since: s.since ?? now.toISOString(),
      lastResult: last,
    };
    out.push(
      said.state === 'resolved'
        ? { ...base, state: 'resolved', severity: said.severity, endedAt: now.toISOString() }
        : firingEvent(base, said),
    );
  }
  if (s.phase === 'ok' && s.announced === 'ok') {
    delete s.since;
    delete s.journey;
    delete s.last;
  }
  return out;
}

function verdictOf(
  s: ProberHealthState,
  state: 'firing' | 'resolved',
  environment: string,
  journey: string,
  last: LastResult,
  config: PolicyConfig,
): string {
  if (state === 'resolved') return `The prober can judge ${environment} again`;
  const streak = s.streaks[journey];
  const conditions = Object.values(s.conditions).map((c) => c.message);
  if (streak === undefined || streak < config.proberErrorThreshold) {
    if (conditions.length > 0) return `The prober needs attention in ${environment}: ${conditions.join('; ')}`;
  }
  const also = conditions.length > 0 ? `; also: ${conditions.join('; ')}` : '';
  return `The prober cannot judge ${environment}: ${journey} ended in a prober error ${streak ?? config.proberErrorThreshold} times in a row (${last.verdict})${also}`;
}
