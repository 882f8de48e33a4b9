import type { RunResult } from '../journey/result-schema.js';
import type { Logger } from '../log.js';
import type { RunStore, StoreBatch } from '../store/run-store.js';
import type { AlertsConfig } from '../config/alerts-config.js';
import { type AlertBatch, type Loaded, loadState, newBatch, saveOutcome } from './alert-batch.js';
import { readState, type StateFormat } from './alert-state-format.js';
import { inMaintenance } from './maintenance.js';
import { journeyAlertKey, proberAlertKey, type AlertEvent } from './notification.js';
import { quorumStatus, staleAfter, type LocationsSummary } from './policy-locations.js';
import {
  evaluateJourney,
  JOURNEY_STATE_FORMAT,
  retireJourney,
  type JourneyRun,
  type PolicyConfig,
  type PolicyOutcome,
} from './policy.js';
import {
  evaluateProberHealth,
  evaluateStoreHealth,
  forgetJourney,
  PROBER_STATE_FORMAT,
  type StoreFault,
} from './prober-health.js';
import { runConditions } from './run-conditions.js';

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
  /** The store's fault right now, if any (a ResilientStore's health); it is a condition of the `prober:<env>` alert. */
  storeFault?: () => StoreFault | undefined;
  /**
   * Writes one batch; a ResilientStore passes `commitOrHold`, so a failing store holds the batch in memory (and the
   * deliverer sends from there) instead of failing the alerting. Defaults to `store.commit`.
   */
  commit?: (batch: StoreBatch) => Promise<unknown>;
  /** Why a journey is quarantined (it blocked the event loop), if it is: a condition of `prober:<env>` until it runs again. */
  quarantined?: (journey: string) => string | undefined;
  /** A journey's schedule interval (the daemon knows it): a location quorum's default freshness bound is three. */
  intervalMs?: (journey: string) => number | undefined;
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

  /** Returns the notifications the result caused (already in the outbox, or held with it, when this resolves). */
  process(result: RunResult, options: { record?: boolean } = {}): Promise<AlertEvent[]> {
    return this.serial(() => this.apply(result, options.record === true));
  }

  /**
   * Stores the run and the alert states and notifications it caused in ONE transaction: a crash (kill -9) can never
   * keep the run and lose its streak step, or the reverse.
   */
  record(result: RunResult): Promise<AlertEvent[]> {
    return this.process(result, { record: true });
  }

  /** The store's health changed: only the `prober:<environment>` alert is re-evaluated (no run is counted). */
  storeHealthChanged(environment: string): Promise<AlertEvent[]> {
    return this.serial(async () => {
      const now = this.clock();
      const batch = newBatch();
      const pKey = proberAlertKey(environment);
      const read = await this.load(pKey, PROBER_STATE_FORMAT, batch);
      const config = this.policy(pKey, now);
      const out = this.save(
        batch,
        pKey,
        evaluateStoreHealth(read.state, environment, this.options.storeFault?.(), now, config),
        now,
        config,
      );
      await this.commit(batch);
      return out;
    });
  }

  /** Resolves once every call made so far has finished (a CLI run waits for it before delivering). */
  async idle(): Promise<void> {
    for (let seen: Promise<unknown> | undefined; seen !== this.chain; ) {
      seen = this.chain;
      await seen;
    }
  }

  /**
   * Resolves the open alerts of journeys that are no longer probed (disabled, or gone from the probes): no run
   * will ever resolve them. Called once at startup, with the config in force.
   */
  retire(environment: string, probed: ProbedJourneys): Promise<AlertEvent[]> {
    return this.serial(() => this.retireAll(environment, probed));
  }

  /**
   * Location quorum: where the journey's alert stands now (the status page shows it), read from the shared state
   * without changing it. Undefined without a quorum, or before any location was judged.
   */
  async locations(environment: string, journey: string): Promise<(LocationsSummary & { firing: boolean }) | undefined> {
    const quorum = this.options.alerts.policy.locations;
    if (quorum === undefined) return undefined;
    const read = readState(
      JOURNEY_STATE_FORMAT,
      (await this.options.store.getAlertState(journeyAlertKey(environment, journey)))?.raw,
    );
    if (read.kind !== 'current' && read.kind !== 'migrated') return undefined;
    const {
      met: _met,
      since: _since,
      ...summary
    } = quorumStatus(
      read.state.locations ?? {},
      quorum,
      staleAfter(quorum, this.options.intervalMs?.(journey)),
      this.clock(),
    );
    return { firing: read.state.announced === 'critical', ...summary };
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    // In-process calls are chained; replicas sharing a store also take its lock (read → evaluate → write atomically).
    const lock = this.options.store.exclusive?.bind(this.options.store);
    const next = this.chain.then(lock === undefined ? work : () => lock('alert-pipeline', work));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private policy(journey: string, now: Date): PolicyConfig {
    const { alerts } = this.options;
    return {
      ...alerts.policy,
      muted: inMaintenance(alerts.maintenance, journey, now),
      keepAliveMs: this.keepAliveMs,
      intervalMs: this.options.intervalMs?.(journey),
    };
  }

  private async apply(result: RunResult, record: boolean): Promise<AlertEvent[]> {
    const now = this.clock();
    const out: AlertEvent[] = [];
    const batch = newBatch();
    for (const journey of result.journeys) {
      const run: JourneyRun = {
        runId: result.runId,
        environment: result.environment,
        location: result.location,
        result: journey,
      };
      const config = this.policy(journey.journey, now);
      const jKey = journeyAlertKey(result.environment, journey.journey);
      const jRead = await this.load(jKey, JOURNEY_STATE_FORMAT, batch);
      const jOut = evaluateJourney(jRead.state, run, now, config);
      out.push(...this.save(batch, jKey, jOut, now, config));

      const pKey = proberAlertKey(result.environment);
      const pRead = await this.load(pKey, PROBER_STATE_FORMAT, batch);
      const conditions = runConditions({
        journey: journey.journey,
        journeyStateQuarantined: jRead.quarantined,
        proberStateQuarantined: pRead.quarantined,
        fresh: jOut.state,
        successThreshold: config.successThreshold,
        storeFault: this.options.storeFault,
        blocked: this.options.quarantined?.(journey.journey),
      });
      out.push(...this.save(batch, pKey, evaluateProberHealth(pRead.state, run, now, config, conditions), now, config));
    }
    await this.commit(batch, record ? [result] : []);
    return out;
  }

  private async commit(batch: AlertBatch, runs: readonly RunResult[] = []): Promise<void> {
    const write: StoreBatch = { runs, alertStates: [...batch.states.values()], outbox: batch.outbox };
    await (this.options.commit ?? ((b: StoreBatch) => this.options.store.commit(b)))(write);
    if (batch.outbox.length > 0) this.options.onEnqueued?.();
  }

  private async retireAll(environment: string, probed: ProbedJourneys): Promise<AlertEvent[]> {
    const { store, log } = this.options;
    const now = this.clock();
    const prefix = `${environment}:`;
    const pKey = proberAlertKey(environment);
    const out: AlertEvent[] = [];
    const batch = newBatch();
    for (const key of await store.listAlertStateKeys(prefix)) {
      const journey = key.slice(prefix.length);
      if (key === pKey || (probed.known.includes(journey) && !probed.disabled.has(journey))) continue;
      const why = probed.disabled.has(journey) ? 'disabled in the config' : 'no longer among the probes';
      const config = this.policy(journey, now);
      const read = await this.load(key, JOURNEY_STATE_FORMAT, batch);
      if (read.state !== undefined) {
        const outcome = retireJourney(read.state, environment, journey, why, now, config);
        if (outcome.notifications.length > 0)
          log.warn({ alert: key, journey, why }, `alert/retired: ${journey} is ${why}; its open alert is resolved`);
        out.push(...this.save(batch, key, outcome, now, config));
      }
      const health = await this.load(pKey, PROBER_STATE_FORMAT, batch);
      if (health.state !== undefined)
        out.push(
          ...this.save(batch, pKey, forgetJourney(health.state, environment, journey, now, config), now, config),
        );
    }
    await this.commit(batch);
    return out;
  }

  private load<S>(key: string, format: StateFormat<S>, batch: AlertBatch): Promise<Loaded<S>> {
    return loadState(this.options.store, this.options.log, key, format, batch);
  }

  private save<S>(
    batch: AlertBatch,
    key: string,
    outcome: PolicyOutcome<S>,
    now: Date,
    config: PolicyConfig,
  ): AlertEvent[] {
    const { channels, keepAlive, log } = this.options;
    const keepAliveChannels = new Set(keepAlive?.keys() ?? []);
    return saveOutcome(batch, key, outcome, { now, muted: config.muted, channels, keepAliveChannels, log });
  }
}

/** The journeys a config still probes: every journey file's name, minus those with `enabled: false`. */
export function probedJourneys(
  known: readonly string[],
  settings: Readonly<Record<string, { enabled: boolean }>>,
): ProbedJourneys {
  return { known, disabled: new Set(Object.entries(settings).flatMap(([name, s]) => (s.enabled ? [] : [name]))) };
}
