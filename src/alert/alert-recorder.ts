import type { RunResult } from '../journey/result-schema.js';
import type { Logger } from '../log.js';
import type { AlertLockScope, StateStore, StoreBatch } from '../store/state-store.js';
import type { AlertsConfig } from '../config/alerts-config.js';
import { type AlertBatch, type AlertReader, type Loaded, loadState, newBatch, saveOutcome } from './alert-batch.js';
import { readState, type StateFormat } from './alert-state-format.js';
import { EvaluationGroups } from './evaluation-groups.js';
import { inMaintenance } from './maintenance.js';
import { journeyAlertKey, proberAlertKey, type AlertEvent } from './notification.js';
import { quorumStatus, staleAfter, type LocationsSummary } from './policy-locations.js';
import { JOURNEY_STATE_FORMAT, retireJourney, type PolicyConfig, type PolicyOutcome } from './policy.js';
import { evaluateStoreHealth, forgetJourney, PROBER_STATE_FORMAT, type StoreFault } from './prober-health.js';
import {
  type EvaluationContext,
  evaluateJourneys,
  evaluateProber,
  evaluateProberLocked,
  scopedReader,
} from './run-evaluation.js';

export interface AlertRecorderOptions {
  store: StateStore;
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
  /** Fleet: an evaluation left for a later run because another replica held its alert key (a metric counts them). */
  onDeferred?: (alertKey: string) => void;
}

/** Which journeys are still probed: the names the config knows and those it disables. */
export interface ProbedJourneys {
  known: readonly string[];
  disabled: ReadonlySet<string>;
}

/**
 * Result → alert state → outbox, for `prober schedule` and `prober run --store` alike: load the state (upgrading an
 * older format, quarantining an unreadable one), apply the pure policy, store the new state with the notifications
 * it caused. A store of one process has one lane (runs in groups: evaluation-groups.ts), so no two evaluations
 * interleave their read-modify-write of `prober:<env>`; a fleet store (`withAlertLocks`) has a lane per journey key,
 * guarded across replicas by its per-key lock, and one whose key another replica holds is deferred to the next run.
 */
export class AlertRecorder {
  private readonly lanes = new Map<string, Promise<unknown>>();
  private readonly groups = new EvaluationGroups({
    store: () => this.options.store,
    context: (reader) => this.context(reader, this.clock()),
    commit: (batch, runs) => this.commit(batch, runs),
    serial: (work) => this.serial('', work),
  });
  private readonly clock: () => Date;
  private readonly keepAliveMs: number;
  constructor(private readonly options: AlertRecorderOptions) {
    this.clock = options.clock ?? (() => new Date());
    const intervals = [...(options.keepAlive ?? new Map<string, number>()).values()];
    this.keepAliveMs = intervals.length === 0 ? 0 : Math.min(...intervals);
  }

  /** Returns the notifications the result caused (already in the outbox, or held with it, when this resolves). */
  process(result: RunResult, options: { record?: boolean } = {}): Promise<AlertEvent[]> {
    if (this.options.store.withAlertLocks === undefined) return this.groups.add(result, options.record === true);
    const lane = result.journeys.map((j) => journeyAlertKey(result.environment, j.journey)).join('\u0000');
    return this.serial(lane, () => this.apply(result, options.record === true));
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
    const pKey = proberAlertKey(environment);
    return this.serial(pKey, () =>
      this.locked([pKey], [], async (reader, batch) => {
        const now = this.clock();
        const read = await this.load(pKey, PROBER_STATE_FORMAT, batch, reader);
        const config = this.policy(pKey, now);
        const outcome = evaluateStoreHealth(read.state, environment, this.options.storeFault?.(), now, config);
        return this.save(batch, pKey, outcome, now, config);
      }),
    );
  }

  /** Resolves once every call made so far has finished (a CLI run waits for it before delivering). */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all(this.lanes.values());
  }

  /**
   * Resolves the open alerts of journeys that are no longer probed (disabled, or gone from the probes): no run
   * will ever resolve them. Called once at startup, with the config in force.
   */
  retire(environment: string, probed: ProbedJourneys): Promise<AlertEvent[]> {
    return this.serial(proberAlertKey(environment), () => this.retireAll(environment, probed));
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

  private serial<T>(lane: string, work: () => Promise<T>): Promise<T> {
    // One process alone on its store: a single lane. A fleet store's per-key locks guard across replicas anyway.
    const key = this.options.store.withAlertLocks === undefined ? '' : lane;
    const next = (this.lanes.get(key) ?? Promise.resolve()).then(work);
    const tail = next.catch(() => undefined);
    this.lanes.set(key, tail);
    void tail.then(() => this.lanes.get(key) === tail && this.lanes.delete(key));
    return next;
  }

  /**
   * `evaluate` under the fleet locks of `keys` when the store has them (the batch is written in the lock's
   * transaction), or against the store directly. Not locked: the runs are recorded alone, nothing is evaluated.
   */
  private async locked(
    keys: readonly string[],
    runs: readonly RunResult[],
    evaluate: (reader: AlertReader, batch: AlertBatch, scope?: AlertLockScope) => Promise<AlertEvent[]>,
    alsoRead: readonly string[] = [],
  ): Promise<AlertEvent[]> {
    const { store } = this.options;
    const locks = store.withAlertLocks?.bind(store);
    if (locks === undefined) {
      const batch = newBatch();
      const out = await evaluate(store, batch);
      await this.commit(batch, runs);
      return out;
    }
    let queued = 0;
    const done = await locks(keys, async (scope) => {
      const batch = newBatch();
      const out = await evaluate(scopedReader(await scope.read([...keys, ...alsoRead]), store), batch, scope);
      scope.write({ runs, alertStates: [...batch.states.values()], outbox: batch.outbox });
      queued = batch.outbox.length;
      return out;
    });
    if (done.locked) {
      if (queued > 0) this.options.onEnqueued?.();
      return done.value;
    }
    for (const key of keys) this.deferred(key);
    if (runs.length > 0) await this.commit(newBatch(), runs);
    return [];
  }

  private deferred(key: string): void {
    this.options.onDeferred?.(key);
    this.options.log.info(
      { alert: key },
      'alert/deferred: another replica holds this alert key; it is evaluated again on the next run',
    );
  }

  private context(reader: AlertReader, now: Date): EvaluationContext {
    return {
      reader,
      log: this.options.log,
      now,
      policy: (journey, at) => this.policy(journey, at),
      save: (batch, key, outcome, config, log) => this.save(batch, key, outcome, now, config, log),
      storeFault: this.options.storeFault,
      quarantined: this.options.quarantined,
    };
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
    const env = result.environment;
    const keys = [...new Set(result.journeys.map((j) => journeyAlertKey(env, j.journey)))];
    return this.locked(
      keys,
      record ? [result] : [],
      async (reader, batch, scope) => {
        const ctx = this.context(reader, now);
        const { events, prober } = await evaluateJourneys(result, ctx, batch);
        if (scope === undefined) return [...events, ...(await evaluateProber(env, prober, ctx, batch))];
        const proberEvents = await evaluateProberLocked(env, prober, ctx, batch, scope, this.options.store);
        if (proberEvents === undefined) this.deferred(proberAlertKey(env));
        return [...events, ...(proberEvents ?? [])];
      },
      [proberAlertKey(env)],
    );
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
    const retired = (await store.listAlertStateKeys(prefix)).filter((key) => {
      const journey = key.slice(prefix.length);
      return key !== pKey && !(probed.known.includes(journey) && !probed.disabled.has(journey));
    });
    if (retired.length === 0) return [];
    return this.locked([...retired, pKey], [], async (reader, batch) => {
      const out: AlertEvent[] = [];
      for (const key of retired) {
        const journey = key.slice(prefix.length);
        const why = probed.disabled.has(journey) ? 'disabled in the config' : 'no longer among the probes';
        const config = this.policy(journey, now);
        const read = await this.load(key, JOURNEY_STATE_FORMAT, batch, reader);
        if (read.state !== undefined) {
          const outcome = retireJourney(read.state, environment, journey, why, now, config);
          if (outcome.notifications.length > 0)
            log.warn({ alert: key, journey, why }, `alert/retired: ${journey} is ${why}; its open alert is resolved`);
          out.push(...this.save(batch, key, outcome, now, config));
        }
        const health = await this.load(pKey, PROBER_STATE_FORMAT, batch, reader);
        if (health.state !== undefined)
          out.push(
            ...this.save(batch, pKey, forgetJourney(health.state, environment, journey, now, config), now, config),
          );
      }
      return out;
    });
  }

  private load<S>(key: string, format: StateFormat<S>, batch: AlertBatch, reader: AlertReader): Promise<Loaded<S>> {
    return loadState(reader, this.options.log, key, format, batch);
  }

  private save<S>(
    batch: AlertBatch,
    key: string,
    outcome: PolicyOutcome<S>,
    now: Date,
    config: PolicyConfig,
    log: Logger = this.options.log,
  ): AlertEvent[] {
    const { channels, keepAlive } = this.options;
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
