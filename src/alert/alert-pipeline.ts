import type { RunResult } from '../journey/result-schema.js';
import type { Logger } from '../log.js';
import type { JsonValue, RunStore } from '../store/run-store.js';
import type { AlertsConfig } from './alert-config.js';
import { readState, type StateFormat } from './alert-state-format.js';
import { inMaintenance } from './maintenance.js';
import { journeyAlertKey, proberAlertKey, type AlertEvent } from './notification.js';
import { outboxEntries } from './outbox.js';
import { evaluateJourney, JOURNEY_STATE_FORMAT, retireJourney, type JourneyAlertState, type JourneyRun, type PolicyConfig, type PolicyOutcome } from './policy.js';
import { evaluateProberHealth, forgetJourney, PROBER_STATE_FORMAT, type ConditionChanges } from './prober-health.js';

export interface AlertPipelineOptions {
  store: RunStore;
  alerts: AlertsConfig;
  /** Names of the configured channels; every notification is queued once per channel. */
  channels: readonly string[];
  /** Channels whose alerts expire unless re-sent (Alertmanager), with how often an open alert must reach them. */
  keepAlive?: ReadonlyMap<string, number>;
  log: Logger;
  clock?: () => Date;
  /** Called after notifications were queued (the daemon wakes its deliverer). */
  onEnqueued?: () => void;
}

/** Which journeys are still probed: the names the config knows and those it disables. */
export interface ProbedJourneys {
  known: readonly string[];
  disabled: ReadonlySet<string>;
}

/**
 * Result → alert state → outbox, for `prober schedule` and `prober run --store` alike: load the state (upgrading an
 * older format, quarantining an unreadable one), apply the pure policy, store the new state together with the
 * notifications it caused. Calls are serialised, so two journeys finishing at once cannot interleave their
 * read-modify-write of the shared `prober:<env>` state.
 */
export class AlertPipeline {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;
  private readonly keepAliveMs: number;

  constructor(private readonly options: AlertPipelineOptions) {
    this.clock = options.clock ?? (() => new Date());
    const intervals = [...(options.keepAlive ?? new Map<string, number>()).values()];
    this.keepAliveMs = intervals.length === 0 ? 0 : Math.min(...intervals);
  }

  /** Returns the notifications the result caused (already in the outbox when this resolves). */
  process(result: RunResult): Promise<AlertEvent[]> {
    return this.serial(() => this.apply(result));
  }

  /**
   * Resolves the open alerts of journeys that are no longer probed (disabled, or gone from the probes): no run
   * will ever resolve them. Called once at startup, with the config in force.
   */
  retire(environment: string, probed: ProbedJourneys): Promise<AlertEvent[]> {
    return this.serial(() => this.retireAll(environment, probed));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private policy(journey: string, now: Date): PolicyConfig {
    const { alerts } = this.options;
    return { ...alerts.policy, muted: inMaintenance(alerts.maintenance, journey, now), keepAliveMs: this.keepAliveMs };
  }

  private async apply(result: RunResult): Promise<AlertEvent[]> {
    const now = this.clock();
    const out: AlertEvent[] = [];
    for (const journey of result.journeys) {
      const run: JourneyRun = { runId: result.runId, environment: result.environment, location: result.location, result: journey };
      const config = this.policy(journey.journey, now);
      const jKey = journeyAlertKey(result.environment, journey.journey);
      const jRead = await this.load(jKey, JOURNEY_STATE_FORMAT);
      const jOut = evaluateJourney(jRead.state, run, now, config);
      out.push(...(await this.save(jKey, jOut, now, config)));

      const pKey = proberAlertKey(result.environment);
      const pRead = await this.load(pKey, PROBER_STATE_FORMAT);
      out.push(...(await this.save(pKey, evaluateProberHealth(pRead.state, run, now, config, this.conditions(journey.journey, jRead, pRead, jOut.state, config)), now, config)));
    }
    if (out.length > 0 && this.options.channels.length > 0) this.options.onEnqueued?.();
    return out;
  }

  /**
   * A quarantined state opens a condition on `prober:<env>`; it closes once the journey's fresh state knows again
   * whether the journey fails (it fired anew, or passed `successThreshold` times), so the incident is not lost twice.
   */
  private conditions(journey: string, jRead: Loaded<unknown>, pRead: Loaded<unknown>, fresh: JourneyAlertState, config: PolicyConfig): ConditionChanges {
    const ids = { journey: `journey-state:${journey}`, prober: `prober-state:${journey}` };
    const raise: Record<string, string> = {};
    if (jRead.quarantined !== undefined) raise[ids.journey] = `the alert state of ${journey} was unreadable (${jRead.quarantined}) and was quarantined; an open incident may have been lost until it fires again`;
    if (pRead.quarantined !== undefined) raise[ids.prober] = `the prober's own alert state was unreadable (${pRead.quarantined}) and was quarantined`;
    const known = fresh.phase !== 'ok' || fresh.okStreak >= config.successThreshold;
    return { raise, clear: known ? [ids.journey, ids.prober] : [] };
  }

  private async retireAll(environment: string, probed: ProbedJourneys): Promise<AlertEvent[]> {
    const { store, log } = this.options;
    const now = this.clock();
    const prefix = `${environment}:`;
    const pKey = proberAlertKey(environment);
    const out: AlertEvent[] = [];
    for (const key of await store.listAlertStateKeys(prefix)) {
      const journey = key.slice(prefix.length);
      if (key === pKey || (probed.known.includes(journey) && !probed.disabled.has(journey))) continue;
      const why = probed.disabled.has(journey) ? 'disabled in the config' : 'no longer among the probes';
      const config = this.policy(journey, now);
      const read = await this.load(key, JOURNEY_STATE_FORMAT);
      if (read.state !== undefined) {
        const outcome = retireJourney(read.state, environment, journey, why, now, config);
        if (outcome.notifications.length > 0) log.warn({ alert: key, journey, why }, `alert/retired: ${journey} is ${why}; its open alert is resolved`);
        out.push(...(await this.save(key, outcome, now, config)));
      }
      const health = await this.load(pKey, PROBER_STATE_FORMAT);
      if (health.state !== undefined) out.push(...(await this.save(pKey, forgetJourney(health.state, environment, journey, now, config), now, config)));
    }
    if (out.length > 0 && this.options.channels.length > 0) this.options.onEnqueued?.();
    return out;
  }

  private async load<S>(key: string, format: StateFormat<S>): Promise<Loaded<S>> {
    const { store, log } = this.options;
    const stored = await store.getAlertState(key);
    const read = readState(format, stored?.raw);
    switch (read.kind) {
      case 'absent':
        return {};
      case 'current':
        return { state: read.state };
      case 'migrated':
        log.info({ alert: key, from: read.from, to: format.version }, `alert/state-migrated: ${format.name} upgraded from format ${read.from} to ${format.version}`);
        return { state: read.state };
      case 'unreadable':
        // Never dropped in silence: the text is kept aside, the error is logged, and prober:<env> fires.
        await store.quarantineAlertState(key, read.reason);
        log.error(
          { alert: key, reason: read.reason },
          `alert/state-quarantined: the ${format.name} of ${key} could not be read (${read.reason}); it was kept in the store's alert_state_quarantine table and this alert starts afresh`,
        );
        return { quarantined: read.reason };
    }
  }

  private async save<S>(key: string, outcome: PolicyOutcome<S>, now: Date, config: PolicyConfig): Promise<AlertEvent[]> {
    const { store, log } = this.options;
    const entries = outboxEntries(outcome.notifications, this.options.channels, now.getTime(), undefined, new Set(this.options.keepAlive?.keys() ?? []));
    await store.putAlertState(key, outcome.state as JsonValue, entries);
    for (const n of outcome.notifications) {
      const fields = { alert: n.id, state: n.state, severity: n.severity, reminder: n.reminder, journey: n.journey, step: n.failure?.step, category: n.failure?.category, muted: config.muted };
      if (n.keepAlive === true) log.debug(fields, 'alert/keep-alive');
      else log.warn(fields, `alert/${n.state}`);
    }
    return outcome.notifications;
  }
}

interface Loaded<S> {
  state?: S;
  /** Why the stored state was quarantined. */
  quarantined?: string;
}

/** The journeys a config still probes: every journey file's name, minus those with `enabled: false`. */
export function probedJourneys(known: readonly string[], settings: Readonly<Record<string, { enabled: boolean }>>): ProbedJourneys {
  return { known, disabled: new Set(Object.entries(settings).flatMap(([name, s]) => (s.enabled ? [] : [name]))) };
}
