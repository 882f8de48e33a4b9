import type { Level } from 'pino';
import type { LoadedConfig } from '../config/load-config.js';
import { resolveLocation } from '../config/location.js';
import { problemLine } from '../config/problems.js';
import type { RunOptions } from '../journey/run.js';
import { createLogger, type Logger } from '../log.js';
import type { LogFormat } from '../log-format.js';
import { Redactor } from '../redact.js';
import { apiStepIo } from '../steps/step-io.js';
import { checkReachable } from '../steps/tcp-reachability.js';
import { USER_AGENT_TOKEN } from '../version.js';

/** What every entry point chooses about the prober itself (not about one run): from flags, or `createProber()`. */
export interface BaseChoices {
  /** Where `${env:NAME}` references, `PROBER_LOCATION` and OTLP headers are read. @defaultValue process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** `--location`: where this prober stands (beats PROBER_LOCATION and the config's `location`). */
  location?: string | undefined;
  logLevel?: Level | 'silent' | undefined;
  /** `--log-format`: human lines or pino JSON on stderr. @defaultValue 'json' */
  logFormat?: LogFormat | undefined;
  /** Fixed for a one-shot command (its log lines carry it); a long-lived prober gives every run its own. */
  runId?: string | undefined;
  /** The daemon URL that serves this prober's artifacts (fleet), recorded in every result. */
  artifactsUrl?: string | undefined;
}

export interface BaseRun {
  /** The config's secrets (and the store's and channels' once opened); each run scrubs with a copy of it. */
  redactor: Redactor;
  log: Logger;
  /** Everything the runner needs except the journeys, the per-run id, redactor, io and signal. */
  runOptions: RunOptions;
}

/** `node/20.20.0 golden-path-prober/0.1.0`: what every request of a probe says it is. */
export const USER_AGENT = `node/${process.versions.node} ${USER_AGENT_TOKEN}`;

/** The tag headers of a probe's own requests outside steps (version reads, the version gate). */
export function probeHeaders(runId: string): Record<string, string> {
  return { 'user-agent': USER_AGENT, 'x-synthetic-probe': runId };
}

/**
 * The redactor, the logger and the run options every entry point shares: targets, secrets, variables, the step io
 * with each target's TLS, the janitor, per-journey overrides. The validation pass's warnings (insecure TLS, cleanup
 * overlap) are logged here, one line each as `prober validate` prints them, so the CLI and the API log the same.
 */
export function baseRun(loaded: LoadedConfig, choices: BaseChoices): BaseRun {
  const redactor = new Redactor();
  for (const value of Object.values(loaded.secrets)) redactor.add(value);
  const root = createLogger(redactor, choices.logLevel ?? 'warn', choices.logFormat ?? 'json');
  const log = choices.runId === undefined ? root : root.child({ runId: choices.runId });
  for (const w of loaded.warnings) log.warn({ path: w.path }, problemLine(w));
  const { config } = loaded;
  const runOptions: RunOptions = {
    ...(choices.runId === undefined ? {} : { runId: choices.runId }),
    environment: config.environment,
    location: resolveLocation({ flag: choices.location, env: choices.env ?? process.env, config: config.location }),
    ...(choices.artifactsUrl === undefined ? {} : { artifactsUrl: choices.artifactsUrl }),
    targets: config.targets,
    secrets: loaded.secrets,
    variables: config.variables,
    redactor,
    io: apiStepIo({ maxBodyBytes: config.http.maxBodyBytes, tlsFor: loaded.tls.tlsFor }),
    userAgent: USER_AGENT,
    maxBodyBytes: config.http.maxBodyBytes,
    reach: checkReachable,
    janitorOlderThanMs: config.janitor.enabled ? config.janitor.olderThanMs : undefined,
    overrides: Object.fromEntries(
      Object.entries(config.journeys).map(([name, s]) => [
        name,
        { timeoutMs: s.timeoutMs, budgetMs: s.budgetMs, steps: s.steps },
      ]),
    ),
  };
  return { redactor, log, runOptions };
}
