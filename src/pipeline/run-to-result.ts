import type { LoadedConfig } from '../config/load-config.js';
import { versionEndpoints } from '../config/version-endpoints.js';
import type { JourneyDefinition } from '../journey/define.js';
import type { RunResult } from '../journey/result-schema.js';
import type { RunOptions } from '../journey/run.js';
import { runJourneysWithSuites } from '../suite/run-suites.js';
import type { Logger } from '../log.js';
import type { Redactor } from '../redact.js';
import { browserSettings, type BrowserSettings } from '../steps/browser-launcher.js';
import { withBrowserRun } from '../steps/browser-run.js';
import type { BrowserSession } from '../steps/browser-session.js';
import { readVersions } from '../steps/version-probe.js';
import { unfinishedRunResult } from './unfinished-run.js';

export interface RunToResultOptions {
  loaded: LoadedConfig;
  /** What `prepareRun` built (targets, secrets, io with TLS, janitor, overrides). */
  base: RunOptions;
  journeys: readonly JourneyDefinition[];
  runId: string;
  redactor: Redactor;
  log: Logger;
  signal?: AbortSignal | undefined;
  /** The daemon's long-lived browser; `prober run` launches one for the run. */
  session?: BrowserSession | undefined;
  onEvent?: RunOptions['onEvent'];
  retries?: number | undefined;
  /** Pause between a failed attempt and its retry. */
  retryDelayMs?: number | undefined;
  cleanupAfterAbortMs?: number | undefined;
  /** Targets whose versions are read besides those under config `versions` (the `--expect-version` ones). */
  versionTargets?: readonly string[] | undefined;
  /** `--headed`, `--trace`, `--debug`: this run's overrides of the config's browser settings. */
  browser?: Partial<Pick<BrowserSettings, 'headless' | 'trace'>> | undefined;
  /** Bound on reading the targets' versions. @defaultValue 2000 */
  versionTimeoutMs?: number | undefined;
}

/**
 * The one way `run`, `demo` and `schedule` run journeys: versions are read alongside the run (so every result
 * carries them, the daemon's too), the browser is opened when a journey needs it, and the run ALWAYS ends in a
 * result: a signal during the browser launch or the first navigation, or a failure before the runner could start,
 * becomes an `error` result (`aborted` or `prober`) instead of an exception that loses the run.
 */
export async function runToResult(o: RunToResultOptions): Promise<RunResult> {
  const startedAt = new Date();
  const environment = o.loaded.config.environment;
  const headers = { 'user-agent': o.base.userAgent, 'x-synthetic-probe': o.runId };
  const versions = readVersions(
    versionEndpoints(o.loaded, o.versionTargets ?? []),
    o.versionTimeoutMs ?? 2_000,
    headers,
  )
    .then((seen) => Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, 'version' in v ? v.version : null])))
    .catch(() => ({}) as Record<string, string | null>);
  o.log.info({ runId: o.runId, journeys: o.journeys.map((j) => j.name) }, 'run/start');
  const browserRun = {
    settings: { ...browserSettings(o.loaded.config.browser), ...o.browser },
    session: o.session,
    runId: o.runId,
    journeys: o.journeys,
    redactor: o.redactor,
    api: o.base.io,
  };
  try {
    const result = await withBrowserRun(browserRun, (io) =>
      runJourneysWithSuites(o.loaded, o.journeys, {
        ...o.base,
        runId: o.runId,
        redactor: o.redactor,
        io,
        signal: o.signal,
        ...(o.onEvent === undefined ? {} : { onEvent: o.onEvent }),
        ...(o.retries === undefined ? {} : { retries: o.retries }),
        ...(o.retryDelayMs === undefined ? {} : { retryDelayMs: o.retryDelayMs }),
        ...(o.cleanupAfterAbortMs === undefined ? {} : { cleanupAfterAbortMs: o.cleanupAfterAbortMs }),
      }),
    );
    const { journeys, ...head } = result;
    return { ...head, versions: await versions, journeys };
  } catch (err) {
    const aborted = o.signal?.aborted === true;
    const reason = err instanceof Error ? err.message : String(err);
    o.log.error({ runId: o.runId, err: reason, aborted }, aborted ? 'run/aborted-before-start' : 'run/could-not-start');
    const message = aborted
      ? `the prober was stopped (${signalReason(o.signal)}) before the run could finish`
      : `the run could not start: ${reason.split('\n')[0]}`;
    return o.redactor.scrubDeep(
      unfinishedRunResult(o.journeys, {
        runId: o.runId,
        environment,
        startedAt,
        category: aborted ? 'aborted' : 'prober',
        message,
        versions: await versions,
      }),
    );
  }
}

function signalReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
}
