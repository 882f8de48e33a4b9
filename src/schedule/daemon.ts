import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/load-config.js';
import { setupError } from '../config/problems.js';
import { withDeadline } from '../journey/with-deadline.js';
import type { Logger } from '../log.js';
import type { Redactor } from '../redact.js';
import { browserSettings } from '../steps/browser-launcher.js';
import { artifactLink } from './artifact-files.js';
import { CronScheduler } from './cron-scheduler.js';
import { assembleDaemon, type DaemonOptions, type Parts } from './daemon-parts.js';
import { prune, recoverInterrupted, restore } from './daemon-state.js';
import { closeServer, createEndpointServer, listen } from './http-endpoints.js';
import { runScheduledJourney, type JobDeps } from './journey-job.js';
import type { LoopQuarantine } from './loop-quarantine.js';
import { scheduleTable } from './schedule-plan.js';
import { tickClaimer } from './tick-claim.js';

export interface Daemon {
  url: string;
  redactor: Redactor;
  log: Logger;
  /** Journeys that blocked the event loop: recorded once, not scheduled, shown and alerted on. */
  quarantine: LoopQuarantine;
  /** Stops ticking, aborts in-flight runs (their cleanup bounded), records them, closes the server and the store. */
  shutdown(reason: string): Promise<void>;
}

const HOUR_MS = 3_600_000;
/** How often a fleet replica looks for runs of dead replicas to record as aborted. */
const RECOVER_EVERY_MS = 5_000;
/** Shutdown must finish within 10 s: in-flight runs get the cleanup bound plus this margin to be recorded. */
const RECORD_MARGIN_MS = 1_500;

export async function startDaemon(loaded: LoadedConfig, options: DaemonOptions): Promise<Daemon> {
  const parts = await assembleDaemon(loaded, options);
  try {
    await restore(parts);
    const scheduler = schedule(parts);
    const served = await serve(parts, scheduler, options);
    const timers = startBackground(parts, scheduler);
    announce(parts, scheduler, served.url, options.print);
    return {
      url: served.url,
      redactor: parts.prober.redactor,
      log: parts.prober.log,
      quarantine: parts.quarantine,
      shutdown: stopper(parts, scheduler, served.server, timers),
    };
  } catch (err) {
    await parts.prober.close();
    throw err;
  }
}

/** One cron task per journey not quarantined; in a fleet, the replica that claims a tick runs it. */
function schedule(parts: Parts): CronScheduler {
  const { loaded, prober, recording, planned } = parts;
  const { config } = loaded;
  const claim = tickClaimer(
    recording.store,
    { environment: config.environment, location: prober.base.location },
    prober.log,
  );
  const jobDeps: JobDeps = {
    loaded,
    loopGuard: parts.quarantine,
    base: prober.base,
    browser: { session: parts.session },
    store: recording.store,
    sinks: prober.sinks,
    onSinkFailure: prober.sinkFailed,
    log: prober.log,
    aborts: parts.aborts,
    cleanupAfterAbortMs: config.scheduler.cleanupOnShutdownMs,
  };
  const { metrics } = parts;
  return new CronScheduler(
    planned
      .filter((p) => !parts.wiring.holds(p.def.name))
      .map((p) => ({
        journey: p.def.name,
        schedule: p.schedule,
        run: async (slot: Date) => {
          // Fleet: replicas sharing the store run each tick once; the claim row carries the run's id.
          const runId = randomUUID();
          if (claim !== undefined && !(await claim(p.def.name, slot, runId))) return;
          const run = runScheduledJourney(p.def, jobDeps, runId);
          parts.inFlight.add(run);
          return run.finally(() => parts.inFlight.delete(run));
        },
      })),
    {
      maxRandomDelayMs: config.scheduler.maxRandomDelayMs,
      log: prober.log,
      hooks: {
        onSkip: (journey, reason, slot) => {
          metrics.tickSkipped(reason);
          prober.log.warn({ journey, reason, slot: slot.toISOString() }, 'tick/skipped');
        },
        onTickLag: (_journey, seconds) => metrics.observeTickLag(seconds),
      },
    },
  );
}

/** `/`, `/healthz`, `/metrics`, `/api/*`, `/artifacts/*`; a port that cannot be taken is one line and exit 2. */
async function serve(
  parts: Parts,
  scheduler: CronScheduler,
  options: DaemonOptions,
): Promise<{ server: Server; url: string }> {
  const { loaded, prober, recording, planned } = parts;
  const { config } = loaded;
  // Browser runs write under this folder (resolved the same way); the daemon serves it and the page links into it.
  const artifactsDir = resolve(browserSettings(config.browser).artifactsDir);
  const server = createEndpointServer({
    store: recording.store,
    storeHealth: () => recording.store.health(),
    metrics: parts.metrics,
    monitor: scheduler.monitor,
    log: prober.log,
    stopping: () => parts.state.stopping,
    quarantined: parts.wiring.healthz,
    // TLS, auth, Host allowlist and limits (src/server/); `--host` wins over the config's host, as for listen().
    server: { ...config.server, host: options.host },
    artifactsDir,
    page: {
      artifactLink: (path) => artifactLink(artifactsDir, path),
      environment: config.environment,
      refreshSeconds: config.server.refreshSeconds,
      configured: planned.map((p) => ({ journey: p.def.name, description: p.def.description, schedule: p.schedule })),
      quorum: (journey) => recording.alerting.recorder.locations(config.environment, journey),
    },
  });
  const url = await listen(server, options.host, options.port).catch((err: NodeJS.ErrnoException) => {
    // Nothing may be left running (timers, tasks) when startup fails, or the process would never exit with its code 2.
    scheduler.destroy();
    throw setupError(
      'server',
      `cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}`,
      'choose another --port (0 picks a free one)',
    );
  });
  return { server, url };
}

interface Timers {
  prune: NodeJS.Timeout;
  recover: NodeJS.Timeout | undefined;
}

/** Background work starts only once startup can no longer fail: delivery, ticks, hourly pruning, fleet recovery. */
function startBackground(parts: Parts, scheduler: CronScheduler): Timers {
  const { recording, prober } = parts;
  recording.alerting.deliverer.start();
  scheduler.start();
  const pruneTimer = setInterval(() => void prune(parts), HOUR_MS);
  pruneTimer.unref();
  // Fleet: a replica that died mid-run is noticed by the others (its liveness lock is gone), not only at its restart.
  const recover = parts.fleet
    ? setInterval(
        () =>
          void recoverInterrupted(parts).catch((err: unknown) =>
            prober.log.error({ err: String(err) }, 'store/recover-failed'),
          ),
        RECOVER_EVERY_MS,
      )
    : undefined;
  recover?.unref();
  return { prune: pruneTimer, recover };
}

/** The start-up table on stdout, one log line on stderr. */
function announce(parts: Parts, scheduler: CronScheduler, url: string, print: (text: string) => void): void {
  const { loaded, planned, recording, prober } = parts;
  print(
    scheduleTable(planned, {
      environment: loaded.config.environment,
      url,
      store: recording.label,
      jitterMs: loaded.config.scheduler.maxRandomDelayMs,
      next: (j) => scheduler.nextRun(j),
    }),
  );
  prober.log.info({ url, journeys: planned.map((p) => p.def.name) }, 'schedule/start');
}

/** Shutdown: stop ticking, abort what runs (cleanup bounded), record it, then close browser, server, delivery, store. */
function stopper(parts: Parts, scheduler: CronScheduler, server: Server, timers: Timers): Daemon['shutdown'] {
  const { loaded, prober, recording } = parts;
  const log = prober.log;
  return async (reason) => {
    if (parts.state.stopping) return;
    parts.state.stopping = true;
    const t0 = Date.now();
    clearInterval(timers.prune);
    clearInterval(timers.recover);
    scheduler.stop();
    const running = parts.inFlight.size;
    parts.aborts.abortAll(new Error(reason));
    const bound = loaded.config.scheduler.cleanupOnShutdownMs + RECORD_MARGIN_MS;
    if (!(await settleWithin([...parts.inFlight], bound)))
      log.warn(
        { boundMs: bound },
        'shutdown/runs-still-going: their in-flight markers will be recorded as aborted at the next start',
      );
    scheduler.destroy();
    await parts.session.close().catch((err: unknown) => log.warn({ err: String(err) }, 'browser/close-failed'));
    await closeServer(server);
    await recording.alerting.deliverer.stop(); // attempts cut short stay pending with their ids, for the next start
    await prober.close();
    log.info({ reason, abortedRuns: running, durationMs: Date.now() - t0 }, 'schedule/stopped');
  };
}

async function settleWithin(work: readonly Promise<unknown>[], ms: number): Promise<boolean> {
  if (work.length === 0) return true;
  return withDeadline(
    Promise.allSettled(work).then(() => true),
    ms,
    () => false,
  );
}
