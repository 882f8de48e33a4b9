import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from '../config/load-config.js';
import type { JourneyDefinition } from '../journey/define.js';
import type { RunResult } from '../journey/result-schema.js';
import type { RunOptions } from '../journey/run.js';
import type { Logger } from '../log.js';
import { Redactor } from '../redact.js';
import { runToResult } from '../pipeline/run-to-result.js';
import { writeToSinks, type Sink, type SinkFailure } from '../pipeline/sink.js';
import type { BrowserSession } from '../steps/browser-session.js';
import type { StateStore } from '../store/state-store.js';
import type { LoopQuarantine } from './loop-quarantine.js';
import type { RunAborts } from './run-aborts.js';

export interface JobDeps {
  loaded: LoadedConfig;
  /** What `prober run` would pass to the runner (targets, secrets, io with TLS, janitor, overrides); runId and redactor are per run. */
  base: RunOptions;
  /** One browser for the daemon's life, launched on first use by a browser journey and closed at shutdown. */
  browser: { session: BrowserSession };
  /** The daemon's store, wrapped: a failing store holds results and never throws into a run. */
  store: StateStore;
  /** Every outlet of a finished run (metrics, alerting + store, log), built once by the daemon (buildSinks). */
  sinks: readonly Sink[];
  /** A sink failed: counted and logged with its name and where it writes; the other sinks ran. */
  onSinkFailure: (failure: SinkFailure) => void;
  log: Logger;
  /** Aborted on shutdown: in-flight steps end as `aborted`, cleanup steps still run within `cleanupAfterAbortMs`. */
  aborts: RunAborts;
  cleanupAfterAbortMs: number;
  /** Told which run and step each journey is in, so a journey that blocks the event loop can be quarantined. */
  loopGuard?: Pick<LoopQuarantine, 'runStarted' | 'stepStarted' | 'runEnded'> | undefined;
}

/**
 * One scheduled run of one journey: in-flight marker → run (the same path as `prober run`) → every sink. Never
 * throws: a failing sink is reported and the next tick runs as usual.
 */
export async function runScheduledJourney(
  def: JourneyDefinition,
  deps: JobDeps,
  runId: string = randomUUID(),
): Promise<RunResult | undefined> {
  const { loaded, store, log } = deps;
  if (deps.aborts.aborted) return undefined;
  const environment = loaded.config.environment;
  const settings = loaded.config.journeys[def.name];
  // A fresh redactor per run: tokens minted by one run are scrubbed from its result, and the set does not grow
  // for the life of the daemon (the configured secrets are re-added each time).
  const redactor = new Redactor();
  for (const value of Object.values(loaded.secrets)) redactor.add(value);
  const report = (what: string) => (err: unknown) => log.error({ journey: def.name, runId, err: errorText(err) }, what);
  const abort = deps.aborts.begin();
  deps.loopGuard?.runStarted(def.name, runId);
  try {
    // Not awaited before the run (the store may batch markers for a few ms); awaited before the sinks, so on any
    // store the marker is written before the run that clears it.
    const marked = store
      .markInFlight({
        runId,
        journey: def.name,
        environment,
        location: deps.base.location,
        startedAt: new Date().toISOString(),
      })
      .catch(report('store/in-flight-failed'));
    const onEvent: RunOptions['onEvent'] = (event) => {
      if (event.type !== 'step/start') return;
      const s = def.steps.find((x) => x.name === event.step);
      const timeoutMs = settings?.steps[event.step]?.timeoutMs ?? s?.timeoutMs ?? 1;
      deps.loopGuard?.stepStarted(def.name, runId, { name: event.step, service: s?.service ?? 'unknown', timeoutMs });
      store
        .updateInFlight(runId, { name: event.step, service: s?.service ?? 'unknown', timeoutMs })
        .catch(report('store/in-flight-failed'));
    };
    const result = await runToResult({
      loaded,
      base: deps.base,
      journeys: [def],
      runId,
      redactor,
      log,
      signal: abort.signal,
      session: deps.browser.session,
      onEvent,
      cleanupAfterAbortMs: deps.cleanupAfterAbortMs,
      // Read alongside the run, bounded by the journey's own deadline, so it never delays the next tick.
      versionTimeoutMs: Math.min(2_000, settings?.timeoutMs ?? def.timeoutMs),
    });
    await marked;
    await writeToSinks(deps.sinks, result, deps.onSinkFailure);
    return result;
  } catch (err) {
    report('run/crashed')(err);
    return undefined;
  } finally {
    deps.loopGuard?.runEnded(def.name, runId);
    abort.end();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
