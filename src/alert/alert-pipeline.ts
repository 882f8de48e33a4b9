import type { z } from 'zod';
import type { RunResult } from '../journey/result-schema.js';
import type { Logger } from '../log.js';
import type { JsonValue, RunStore } from '../store/run-store.js';
import type { AlertsConfig } from './alert-config.js';
import { inMaintenance } from './maintenance.js';
import { journeyAlertKey, proberAlertKey, type AlertEvent } from './notification.js';
import { outboxEntries } from './outbox.js';
import { evaluateJourney, JourneyAlertState, type JourneyRun, type PolicyConfig, type PolicyOutcome } from './policy.js';
import { evaluateProberHealth, ProberHealthState } from './prober-health.js';

export interface AlertPipelineOptions {
  store: RunStore;
  alerts: AlertsConfig;
  /** Names of the configured channels; every notification is queued once per channel. */
  channels: readonly string[];
  log: Logger;
  clock?: () => Date;
  /** Called after notifications were queued (the daemon wakes its deliverer). */
  onEnqueued?: () => void;
}

type Evaluate<S> = (state: S | undefined, run: JourneyRun, now: Date, config: PolicyConfig) => PolicyOutcome<S>;

/**
 * Result → alert state → outbox, for `prober schedule` and `prober run --store` alike: load the state, apply the
 * pure policy, store the new state together with the notifications it caused. Calls are serialised, so two
 * journeys finishing at once cannot interleave their read-modify-write of the shared `prober:<env>` state.
 */
export class AlertPipeline {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;

  constructor(private readonly options: AlertPipelineOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Returns the notifications the result caused (already in the outbox when this resolves). */
  process(result: RunResult): Promise<AlertEvent[]> {
    const next = this.chain.then(() => this.apply(result));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async apply(result: RunResult): Promise<AlertEvent[]> {
    const { alerts } = this.options;
    const now = this.clock();
    const out: AlertEvent[] = [];
    for (const journey of result.journeys) {
      const run: JourneyRun = { runId: result.runId, environment: result.environment, result: journey };
      const config: PolicyConfig = { ...alerts.policy, muted: inMaintenance(alerts.maintenance, journey.journey, now) };
      out.push(...(await this.step(journeyAlertKey(result.environment, journey.journey), JourneyAlertState, evaluateJourney, run, now, config)));
      out.push(...(await this.step(proberAlertKey(result.environment), ProberHealthState, evaluateProberHealth, run, now, config)));
    }
    if (out.length > 0 && this.options.channels.length > 0) this.options.onEnqueued?.();
    return out;
  }

  private async step<S>(key: string, schema: z.ZodType<S>, evaluate: Evaluate<S>, run: JourneyRun, now: Date, config: PolicyConfig): Promise<AlertEvent[]> {
    const { store, log } = this.options;
    const stored = await store.getAlertState(key);
    const parsed = stored === undefined ? undefined : schema.safeParse(stored.state);
    // A state from another prober version (or hand-edited) must not stop alerting: start that key afresh.
    if (parsed?.success === false) log.warn({ alert: key }, 'alert/state-unreadable: starting this alert afresh');
    const outcome = evaluate(parsed?.success === true ? parsed.data : undefined, run, now, config);
    const entries = outboxEntries(outcome.notifications, this.options.channels, now.getTime());
    await store.putAlertState(key, outcome.state as JsonValue, entries);
    for (const n of outcome.notifications) {
      log.warn(
        { alert: n.id, state: n.state, severity: n.severity, reminder: n.reminder, journey: n.journey, step: n.failure?.step, category: n.failure?.category, muted: config.muted },
        `alert/${n.state}`,
      );
    }
    return outcome.notifications;
  }
}
