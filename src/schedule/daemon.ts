import { randomUUID } from 'node:crypto';
import { otlpSink } from '../report/otlp-sink.js';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import type { LoadedConfig } from '../config/load-config.js';
import { alertMetrics } from '../alert/alert-metrics.js';
import { probedJourneys } from '../alert/alert-pipeline.js';
import { createAlerting, storeFault } from '../alert/alerting.js';
import { ProberSetupError } from '../journey/errors.js';
import type { RunOptions } from '../journey/run.js';
import type { Logger } from '../log.js';
import { ProberMetrics } from '../report/metrics.js';
import { browserSettings } from '../steps/browser-launcher.js';
import { daemonBrowserSession } from '../steps/browser-session.js';
import { runSinks } from '../pipeline/run-sinks.js';
import { ResilientStore } from '../store/resilient-store.js';
import type { RunStore } from '../store/run-store.js';
import { CronScheduler } from './cron-scheduler.js';
import { tickClaimer } from './tick-claim.js';
import { artifactLink } from './artifact-files.js';
import { closeServer, createEndpointServer, listen } from './http-endpoints.js';
import { interruptedRunResult } from './interrupted-run.js';
import { runScheduledJourney, type JobDeps } from './journey-job.js';
import { RunAborts } from './run-aborts.js';
import { planSchedule, scheduleTable } from './schedule-plan.js';
import type { LoopQuarantine } from './loop-quarantine.js';
import { wireQuarantine, type QuarantineWiring } from './quarantine-wiring.js';
import { withDeadline } from '../journey/with-deadline.js';

export interface DaemonOptions {
  loaded: LoadedConfig;
  store: RunStore;
  storeLabel: string;
  /** Run options as `prober run` builds them (prepareRun); the daemon sets runId, redactor and signal per run. */
  base: RunOptions;
  log: Logger;
  host: string;
  port: number;
  /** Where the startup table goes (stdout); logs go to stderr. */
  print: (text: string) => void;
  /** Journeys that blocked the event loop (loop watchdog): recorded once, not scheduled, shown and alerted on. */
  quarantine?: LoopQuarantine;
}

export interface Daemon {
  url: string;
  /** Stops ticking, aborts in-flight runs (their cleanup bounded), records them, closes the server and the store. */
  shutdown(reason: string): Promise<void>;
}

const HOUR_MS = 3_600_000;
/** How often a fleet replica looks for runs of dead replicas to record as aborted. */
const RECOVER_EVERY_MS = 5_000;
/** Shutdown must finish within 10 s: in-flight runs get the cleanup bound plus this margin to be recorded. */
const RECORD_MARGIN_MS = 1_500;

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { loaded, log } = options;
  const { config } = loaded;
  // Warnings (cleanup overlap, insecure TLS) came with the loaded config and were logged when it was loaded.
  const { planned } = planSchedule(loaded);

  const metrics = new ProberMetrics({
    environment: config.environment,
    location: options.base.location,
    known: planned.map((p) => ({
      journey: p.def.name,
      steps: p.def.steps,
      intervalSeconds: Number.isFinite(p.intervalMs) ? p.intervalMs / 1000 : undefined,
    })),
  });
  // Storage faults never stop probing: the store is wrapped so that a write it cannot take is held in memory and
  // written once it can; its health drives /healthz, the metrics and the prober's own alert.
  let onStoreHealth: () => void = () => undefined;
  const store = new ResilientStore(options.store, {
    label: options.storeLabel,
    log,
    onError: (operation) => metrics.storeError(operation),
    onHealthChange: (health) => {
      metrics.storeHealthy(health.ok);
      onStoreHealth();
    },
  });
  const quarantine = wireQuarantine(options.quarantine, { loaded, log, registry: metrics.registry });
  await recoverInterrupted(options, store, quarantine);
  const claim = tickClaimer(store, { environment: config.environment, location: options.base.location }, log);
  const retention = { maxAgeDays: config.store.retentionDays, maxRunsPerJourney: config.store.maxRunsPerJourney };
  const prune = () =>
    store.prune(retention).then(
      (n) => n > 0 && log.info({ removed: n }, 'store/pruned'),
      (err: unknown) => log.error({ err: String(err) }, 'store/prune-failed'),
    );

  for (const p of planned) {
    const [latest] = await store.listRuns({ journey: p.def.name, limit: 1 });
    if (latest !== undefined) metrics.restore(latest);
  }
  await prune();

  // Alerting: every run goes through the policy into the outbox; the deliverer sends in the background.
  const alerting = createAlerting({
    alerts: config.alerts,
    store,
    log,
    redactor: options.base.redactor,
    onDeliveryEvent: alertMetrics(metrics.registry),
    storeFault: () => storeFault(store),
    quarantined: quarantine.reason,
    intervalMs: (j) => planned.find((p) => p.def.name === j)?.intervalMs,
  });
  onStoreHealth = () =>
    void alerting.pipeline
      .storeHealthChanged(config.environment)
      .catch((err: unknown) => log.error({ err: String(err) }, 'alert/store-health-failed'));
  // OTLP export (config `otlp`, off by default): the same spans `prober run` exports, after every scheduled run.
  const otlp = otlpSink(config, process.env);
  const sinks = runSinks({
    log,
    metrics,
    record: { store, alerts: alerting.pipeline },
    ...(otlp === undefined ? {} : { others: [otlp] }),
  });
  await alerting.pipeline.retire(
    config.environment,
    probedJourneys(
      loaded.journeys.map((j) => j.name),
      config.journeys,
    ),
  );

  const aborts = new RunAborts();
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  const settings = browserSettings(config.browser);
  // Chromium starts now (outside any journey's time) when a journey needs it; a context wait counts as tick lag.
  const session = daemonBrowserSession(
    settings,
    planned.map((p) => p.def),
    (ms) => metrics.observeTickLag(ms / 1000),
  );
  const jobDeps: JobDeps = {
    loaded,
    loopGuard: options.quarantine,
    base: options.base,
    browser: { session },
    store,
    sinks,
    onSinkFailure: (f) => {
      metrics.sinkFailed(f.sink);
      log.error({ sink: f.sink, where: f.where, err: f.error }, 'sink/failed');
    },
    log,
    aborts,
    cleanupAfterAbortMs: config.scheduler.cleanupOnShutdownMs,
  };
  await quarantine.recordBlockedRuns(sinks, jobDeps.onSinkFailure);
  const scheduler = new CronScheduler(
    planned
      .filter((p) => !quarantine.holds(p.def.name))
      .map((p) => ({
        journey: p.def.name,
        schedule: p.schedule,
        run: async (slot: Date) => {
          // Fleet: replicas sharing the store run each tick once; the claim row carries the run's id.
          const runId = randomUUID();
          if (claim !== undefined && !(await claim(p.def.name, slot, runId))) return;
          const run = runScheduledJourney(p.def, jobDeps, runId);
          inFlight.add(run);
          return run.finally(() => inFlight.delete(run));
        },
      })),
    {
      maxRandomDelayMs: config.scheduler.maxRandomDelayMs,
      log,
      hooks: {
        onSkip: (journey, reason, slot) => {
          metrics.tickSkipped(reason);
          log.warn({ journey, reason, slot: slot.toISOString() }, 'tick/skipped');
        },
        onTickLag: (_journey, seconds) => metrics.observeTickLag(seconds),
      },
    },
  );

  const server: Server = createEndpointServer({
    store,
    storeHealth: () => store.health(),
    metrics,
    monitor: scheduler.monitor,
    log,
    stopping: () => stopping,
    quarantined: quarantine.healthz,
    // Browser runs write under this folder (resolved the same way); the daemon serves it and the page links into it.
    artifactsDir: resolve(settings.artifactsDir),
    page: {
      artifactLink: (path) => artifactLink(resolve(settings.artifactsDir), path),
      environment: config.environment,
      refreshSeconds: config.server.refreshSeconds,
      configured: planned.map((p) => ({ journey: p.def.name, description: p.def.description, schedule: p.schedule })),
      quorum: (journey) => alerting.pipeline.locations(config.environment, journey),
    },
  });
  const url = await listen(server, options.host, options.port).catch((err: NodeJS.ErrnoException) => {
    // Nothing may be left running (timers, tasks) when startup fails, or the process would never exit with its code 2.
    scheduler.destroy();
    throw new ProberSetupError([
      `server: cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}; choose another --port (0 picks a free one)`,
    ]);
  });
  // Background work starts only once startup can no longer fail.
  alerting.deliverer.start();
  scheduler.start();
  const pruneTimer = setInterval(() => void prune(), HOUR_MS);
  pruneTimer.unref();
  // Fleet: a replica that died mid-run is noticed by the others (its liveness lock is gone), not only at its restart.
  const recoverTimer =
    claim === undefined
      ? undefined
      : setInterval(
          () =>
            void recoverInterrupted(options, store, quarantine).catch((err: unknown) =>
              log.error({ err: String(err) }, 'store/recover-failed'),
            ),
          RECOVER_EVERY_MS,
        );
  recoverTimer?.unref();
  options.print(
    scheduleTable(planned, {
      environment: config.environment,
      url,
      store: options.storeLabel,
      jitterMs: config.scheduler.maxRandomDelayMs,
      next: (j) => scheduler.nextRun(j),
    }),
  );
  log.info({ url, journeys: planned.map((p) => p.def.name) }, 'schedule/start');

  return {
    url,
    async shutdown(reason) {
      if (stopping) return;
      stopping = true;
      const t0 = Date.now();
      clearInterval(pruneTimer);
      clearInterval(recoverTimer);
      scheduler.stop();
      const running = inFlight.size;
      aborts.abortAll(new Error(reason));
      const bound = config.scheduler.cleanupOnShutdownMs + RECORD_MARGIN_MS;
      const settled = await settleWithin([...inFlight], bound);
      if (!settled)
        log.warn(
          { boundMs: bound },
          'shutdown/runs-still-going: their in-flight markers will be recorded as aborted at the next start',
        );
      scheduler.destroy();
      await session.close().catch((err: unknown) => log.warn({ err: String(err) }, 'browser/close-failed'));
      await closeServer(server);
      await alerting.deliverer.stop(); // attempts cut short stay pending with their ids, for the next start
      await store.close();
      log.info({ reason, abortedRuns: running, durationMs: Date.now() - t0 }, 'schedule/stopped');
    },
  };
}

/** Markers left by a process that died mid-run become `aborted` results, once (the marker is removed). */
async function recoverInterrupted(
  { loaded, log, base }: DaemonOptions,
  store: RunStore,
  quarantine: QuarantineWiring,
): Promise<void> {
  for (const marker of await store.takeInFlight()) {
    if (quarantine.owns(marker.runId)) continue; // it blocked the event loop: recorded as error/prober instead
    const def = loaded.journeys.find((j) => j.name === marker.journey);
    // The dead run's own location (a shared store keeps it), else this process's (one box: the same).
    const location = marker.location ?? base.location;
    await store.saveRun({ ...interruptedRunResult(marker, def), ...(location === undefined ? {} : { location }) });
    log.warn({ runId: marker.runId, journey: marker.journey, step: marker.step?.name }, 'run/recovered-as-aborted');
  }
}

async function settleWithin(work: readonly Promise<unknown>[], ms: number): Promise<boolean> {
  if (work.length === 0) return true;
  return withDeadline(
    Promise.allSettled(work).then(() => true),
    ms,
    () => false,
  );
}
