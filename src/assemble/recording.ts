import { probedJourneys } from '../alert/alert-recorder.js';
import { alertMetrics } from '../alert/alert-metrics.js';
import { expectedLocations } from '../alert/location-health-metrics.js';
import { createAlerting, storeFault, type Alerting } from '../alert/alerting.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Logger } from '../log.js';
import type { Redactor } from '../redact.js';
import type { ProberMetrics } from '../report/metrics.js';
import { DeferredOpenStore } from '../store/deferred-open.js';
import {
  isStoreOpenError,
  openStore,
  SHORT_BUSY_TIMEOUT_MS,
  storeLabel,
  storeTarget,
  type StoreOpenError,
  type StoreTarget,
} from '../store/open-store.js';
import { ResilientStore } from '../store/resilient-store.js';
import type { StateStore } from '../store/state-store.js';

// Loaded only when a store is chosen: a cold `prober run` without one pays for no alert channels or store plumbing.

export interface RecordingChoices {
  /** `--store`: a path or a postgres:// URL; without it, the config's `store.url` or `store.path`. */
  flag?: string | undefined;
  /**
   * A SQLite store that cannot be opened: `skip` records nothing and says so (`prober run` still gives its
   * verdict), `retry` probes on with the store failing and keeps trying to open it (`prober schedule`).
   */
  onOpenFailure: 'skip' | 'retry';
  /** `inline`: what alerting queued is delivered before the command ends (bounded); `background`: the daemon's loop. */
  delivery: 'inline' | 'background';
  metrics?: ProberMetrics | undefined;
  /** Why a journey is quarantined (it blocked the event loop), for the `prober:` alert. */
  quarantined?: ((journey: string) => string | undefined) | undefined;
  /** A journey's schedule interval, for the location quorum's freshness bound. */
  intervalMs?: ((journey: string) => number | undefined) | undefined;
  signal?: AbortSignal | undefined;
}

/** The store (wrapped: a fault holds the write instead of losing the run) and alerting over it. */
export interface Recording {
  store: ResilientStore;
  target: StoreTarget;
  label: string;
  alerting: Alerting;
  /** Journeys disabled or removed while firing are resolved (serialised before any run's alerting). */
  retired: Promise<void>;
  /** `inline` delivery: idle alerting, prune, flush the outbox within `alerts.delivery.flushMs`. */
  deliver?: (() => Promise<void>) | undefined;
  close(): Promise<void>;
}

export type RecordingOutcome = { recording: Recording } | { notOpened: StoreOpenError };

/** How long the first open of a SQLite store waits for a lock held by another process. */
const FIRST_OPEN_BUSY_TIMEOUT_MS = 2_000;

interface Deps {
  loaded: LoadedConfig;
  log: Logger;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
}

/** Opens the chosen store and builds the recording over it: the one place that does, for every entry point. */
export async function openRecording(deps: Deps, choices: RecordingChoices): Promise<RecordingOutcome> {
  const { loaded, log, redactor } = deps;
  const { target, secrets } = storeTarget(loaded.config.store, choices.flag, deps.env);
  for (const s of secrets) redactor.add(s);
  const open = (openBusyTimeoutMs?: number) =>
    openStore(target, {
      ...(openBusyTimeoutMs === undefined ? {} : { openBusyTimeoutMs }),
      // Nothing waits on a lock synchronously at run time: ResilientStore retries asynchronously instead.
      busyTimeoutMs: SHORT_BUSY_TIMEOUT_MS,
      // The daemon's SQLite statements run on the store's own thread, off the event loop (sqlite-worker-store.ts).
      offThread: choices.delivery === 'background',
      onInvalid: (runId, problem) => log.warn({ runId, problem }, 'store/invalid-document'),
      onError: (err) => log.error({ err: err.message }, 'store/connection-error'),
    });
  let inner: StateStore;
  try {
    // The first open may wait for another process's lock, but synchronously (better-sqlite3), so well under the
    // loop watchdog's 5 s: at 5 s it read the wait as the running journey blocking the event loop (exit 2, not 4).
    inner = await open(FIRST_OPEN_BUSY_TIMEOUT_MS);
  } catch (err) {
    // A Postgres store that cannot be reached stays a setup problem: a fleet replica cannot coordinate without it.
    if (!isStoreOpenError(err) || target.kind !== 'sqlite') throw err;
    if (choices.onOpenFailure === 'skip') return { notOpened: err };
    log.error({ store: target.path, err: err.reason }, 'store/open-failed: probing goes on; the open is retried');
    // `/healthz` and the log show the reason as the first failure said it, with no error class in front.
    const plain = (e: unknown) => new Error(isStoreOpenError(e) ? e.message.replace(/^store: /, '') : String(e));
    inner = new DeferredOpenStore(
      // Retries must not freeze the daemon on a lock: a locked store is simply tried again later.
      () =>
        open(SHORT_BUSY_TIMEOUT_MS).catch((e: unknown) => {
          throw plain(e);
        }),
      plain(err),
    );
  }
  return { recording: recordOn(inner, target, deps, choices) };
}

function recordOn(inner: StateStore, target: StoreTarget, deps: Deps, choices: RecordingChoices): Recording {
  const { loaded, log, redactor } = deps;
  const { config } = loaded;
  const metrics = choices.metrics;
  const label = storeLabel(target);
  let onHealth: () => void = () => undefined;
  const store = new ResilientStore(inner, {
    label,
    log,
    ...(metrics === undefined ? {} : { onError: (operation) => metrics.storeError(operation) }),
    onHealthChange: (health) => {
      metrics?.storeHealthy(health.ok);
      onHealth();
    },
  });
  const alerting = createAlerting({
    alerts: config.alerts,
    store,
    log,
    redactor,
    env: deps.env,
    storeFault: () => storeFault(store),
    ...(metrics === undefined
      ? {}
      : { onDeliveryEvent: alertMetrics(metrics.registry, store, expectedLocations(loaded.journeys, config)) }),
    ...(choices.quarantined === undefined ? {} : { quarantined: choices.quarantined }),
    ...(choices.intervalMs === undefined ? {} : { intervalMs: choices.intervalMs }),
  });
  onHealth = () =>
    void alerting.recorder
      .storeHealthChanged(config.environment)
      .catch((err: unknown) => log.error({ err: String(err) }, 'alert/store-health-failed'));
  const probed = probedJourneys(
    loaded.journeys.map((j) => j.name),
    config.journeys,
  );
  const retired = alerting.recorder.retire(config.environment, probed).then(
    () => undefined,
    (err: unknown) => log.error({ err: String(err) }, 'alert/retire-failed'),
  );
  // A store that failed to open is failing from the start: /healthz and the `prober:` alert say so at once.
  if (inner instanceof DeferredOpenStore) void store.watch();
  const retention = { maxAgeDays: config.store.retentionDays, maxRunsPerJourney: config.store.maxRunsPerJourney };
  const deliver =
    choices.delivery === 'background'
      ? undefined
      : async () => {
          await alerting.recorder.idle();
          await store.prune(retention);
          const { flushMs } = config.alerts.delivery;
          const { pending } = await alerting.deliverer.flush(flushMs, choices.signal);
          if (pending > 0)
            log.warn({ pending, boundMs: flushMs }, 'alert/outbox-pending: left for the next invocation');
        };
  return { store, target, label, alerting, retired, deliver, close: () => store.close() };
}
