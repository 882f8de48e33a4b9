import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Level } from 'pino';
import { loadConfig, resolveConfig, type LoadedConfig } from '../config/load-config.js';
import { resolveLocation } from '../config/location.js';
import type { ProberConfigInput } from '../config/schema.js';
import { versionEndpoints } from '../config/version-endpoints.js';
import type { JourneyDefinition } from '../journey/define.js';
import { ProberSetupError } from '../journey/errors.js';
import type { RunResult } from '../journey/result-schema.js';
import { runJourneys, type RunOptions } from '../journey/run.js';
import type { RunEvent } from '../journey/runner.js';
import { createLogger } from '../log.js';
import { Redactor } from '../redact.js';
import { browserSettings } from '../steps/browser-launcher.js';
import { withBrowserRun } from '../steps/browser-run.js';
import { apiStepIo } from '../steps/step-io.js';
import { readVersions } from '../steps/version-probe.js';
import { USER_AGENT_TOKEN } from '../version.js';

/** What `createProber()` takes: the config and what is resolved with it, once. */
export interface ProberInput {
  /** A config file (TypeScript, JavaScript or JSON), or the config itself as `defineConfig` takes it. */
  config: string | ProberConfigInput;
  /** Where a config object's relative paths (`probes` globs, TLS files) start. @defaultValue process.cwd() */
  cwd?: string;
  /** Where `${env:NAME}` secrets (and `PROBER_LOCATION`) are read, once, when the prober is created. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** Target overrides, like `--target NAME=URL`. */
  targets?: Record<string, string>;
  /** pino level of the prober's own logs on stderr. @defaultValue 'warn' */
  logLevel?: Level | 'silent';
}

/** What one `prober.run()` takes: the choices `prober run` makes per run, as data. */
export interface RunSelection {
  /** Journey names to run. @defaultValue every enabled journey */
  journeys?: readonly string[];
  /** Re-run a failed journey up to N times; a later pass is `flaky`. @defaultValue 0 */
  retries?: number;
  /** Stops the run: steps in flight end as `aborted` and the result is still returned. */
  signal?: AbortSignal;
  /** Journey and step start/end as they happen (the same events the console and ndjson reporters get). */
  onEvent?: (event: RunEvent) => void;
}

/** A loaded config, ready to run its journeys as often as asked (a test suite's `beforeAll`, a long-lived service). */
export interface Prober {
  /** Every journey the config found, enabled or not. */
  readonly journeys: readonly string[];
  /**
   * Runs journeys once and returns a fresh `prober.run/v1` result. Nothing is shared between runs except the
   * config: every run has its own run id, connections, cookies and redaction of the tokens it minted.
   */
  run(selection?: RunSelection): Promise<RunResult>;
}

/**
 * Loads and checks a config once (the schema, probe discovery, secrets from `env`), for code that runs journeys
 * repeatedly: `run()` does this on every call. A bad config throws a `ProberSetupError` whose `problems` are the
 * lines `prober validate` would print; a failing environment is not an exception, it is `result.status === 'fail'`.
 */
export async function createProber(input: ProberInput): Promise<Prober> {
  const options = {
    ...(input.env === undefined ? {} : { env: input.env }),
    ...(input.targets === undefined ? {} : { targets: input.targets }),
  };
  const loaded =
    typeof input.config === 'string'
      ? await loadConfig(resolve(input.cwd ?? process.cwd(), input.config), options)
      : await resolveConfig(input.config, join(resolve(input.cwd ?? process.cwd()), 'prober.config.ts'), options);
  // Only the config's own secrets: the logger outlives runs, and a run's minted tokens must not pile up here.
  const base = new Redactor();
  for (const value of Object.values(loaded.secrets)) base.add(value);
  const log = createLogger(base, input.logLevel ?? 'warn');
  for (const target of loaded.tls.insecureTargets)
    log.warn({ target }, `TLS verification is disabled for target ${target}`);
  const userAgent = `node/${process.versions.node} ${USER_AGENT_TOKEN}`;
  const endpoints = versionEndpoints(loaded);
  const api = apiStepIo({ maxBodyBytes: loaded.config.http.maxBodyBytes, tlsFor: loaded.tls.tlsFor });
  const fixed: Omit<RunOptions, 'runId' | 'redactor' | 'io' | 'signal' | 'retries' | 'versions' | 'onEvent'> = {
    environment: loaded.config.environment,
    location: resolveLocation({ env: input.env ?? process.env, config: loaded.config.location }),
    targets: loaded.config.targets,
    secrets: loaded.secrets,
    variables: loaded.config.variables,
    userAgent,
    maxBodyBytes: loaded.config.http.maxBodyBytes,
    janitorOlderThanMs: loaded.config.janitor.enabled ? loaded.config.janitor.olderThanMs : undefined,
    overrides: Object.fromEntries(
      Object.entries(loaded.config.journeys).map(([name, s]) => [
        name,
        { timeoutMs: s.timeoutMs, budgetMs: s.budgetMs, steps: s.steps },
      ]),
    ),
  };
  return {
    journeys: loaded.journeys.map((j) => j.name),
    async run(selection = {}) {
      const selected = selectJourneys(loaded, selection.journeys ?? []);
      const runId = randomUUID();
      const redactor = base.copy();
      const observed = await readVersions(endpoints, 2_000, { 'user-agent': userAgent, 'x-synthetic-probe': runId });
      const versions = Object.fromEntries(
        Object.entries(observed).map(([k, v]) => [k, 'version' in v ? v.version : null]),
      );
      const browserRun = { settings: browserSettings(loaded.config.browser), runId, journeys: selected, redactor, api };
      return withBrowserRun(browserRun, (io) =>
        runJourneys(selected, {
          ...fixed,
          runId,
          redactor,
          io,
          signal: selection.signal,
          retries: selection.retries,
          versions: Object.keys(versions).length === 0 ? undefined : versions,
          ...(selection.onEvent === undefined ? {} : { onEvent: selection.onEvent }),
        }),
      );
    },
  };
}

/** Named journeys must exist; with none named, every enabled one runs (as `prober run` does). */
function selectJourneys(loaded: LoadedConfig, names: readonly string[]): JourneyDefinition[] {
  const all = loaded.journeys;
  if (names.length === 0) {
    const enabled = all.filter((j) => loaded.config.journeys[j.name]?.enabled !== false);
    if (enabled.length === 0) throw new ProberSetupError(['journeys: no enabled journey to run']);
    return enabled;
  }
  const unknown = names.filter((n) => !all.some((j) => j.name === n));
  if (unknown.length > 0)
    throw new ProberSetupError(
      unknown.map((n) => `${n}: no such journey (known: ${all.map((j) => j.name).join(', ')})`),
    );
  return all.filter((j) => names.includes(j.name));
}
