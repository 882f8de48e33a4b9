import { randomUUID } from 'node:crypto';
import type { Level } from 'pino';
import { assembleProber } from '../assemble/assemble-prober.js';
import { probeHeaders } from '../assemble/base-run.js';
import { selectFor, type RunSelection } from '../assemble/select-journeys.js';
import { loadConfig } from '../config/load-config.js';
import { versionEndpoints } from '../config/version-endpoints.js';
import type { RunResult } from '../journey/result-schema.js';
import type { LogFormat } from '../log-format.js';
import { failureLine, type SinkFailure } from '../pipeline/sink.js';
import type { ReporterSpec } from '../report/reporters.js';
import { browserSettings } from '../steps/browser-launcher.js';
import { dropBrowserJourneysIfNoBrowser } from '../steps/browser-run.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { watchRun } from './run-watchdog.js';
import { scrubStrayFaultsWith } from './stray-faults.js';
import { waitForVersions } from './version-gate.js';

/**
 * Decided only once every sink ran (pure, tested as a table). A reporter (or OTLP, or delivery) that failed lost
 * part of the outcome: exit 2, as is a run that could not be judged. Only the store not taking the run (not opened, or not written: alerting then fails
 * on the same store) is "verdict given, results not stored": exit 4. Otherwise the verdict's own code.
 */
export function exitAfterSinks(
  verdictCode: number,
  failures: readonly Pick<SinkFailure, 'sink'>[],
  notOpened: boolean,
): number {
  const storeFailed = notOpened || failures.some((f) => f.sink === 'store');
  const lost = failures.filter((f) => f.sink !== 'store' && !(storeFailed && f.sink === 'alerting'));
  // Could not judge stays 2: there is no verdict that went unstored.
  if (lost.length > 0 || verdictCode === EXIT.error) return EXIT.error;
  return storeFailed ? EXIT.notStored : verdictCode;
}

export interface ExecuteOptions {
  configPath: string;
  /** Which journeys and how (names, `--grep`/`--tag`, retries, `--until`, browser overrides, the signal). */
  selection: RunSelection;
  reporters: readonly ReporterSpec[];
  failOnDegraded: boolean;
  /** Exit 0 for `flaky` (passed on a retry) instead of 1. */
  allowFlaky?: boolean | undefined;
  targets?: Record<string, string> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** `--location`: where this prober stands (beats PROBER_LOCATION and the config's `location`). */
  location?: string | undefined;
  logLevel?: Level | 'silent' | undefined;
  /** `--log-format`: human lines (default for run and demo) or pino JSON on stderr. */
  logFormat?: LogFormat | undefined;
  /** `--store PATH`: also record the result in this state store (the history `prober report` and the daemon show). */
  store?: string | undefined;
  /** When set and no Chromium is available, browser journeys are dropped and this is told how to install one. */
  onBrowserMissing?: ((hint: string) => void) | undefined;
  /** `--expect-version`: judge only once these services report these versions. */
  expectVersions?: Record<string, string> | undefined;
  /** How long to wait for `expectVersions` before giving up with exit 3. */
  waitReadyMs?: number | undefined;
}

/** Load → select → gate → assemble → run → every sink (reporters, store + alerting, delivery, log) → exit code. */
export async function executeRun(options: ExecuteOptions): Promise<{ exitCode: number; result?: RunResult }> {
  const { selection } = options;
  const env = options.env ?? process.env;
  const loaded = await loadConfig(options.configPath, {
    env,
    wholeSuites: selectsEverything(selection),
    ...(options.targets === undefined ? {} : { targets: options.targets }),
  });
  let selected = selectFor(loaded, selection);
  const runId = randomUUID();
  const expected = options.expectVersions ?? {};
  if (Object.keys(expected).length > 0) {
    const endpoints = versionEndpoints(loaded, Object.keys(expected));
    const gate = await waitForVersions(
      expected,
      endpoints,
      options.waitReadyMs ?? 0,
      probeHeaders(runId),
      selection.signal,
    );
    if (!gate.ok) {
      process.stderr.write(`prober: ${gate.message}\n`);
      return { exitCode: EXIT.versionGate };
    }
  }
  if (options.onBrowserMissing !== undefined)
    selected = dropBrowserJourneysIfNoBrowser(
      selected,
      { ...browserSettings(loaded.config.browser), ...selection.browser },
      options.onBrowserMissing,
    );
  const prober = await assembleProber(loaded, {
    env,
    location: options.location,
    logLevel: options.logLevel,
    logFormat: options.logFormat,
    runId,
    reporters: options.reporters,
    otlp: true,
    onSinkFailure: (f) => process.stderr.write(`${failureLine(f)}\n`),
    ...(options.store === undefined
      ? {}
      : { store: { flag: options.store, onOpenFailure: 'skip', delivery: 'inline', signal: selection.signal } }),
  });
  scrubStrayFaultsWith(prober.redactor);
  if (prober.notStored !== undefined)
    process.stderr.write(`prober: ${prober.notStored.message}; the verdict is given but not stored\n`);
  const watch = watchRun({
    journeys: selected,
    runId,
    environment: loaded.config.environment,
    redactor: prober.redactor,
    reporters: options.reporters,
  });
  try {
    const { result, failures } = await prober
      .run(selected, {
        ...selection,
        runId,
        versionTargets: Object.keys(expected),
        onEvent: (event) => {
          watch.onEvent(event);
          selection.onEvent?.(event);
        },
      })
      .finally(() => watch.stop());
    const code = exitCodeFor(result.status, options.failOnDegraded, options.allowFlaky === true);
    return { exitCode: exitAfterSinks(code, failures, prober.notStored !== undefined), result };
  } finally {
    await prober.close();
  }
}

/** No names, `--grep`, `--tag` or `--until`: a Playwright suite not listed yet is listed by its own run (one process). */
function selectsEverything(s: RunSelection): boolean {
  return !s.journeys?.length && s.grep === undefined && !s.tags?.length && s.untilStep === undefined;
}
