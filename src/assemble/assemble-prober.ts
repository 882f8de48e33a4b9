import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from '../config/load-config.js';
import type { JourneyDefinition } from '../journey/define.js';
import type { RunResult } from '../journey/result-schema.js';
import type { RunOptions } from '../journey/run.js';
import type { Logger } from '../log.js';
import { logRunEvent } from '../pipeline/log-events.js';
import { runToResult, type RunToResultOptions } from '../pipeline/run-to-result.js';
import { buildSinks } from '../pipeline/build-sinks.js';
import { writeToSinks, type Sink, type SinkFailure } from '../pipeline/sink.js';
import type { Redactor } from '../redact.js';
import type { KnownJourney, ProberMetrics } from '../report/metrics.js';
import { otlpSink } from '../otlp/otlp-sink.js';
import { createReporterOutlets, type ReporterSpec } from '../report/reporters.js';
import type { Reporter } from '../report/reporter.js';
import type { StoreOpenError } from '../store/open-store.js';
import { baseRun, type BaseChoices } from './base-run.js';
import type { Recording, RecordingChoices } from './recording.js';
import type { RunSelection } from './select-journeys.js';

/** What an entry point chooses about the prober it assembles: the base choices and which outlets it has. */
export interface ProberChoices extends BaseChoices {
  /** Record every run in a state store, with alerting over it. Without it nothing is stored or alerted. */
  store?: Omit<RecordingChoices, 'metrics'> | undefined;
  /** `--reporter` specs; `[]` is the console reporter. Without it (the API) no reporter runs. */
  reporters?: readonly ReporterSpec[] | undefined;
  /** Export spans when the config has an `otlp` section. @defaultValue false */
  otlp?: boolean | undefined;
  /** The daemon's Prometheus metrics, with the journeys whose series exist before their first run. */
  metrics?: { known: readonly KnownJourney[] } | undefined;
  /** A sink failed (the others still ran). @defaultValue a `sink/failed` log line (and the metric) */
  onSinkFailure?: ((failure: SinkFailure) => void) | undefined;
}

/** What one run adds to a selection, for the entry points that run journeys their own way (the daemon). */
export type PerRun = Omit<RunSelection, 'journeys' | 'grep' | 'tags'> &
  Pick<RunToResultOptions, 'session' | 'cleanupAfterAbortMs' | 'versionTargets' | 'versionTimeoutMs'> & {
    runId?: string | undefined;
    /** @defaultValue a copy of the prober's (a one-shot command with a fixed run id: the prober's own) */
    redactor?: Redactor | undefined;
  };

/** A prober, assembled once from a loaded config: what every entry point (CLI, daemon, API) runs journeys with. */
export interface AssembledProber {
  loaded: LoadedConfig;
  redactor: Redactor;
  log: Logger;
  /** The runner's options every run starts from. */
  base: RunOptions;
  recording?: Recording | undefined;
  /** The store was chosen but could not be opened: runs are judged and reported, not stored. */
  notStored?: StoreOpenError | undefined;
  metrics?: ProberMetrics | undefined;
  /** Every outlet of a finished run, in the order they are written. */
  sinks: readonly Sink[];
  sinkFailed(failure: SinkFailure): void;
  /** Runs journeys (always ending in a result, see runToResult) and hands the result to every sink. */
  run(journeys: readonly JourneyDefinition[], perRun?: PerRun): Promise<{ result: RunResult; failures: SinkFailure[] }>;
  close(): Promise<void>;
}

/**
 * The composition root: (loaded config, choices) → prober. The one place that builds the base run options, opens
 * the store (with its resilient wrapper, alerting, health hook and retiring), and constructs the sinks.
 */
export async function assembleProber(loaded: LoadedConfig, choices: ProberChoices = {}): Promise<AssembledProber> {
  const env = choices.env ?? process.env;
  const { redactor, log, runOptions: base } = baseRun(loaded, choices);
  const metrics =
    choices.metrics === undefined
      ? undefined
      : new (await import('../report/metrics.js')).ProberMetrics({
          environment: loaded.config.environment,
          location: base.location,
          known: choices.metrics.known,
        });
  const opened =
    choices.store === undefined
      ? undefined
      : await (await import('./recording.js')).openRecording(
          { loaded, log, redactor, env },
          { ...choices.store, metrics },
        );
  const recording = opened !== undefined && 'recording' in opened ? opened.recording : undefined;
  const reporters = choices.reporters === undefined ? [] : createReporterOutlets(choices.reporters);
  const sinks = assembleSinks({ loaded, log, env, metrics, recording, reporters, otlp: choices.otlp === true });
  const sinkFailed =
    choices.onSinkFailure ??
    ((f: SinkFailure) => {
      metrics?.sinkFailed(f.sink);
      log.error({ sink: f.sink, where: f.where, err: f.error }, 'sink/failed');
    });
  return {
    loaded,
    redactor,
    log,
    base,
    recording,
    notStored: opened !== undefined && 'notOpened' in opened ? opened.notOpened : undefined,
    metrics,
    sinks,
    sinkFailed,
    async run(journeys, perRun = {}) {
      const result = await runOnce({ loaded, base, log, redactor, reporters }, journeys, perRun);
      return { result, failures: await writeToSinks(sinks, result, sinkFailed) };
    },
    close: async () => recording?.close(),
  };
}

interface SinkParts {
  loaded: LoadedConfig;
  log: Logger;
  env: NodeJS.ProcessEnv;
  metrics: ProberMetrics | undefined;
  recording: Recording | undefined;
  reporters: readonly { reporter: Reporter; where?: string | undefined }[];
  otlp: boolean;
}

function assembleSinks(p: SinkParts): Sink[] {
  const otlp = p.otlp ? otlpSink(p.loaded.config, p.env) : undefined;
  return buildSinks({
    log: p.log,
    metrics: p.metrics,
    reporters: p.reporters,
    ...(otlp === undefined ? {} : { others: [otlp] }),
    ...(p.recording === undefined
      ? {}
      : {
          record: { store: p.recording.store, alerts: p.recording.alerting.recorder },
          deliver: p.recording.deliver,
        }),
  });
}

interface RunParts {
  loaded: LoadedConfig;
  base: RunOptions;
  log: Logger;
  redactor: Redactor;
  reporters: readonly { reporter: Reporter }[];
}

function runOnce(p: RunParts, journeys: readonly JourneyDefinition[], perRun: PerRun): Promise<RunResult> {
  const runId = perRun.runId ?? p.base.runId ?? randomUUID();
  const redactor = perRun.redactor ?? (runId === p.base.runId ? p.redactor : p.redactor.copy());
  const shown = p.reporters.some((r) => r.reporter.name === 'console');
  const onEvent: RunOptions['onEvent'] = (event) => {
    perRun.onEvent?.(event);
    logRunEvent(p.log, event, shown);
    for (const r of p.reporters) r.reporter.onEvent?.(event);
  };
  return runToResult({
    loaded: p.loaded,
    base: perRun.untilStep === undefined ? p.base : { ...p.base, untilStep: perRun.untilStep },
    journeys,
    runId,
    redactor,
    log: p.log,
    signal: perRun.signal,
    onEvent,
    retries: perRun.retries,
    retryDelayMs: perRun.retryDelayMs,
    browser: perRun.browser,
    session: perRun.session,
    cleanupAfterAbortMs: perRun.cleanupAfterAbortMs,
    versionTargets: perRun.versionTargets,
    versionTimeoutMs: perRun.versionTimeoutMs,
  });
}
