import type { JourneyAlertState } from './policy.js';
import { type ConditionChanges, loopCondition, type StoreFault, storeCondition } from './prober-health.js';

/** What one journey's run says about the prober itself, besides its verdict (AlertRecorder gathers it). */
export interface RunConditionInput {
  journey: string;
  /** Why the journey's stored alert state was quarantined, if it was just now. */
  journeyStateQuarantined: string | undefined;
  /** Why the prober's own stored alert state was quarantined, if it was just now. */
  proberStateQuarantined: string | undefined;
  /** The journey's alert state after this run. */
  fresh: JourneyAlertState;
  successThreshold: number;
  /** The store's fault right now; absent when nobody tracks store health (a plain store). */
  storeFault?: (() => StoreFault | undefined) | undefined;
  /** Why the journey is quarantined for blocking the event loop, if it is. */
  blocked: string | undefined;
}

/**
 * The `prober:<env>` conditions one run raises and clears. A quarantined state opens a condition; it closes once the
 * journey's fresh state knows again whether the journey fails (it fired anew, or passed `successThreshold` times), so
 * the incident is not lost twice. A run of a journey that is not quarantined (any more) closes its loop condition.
 */
export function runConditions(input: RunConditionInput): ConditionChanges {
  const { journey, fresh, blocked } = input;
  const ids = { journey: `journey-state:${journey}`, prober: `prober-state:${journey}` };
  const raise: Record<string, string> = {};
  if (input.journeyStateQuarantined !== undefined) {
    raise[ids.journey] =
      `the alert state of ${journey} was unreadable (${input.journeyStateQuarantined}) and was quarantined; an open incident may have been lost until it fires again`;
  }
  if (input.proberStateQuarantined !== undefined) {
    raise[ids.prober] =
      `the prober's own alert state was unreadable (${input.proberStateQuarantined}) and was quarantined`;
  }
  const known = fresh.phase !== 'ok' || fresh.okStreak >= input.successThreshold;
  const store = input.storeFault === undefined ? {} : storeCondition(input.storeFault());
  if (blocked !== undefined) raise[loopCondition(journey)] = blocked;
  return {
    raise: { ...raise, ...store.raise },
    clear: [
      ...(known ? [ids.journey, ids.prober] : []),
      ...(store.clear ?? []),
      ...(blocked === undefined ? [loopCondition(journey)] : []),
    ],
  };
}
