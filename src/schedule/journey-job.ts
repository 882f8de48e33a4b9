import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from '../config/load-config.js';
import type { JourneyDefinition } from '../journey/define.js';
import type { RunResult } from '../journey/result-schema.js';
import { runJourneys, type RunOptions } from '../journey/run.js';
import type { Logger } from '../log.js';
import { Redactor } from '../redact.js';
import type { ProberMetrics } from '../report/metrics.js';
import type { BrowserSettings } from '../steps/browser-launcher.js';
import { withBrowserRun } from '../steps/browser-run.js';
import type { BrowserSession } from '../steps/browser-session.js';
import type { RunStore } from '../store/run-store.js';
import type { RunAborts } from './run-aborts.js';

export interface JobDeps {
  loaded: LoadedConfig;
  /** What `prober run` would pass to the runner (targets, secrets, io with TLS, janitor, overrides); runId and redactor are per run. */
  base: RunOptions;
  /** One browser for the daemon's life, launched on first use by a browser journey and closed at shutdown. */
  browser: { settings: BrowserSettings; session: BrowserSession };
  store: RunStore;
  metrics: ProberMetrics;
  /** Alert policy → outbox, after the run is stored. */
  alerts?: { process(result: RunResult): Promise<unknown> };
  log: Logger;
  /** Aborted on shutdown: in-flight steps end as `aborted`, cleanup steps still run within `cleanupAfterAbortMs`. */
  aborts: RunAborts;
  cleanupAfterAbortMs: number;
}

/**
 * One scheduled run of one journey: in-flight marker → run → store → metrics → one log line. Never throws: a
 * failure to record is logged, and the next tick runs as usual.
 */
export async function runScheduledJourney(def: JourneyDefinition, deps: JobDeps): Promise<RunResult | undefined> {
  const { loaded, store, log } = deps;
  if (deps.aborts.aborted) return undefined;
  const runId = randomUUID();
  const environment = loaded.config.environment;
  const settings = loaded.config.journeys[def.name];
  // A fresh redactor per run: tokens minted by one run are scrubbed from its result, and the set does not grow
  // for the life of the daemon (the configured secrets are re-added each time).
  const redactor = new Redactor();
  for (const value of Object.values(loaded.secrets)) redactor.add(value);
  const report = (what: string) => (err: unknown) => log.error({ journey: def.name, runId, err: errorText(err) }, what);
  const abort = deps.aborts.begin();
  try {
    await store.markInFlight({ runId, journey: def.name, environment, startedAt: new Date().toISOString() });
    const onEvent: RunOptions['onEvent'] = (event) => {
      if (event.type !== 'step/start') return;
      const s = def.steps.find((x) => x.name === event.step);
      const timeoutMs = settings?.steps[event.step]?.timeoutMs ?? s?.timeoutMs ?? 1;
      store.updateInFlight(runId, { name: event.step, service: s?.service ?? 'unknown', timeoutMs }).catch(report('store/in-flight-failed'));
    };
    const browserRun = { settings: deps.browser.settings, session: deps.browser.session, runId, journeys: [def], redactor, api: deps.base.io };
    const result = await withBrowserRun(browserRun, (io) =>
      runJourneys([def], { ...deps.base, runId, redactor, io, signal: abort.signal, cleanupAfterAbortMs: deps.cleanupAfterAbortMs, onEvent }),
    );
    deps.metrics.observeRun(result);
    await store.saveRun(result).catch((err: unknown) => {
      deps.metrics.storeError('save');
      report('store/save-failed')(err);
    });
    await deps.alerts?.process(result).catch(report('alert/pipeline-failed'));
    logRun(log, result);
    return result;
  } catch (err) {
    report('run/crashed')(err);
    return undefined;
  } finally {
    abort.end();
  }
}

/** The daemon's one info line per run: verdict and duration, plus where it failed. */
export function logRun(log: Logger, result: RunResult): void {
  for (const j of result.journeys) {
    log.info(
      {
        runId: result.runId,
        journey: j.journey,
        status: j.status,
        durationMs: j.durationMs,
        verdict: j.verdict,
        ...(j.failure === undefined ? {} : { step: j.failure.step, service: j.failure.service, category: j.failure.category }),
      },
      'run/end',
    );
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
