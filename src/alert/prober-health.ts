import { z } from 'zod';
import { nextAnnouncement, Phase } from './announce.js';
import { LastResult, proberAlertKey, type AlertEvent } from './notification.js';
import type { JourneyRun, PolicyConfig, PolicyOutcome } from './policy.js';

/**
 * State of the `prober:<environment>` alert: the prober itself cannot judge (config, probe bug, browser gone).
 * Kept apart from journey alerts so a broken prober is visible but never pages as "users cannot chat".
 */
export const ProberHealthState = z
  .object({
    version: z.literal(1),
    phase: Phase,
    announced: Phase,
    /** Consecutive prober errors per journey; a judged run of that journey clears its entry. */
    streaks: z.record(z.string(), z.number().int().min(1)),
    since: z.iso.datetime().optional(),
    journey: z.string().optional(),
    lastNotifiedAt: z.iso.datetime().optional(),
    last: LastResult.optional(),
  })
  .strict();
export type ProberHealthState = z.infer<typeof ProberHealthState>;

export function initialProberHealthState(): ProberHealthState {
  return { version: 1, phase: 'ok', announced: 'ok', streaks: {} };
}

/** Pure: fires (severity warning) while any journey has `proberErrorThreshold` prober errors in a row. `aborted` runs count for nothing. */
export function evaluateProberHealth(
  previous: ProberHealthState | undefined,
  run: JourneyRun,
  now: Date,
  config: PolicyConfig,
): PolicyOutcome<ProberHealthState> {
  const s: ProberHealthState = structuredClone(previous ?? initialProberHealthState());
  const r = run.result;
  const name = r.journey;
  if (r.status === 'error' && r.failure?.category !== 'aborted') {
    s.streaks[name] = (s.streaks[name] ?? 0) + 1;
    if (s.journey === undefined || s.journey === name) {
      s.last = { runId: run.runId, status: r.status, startedAt: r.startedAt, verdict: r.verdict, ...(r.failure === undefined ? {} : { failure: r.failure }) };
    }
  } else if (r.status !== 'error') {
    delete s.streaks[name];
  }
  const erroring = Object.entries(s.streaks).find(([, n]) => n >= config.proberErrorThreshold)?.[0];
  if (erroring !== undefined && s.phase === 'ok') {
    s.phase = 'warning';
    s.since = now.toISOString();
    s.journey = erroring;
  } else if (erroring === undefined && s.phase !== 'ok') {
    s.phase = 'ok';
  }
  const last = s.last;
  const said = last === undefined ? undefined : nextAnnouncement(s, now, config);
  const out: AlertEvent[] = [];
  if (said !== undefined && last !== undefined) {
    const journey = s.journey ?? name;
    const verdict =
      said.state === 'resolved'
        ? `The prober can judge ${run.environment} again`
        : `The prober cannot judge ${run.environment}: ${journey} ended in a prober error ${s.streaks[journey] ?? config.proberErrorThreshold} times in a row (${last.verdict})`;
    out.push({
      id: proberAlertKey(run.environment),
      environment: run.environment,
      journey,
      verdict,
      ...(last.failure === undefined ? {} : { failure: last.failure }),
      since: s.since ?? now.toISOString(),
      lastResult: last,
      ...(said.state === 'resolved'
        ? { state: 'resolved' as const, severity: said.severity, endedAt: now.toISOString() }
        : { state: 'firing' as const, severity: said.severity, ...(said.reminder ? { reminder: true as const } : {}) }),
    });
  }
  if (s.phase === 'ok' && s.announced === 'ok') {
    delete s.since;
    delete s.journey;
    delete s.last;
  }
  return { state: s, notifications: out };
}
