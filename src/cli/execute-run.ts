import { randomUUID } from 'node:crypto';
import type { Level } from 'pino';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import type { RunResult } from '../journey/result-schema.js';
import type { RunOptions } from '../journey/run.js';
import { createLogger, type Logger } from '../log.js';
import { Redactor } from '../redact.js';
import { createReporterOutlets, type ReporterSpec } from '../report/reporters.js';
import type { LogFormat } from '../log-format.js';
import { runSelected } from '../pipeline/run-selected.js';
import { runSinks } from '../pipeline/run-sinks.js';
import { failureLine, writeToSinks } from '../pipeline/sink.js';
import { openStore, SHORT_BUSY_TIMEOUT_MS, storeLabel, storeTarget } from '../store/open-store.js';
import { browserSettings } from '../steps/browser-launcher.js';
import { dropBrowserJourneysIfNoBrowser } from '../steps/browser-run.js';
import { apiStepIo } from '../steps/step-io.js';
import { USER_AGENT_TOKEN } from '../version.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { checkUntilStep, filterJourneys, type JourneyFilter, selectJourneys } from './select-journeys.js';
import { versionEndpoints, waitForVersions } from './version-gate.js';
import { logRunEvent } from './log-events.js';
import { otlpSink } from '../report/otlp-sink.js';
import { scrubStrayFaultsWith } from './stray-faults.js';
import { watchRun } from './run-watchdog.js';
import { resolveLocation } from '../config/location.js';
import { problemLine } from '../config/problems.js';

export interface ExecuteOptions {
  configPath: string;
  journeys: readonly string[];
  reporters: readonly ReporterSpec[];
  failOnDegraded: boolean;
  targets?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** `--location`: where this prober stands (beats PROBER_LOCATION and the config's `location`). */
  location?: string | undefined;
  logLevel?: Level | 'silent';
  signal?: AbortSignal;
  /** `--store PATH`: also record the result in this state store (the history `prober report` and the daemon show). */
  store?: string;
  /** When set and no Chromium is available, browser journeys are dropped and this is told how to install one. */
  onBrowserMissing?: (hint: string) => void;
  /** Re-run a failed journey up to N times; a later pass is `flaky`. */
  retries?: number;
  /** `--retry-delay`: wait before each retry. */
  retryDelayMs?: number;
  /** Exit 0 for `flaky` (passed on a retry) instead of 1. */
  allowFlaky?: boolean;
  filter?: JourneyFilter;
  /** `--log-format`: human lines (default for run and demo) or pino JSON on stderr. */
  logFormat?: LogFormat;
  /** `--headed`, `--trace`, `--debug`: override the config's browser settings for this run. */
  browser?: { headless?: boolean; trace?: 'off' | 'on-failure' | 'on' };
  /** `--until STEP`: run up to and including this step, then only cleanup. */
  untilStep?: string;
  /** `--expect-version`: judge only once these services report these versions. */
  expectVersions?: Record<string, string>;
  /** How long to wait for `expectVersions` before giving up with exit 3. */
  waitReadyMs?: number;
}

export interface PreparedRun {
  loaded: LoadedConfig;
  redactor: Redactor;
  log: Logger;
  /** Everything `runJourneys` needs except the journeys and progress events. */
  runOptions: RunOptions;
}

/** Loads the config and builds the redactor, logger and run options once, for `run`, `demo` and `janitor`. */
export async function prepareRun(
  options: Omit<ExecuteOptions, 'journeys' | 'reporters' | 'failOnDegraded'>,
): Promise<PreparedRun> {
  const redactor = new Redactor();
  scrubStrayFaultsWith(redactor);
  const runId = randomUUID();
  const log = createLogger(redactor, options.logLevel ?? 'warn', options.logFormat ?? 'json').child({ runId });
  const loaded = await loadConfig(options.configPath, {
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.targets === undefined ? {} : { targets: options.targets }),
  });
  for (const value of Object.values(loaded.secrets)) redactor.add(value);
  // The validation pass's warnings (insecure TLS, cleanup overlap), one log line each, as `prober validate` prints them.
  for (const w of loaded.warnings) log.warn({ path: w.path }, problemLine(w));
  const settings = loaded.config.journeys;
  const runOptions: RunOptions = {
    runId,
    environment: loaded.config.environment,
    location: resolveLocation({
      flag: options.location,
      env: options.env ?? process.env,
      config: loaded.config.location,
    }),
    targets: loaded.config.targets,
    secrets: loaded.secrets,
    variables: loaded.config.variables,
    redactor,
    io: apiStepIo({ maxBodyBytes: loaded.config.http.maxBodyBytes, tlsFor: loaded.tls.tlsFor }),
    userAgent: `node/${process.versions.node} ${USER_AGENT_TOKEN}`,
    maxBodyBytes: loaded.config.http.maxBodyBytes,
    signal: options.signal,
    janitorOlderThanMs: loaded.config.janitor.enabled ? loaded.config.janitor.olderThanMs : undefined,
    overrides: Object.fromEntries(
      Object.entries(settings).map(([name, s]) => [
        name,
        { timeoutMs: s.timeoutMs, budgetMs: s.budgetMs, steps: s.steps },
      ]),
    ),
  };
  return { loaded, redactor, log, runOptions };
}

/** Load → select → run → every sink (reporters, store + alerting, delivery, log) → exit code: `prober run` and `prober demo`. */
export async function executeRun(options: ExecuteOptions): Promise<{ exitCode: number; result?: RunResult }> {
  const reporters = createReporterOutlets(options.reporters);
  const { loaded, log, redactor, runOptions } = await prepareRun(options);
  const otlp = otlpSink(loaded.config, options.env ?? process.env);
  let selected = filterJourneys(
    selectJourneys(loaded.journeys, options.journeys, (name) => loaded.config.journeys[name]?.enabled !== false),
    options.filter ?? {},
  );
  const endpoints = versionEndpoints(loaded, Object.keys(options.expectVersions ?? {}));
  const headers = { 'user-agent': runOptions.userAgent, 'x-synthetic-probe': runOptions.runId ?? '' };
  if (options.expectVersions !== undefined && Object.keys(options.expectVersions).length > 0) {
    const gate = await waitForVersions(
      options.expectVersions,
      endpoints,
      options.waitReadyMs ?? 0,
      headers,
      options.signal,
    );
    if (!gate.ok) {
      process.stderr.write(`prober: ${gate.message}\n`);
      return { exitCode: EXIT.versionGate };
    }
  }
  const browser = { ...browserSettings(loaded.config.browser), ...options.browser };
  checkUntilStep(options.untilStep, selected);
  if (options.onBrowserMissing !== undefined)
    selected = dropBrowserJourneysIfNoBrowser(selected, browser, options.onBrowserMissing);
  const runId = runOptions.runId ?? randomUUID();
  // One store handle for the whole run: the run, its alert state and the outbox go through it.
  const recording =
    options.store === undefined ? undefined : await recorder(options.store, loaded, log, redactor, options);
  const watch = watchRun({
    journeys: selected,
    runId,
    environment: loaded.config.environment,
    redactor,
    reporters: options.reporters,
  });
  try {
    const result = await runSelected({
      loaded,
      base: { ...runOptions, untilStep: options.untilStep },
      browser: options.browser,
      journeys: selected,
      runId,
      redactor,
      log,
      signal: options.signal,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
      versionTargets: Object.keys(options.expectVersions ?? {}),
      onEvent: (event) => {
        watch.onEvent(event);
        logRunEvent(log, event);
        for (const r of reporters) r.reporter.onEvent?.(event);
      },
    }).finally(() => watch.stop());
    const sinks = runSinks({
      log,
      reporters,
      ...(otlp === undefined ? {} : { others: [otlp] }),
      ...(recording === undefined
        ? {}
        : { record: { store: recording.store, alerts: recording.alerting.pipeline }, deliver: recording.deliver }),
    });
    const failures = await writeToSinks(sinks, result, (f) => process.stderr.write(`${failureLine(f)}\n`));
    const code = exitCodeFor(result.status, options.failOnDegraded, options.allowFlaky === true);
    // A sink that failed means part of the outcome was lost: exit 2, decided only now that every sink ran.
    return { exitCode: failures.length > 0 ? EXIT.error : code, result };
  } finally {
    await recording?.store.close();
  }
}

/** `--store`: the store (resilient: a fault holds the write instead of losing the run) and alerting over it. */
async function recorder(flag: string, loaded: LoadedConfig, log: Logger, redactor: Redactor, options: ExecuteOptions) {
  // Loaded only with --store: a cold `prober run` without one pays for no alert channels or store plumbing.
  const [{ probedJourneys }, { createAlerting, storeFault }, { ResilientStore }] = await Promise.all([
    import('../alert/alert-pipeline.js'),
    import('../alert/alerting.js'),
    import('../store/resilient-store.js'),
  ]);
  const environment = loaded.config.environment;
  const { target, secrets } = storeTarget(loaded.config.store, flag, options.env ?? process.env);
  for (const s of secrets) redactor.add(s);
  const inner = await openStore(target, {
    busyTimeoutMs: SHORT_BUSY_TIMEOUT_MS,
    onInvalid: (runId, problem) => log.warn({ runId, problem }, 'store/invalid-document'),
  });
  let onHealth: () => void = () => undefined;
  const store = new ResilientStore(inner, { label: storeLabel(target), log, onHealthChange: () => onHealth() });
  const alerting = createAlerting({
    alerts: loaded.config.alerts,
    store,
    log,
    redactor,
    env: options.env ?? process.env,
    storeFault: () => storeFault(store),
  });
  onHealth = () =>
    void alerting.pipeline
      .storeHealthChanged(environment)
      .catch((err: unknown) => log.error({ err: String(err) }, 'alert/store-health-failed'));
  // Journeys disabled or removed while firing are resolved first (serialised before this run's alerting).
  alerting.pipeline
    .retire(
      environment,
      probedJourneys(
        loaded.journeys.map((j) => j.name),
        loaded.config.journeys,
      ),
    )
    .catch((err: unknown) => log.error({ err: String(err) }, 'alert/retire-failed'));
  const retention = {
    maxAgeDays: loaded.config.store.retentionDays,
    maxRunsPerJourney: loaded.config.store.maxRunsPerJourney,
  };
  const deliver = async () => {
    await alerting.pipeline.idle();
    await store.prune(retention);
    const { pending } = await alerting.deliverer.flush(loaded.config.alerts.delivery.flushMs, options.signal);
    if (pending > 0)
      log.warn(
        { pending, boundMs: loaded.config.alerts.delivery.flushMs },
        'alert/outbox-pending: left for the next invocation',
      );
  };
  return { store, alerting, deliver };
}
