import { isDeepStrictEqual } from 'node:util';
import type { RunResult } from '../journey/result-schema.js';
import type { Logger } from '../log.js';
import type { AlertLockScope, AlertStateRecord, StateStore } from '../store/state-store.js';
import { type AlertBatch, type AlertReader, loadState, newBatch } from './alert-batch.js';
import type { StateFormat } from './alert-state-format.js';
import { journeyAlertKey, proberAlertKey, type AlertEvent } from './notification.js';
import {
  evaluateJourney,
  JOURNEY_STATE_FORMAT,
  type JourneyAlertState,
  type JourneyRun,
  type PolicyConfig,
  type PolicyOutcome,
} from './policy.js';
import { evaluateProberHealth, PROBER_STATE_FORMAT, type StoreFault } from './prober-health.js';
import { runConditions } from './run-conditions.js';

// One run's alert evaluation, in two parts: its journeys' own alerts, then the `prober:<env>` alert they feed.
// Split so that a fleet store can lock the journeys' keys for the whole evaluation and the shared prober key only
// when the run actually changes it (most runs do not), which keeps the fleet from queueing on one key.

/** What evaluating needs from the alert recorder: where states come from, policy, and how outcomes are saved. */
export interface EvaluationContext {
  reader: AlertReader;
  log: Logger;
  now: Date;
  policy: (journey: string, now: Date) => PolicyConfig;
  save: <S>(
    batch: AlertBatch,
    key: string,
    outcome: PolicyOutcome<S>,
    config: PolicyConfig,
    log?: Logger,
  ) => AlertEvent[];
  storeFault?: (() => StoreFault | undefined) | undefined;
  quarantined?: ((journey: string) => string | undefined) | undefined;
}

/** What the prober alert takes from one journey's evaluation. */
export interface ProberInput {
  run: JourneyRun;
  config: PolicyConfig;
  journeyQuarantined: string | undefined;
  fresh: JourneyAlertState;
}

export function load<S>(ctx: EvaluationContext, key: string, format: StateFormat<S>, batch: AlertBatch) {
  return loadState(ctx.reader, ctx.log, key, format, batch);
}

/** Each journey's alert: evaluated and saved into `batch`; returns its notifications and the prober alert's inputs. */
export async function evaluateJourneys(
  result: RunResult,
  ctx: EvaluationContext,
  batch: AlertBatch,
): Promise<{ events: AlertEvent[]; prober: ProberInput[] }> {
  const events: AlertEvent[] = [];
  const prober: ProberInput[] = [];
  for (const journey of result.journeys) {
    const run: JourneyRun = {
      runId: result.runId,
      environment: result.environment,
      location: result.location,
      result: journey,
    };
    const config = ctx.policy(journey.journey, ctx.now);
    const key = journeyAlertKey(result.environment, journey.journey);
    const read = await load(ctx, key, JOURNEY_STATE_FORMAT, batch);
    const outcome = evaluateJourney(read.state, run, ctx.now, config);
    events.push(...ctx.save(batch, key, outcome, config));
    prober.push({ run, config, journeyQuarantined: read.quarantined, fresh: outcome.state });
  }
  return { events, prober };
}

/** The prober alert, fed by each journey's run in turn, saved into `batch` (pass a silent `log` for a trial). */
export async function evaluateProber(
  environment: string,
  inputs: readonly ProberInput[],
  ctx: EvaluationContext,
  batch: AlertBatch,
  log?: Logger,
): Promise<AlertEvent[]> {
  const key = proberAlertKey(environment);
  const events: AlertEvent[] = [];
  for (const input of inputs) {
    const read = await load(ctx, key, PROBER_STATE_FORMAT, batch);
    const conditions = runConditions({
      journey: input.run.result.journey,
      journeyStateQuarantined: input.journeyQuarantined,
      proberStateQuarantined: read.quarantined,
      fresh: input.fresh,
      successThreshold: input.config.successThreshold,
      storeFault: ctx.storeFault,
      blocked: ctx.quarantined?.(input.run.result.journey),
    });
    const outcome = evaluateProberHealth(read.state, input.run, ctx.now, input.config, conditions);
    events.push(...ctx.save(batch, key, outcome, input.config, log));
  }
  return events;
}

/** A reader over states read inside a lock scope; quarantining goes to the store itself (it is kept aside, not locked). */
export function scopedReader(states: ReadonlyMap<string, AlertStateRecord>, store: StateStore): AlertReader {
  return {
    getAlertState: async (key) => states.get(key),
    quarantineAlertState: (key, reason) => store.quarantineAlertState(key, reason),
  };
}

/**
 * Under a fleet lock on the run's journey keys: the prober alert is evaluated on its state as read (unlocked) first;
 * only if that changes the state or notifies is its key locked too (without waiting), read again and evaluated for
 * real. Returns the prober's notifications, or undefined when its key is held elsewhere (left for a later run).
 */
export async function evaluateProberLocked(
  environment: string,
  inputs: readonly ProberInput[],
  ctx: EvaluationContext,
  batch: AlertBatch,
  scope: AlertLockScope,
  store: StateStore,
): Promise<AlertEvent[] | undefined> {
  const key = proberAlertKey(environment);
  const trial = newBatch();
  const silent = ctx.log.child({}, { level: 'silent' });
  const trialCtx = { ...ctx, log: silent };
  const before = await load(trialCtx, key, PROBER_STATE_FORMAT, newBatch());
  const notified = await evaluateProber(environment, inputs, trialCtx, trial, silent);
  if (notified.length === 0 && isDeepStrictEqual(before.state, trial.states.get(key)?.state)) return [];
  if (!(await scope.tryLock(key))) return undefined;
  const fresh = scopedReader(await scope.read([key]), store);
  return evaluateProber(environment, inputs, { ...ctx, reader: fresh }, batch);
}
