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
import { runJourneys } from '../journey/run.js';
import type { RunEvent } from '../journey/runner.js';
import { createLogger } from '../log.js';
import { Redactor } from '../redact.js';
import { browserSettings } from '../steps/browser-launcher.js';
import { withBrowserRun } from '../steps/browser-run.js';
import { apiStepIo } from '../steps/step-io.js';
import { readVersions } from '../steps/version-probe.js';
import { USER_AGENT_TOKEN } from '../version.js';

/** What `run()` takes: the same choices as `prober run`, as data. */
export interface RunInput {
  /** A config file (TypeScript, JavaScript or JSON), or the config itself as `defineConfig` takes it. */
  config: string | ProberConfigInput;
  /** Journey names to run. @defaultValue every enabled journey */
  journeys?: readonly string[];
  /** Where a config object's relative paths (`probes` globs, TLS files) start. @defaultValue process.cwd() */
  cwd?: string;
  /** Where `${env:NAME}` secrets are read. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** Target overrides, like `--target NAME=URL`. */
  targets?: Record<string, string>;
  /** Re-run a failed journey up to N times; a later pass is `flaky`. @defaultValue 0 */
  retries?: number;
  /** Stops the run: steps in flight end as `aborted` and the result is still returned. */
  signal?: AbortSignal;
  /** Journey and step start/end as they happen (the same events the console and ndjson reporters get). */
  onEvent?: (event: RunEvent) => void;
  /** pino level of the prober's own logs on stderr. @defaultValue 'warn' */
  logLevel?: Level | 'silent';
}

/**
 * Runs journeys once and returns the `prober.run/v1` result, for use from code (a test suite, a script, a bench).
 * No reporter, store or alerting runs and nothing is printed except warnings; the CLI is never loaded. A bad config
 * throws a `ProberSetupError` whose `problems` are the lines `prober validate` would print; a failing environment
 * is not an exception, it is `result.status === 'fail'`.
 */
export async function run(input: RunInput): Promise<RunResult> {
  const options = { ...(input.env === undefined ? {} : { env: input.env }), ...(input.targets === undefined ? {} : { targets: input.targets }) };
  const loaded =
    typeof input.config === 'string'
      ? await loadConfig(resolve(input.cwd ?? process.cwd(), input.config), options)
      : await resolveConfig(input.config, join(resolve(input.cwd ?? process.cwd()), 'prober.config.ts'), options);
  const redactor = new Redactor();
  for (const value of Object.values(loaded.secrets)) redactor.add(value);
  const runId = randomUUID();
  const log = createLogger(redactor, input.logLevel ?? 'warn').child({ runId });
  for (const target of loaded.tls.insecureTargets) log.warn({ target }, `TLS verification is disabled for target ${target}`);
  const selected = selectJourneys(loaded, input.journeys ?? []);
  const userAgent = `node/${process.versions.node} ${USER_AGENT_TOKEN}`;
  const observed = await readVersions(versionEndpoints(loaded), 2_000, { 'user-agent': userAgent, 'x-synthetic-probe': runId });
  const versions = Object.fromEntries(Object.entries(observed).map(([k, v]) => [k, 'version' in v ? v.version : null]));
  const api = apiStepIo({ maxBodyBytes: loaded.config.http.maxBodyBytes, tlsFor: loaded.tls.tlsFor });
  const browserRun = { settings: browserSettings(loaded.config.browser), runId, journeys: selected, redactor, api };
  return withBrowserRun(browserRun, (io) =>
    runJourneys(selected, {
      runId,
      environment: loaded.config.environment,
      location: resolveLocation({ env: input.env ?? process.env, config: loaded.config.location }),
      targets: loaded.config.targets,
      secrets: loaded.secrets,
      variables: loaded.config.variables,
      redactor,
      io,
      userAgent,
      maxBodyBytes: loaded.config.http.maxBodyBytes,
      signal: input.signal,
      retries: input.retries,
      versions: Object.keys(versions).length === 0 ? undefined : versions,
      janitorOlderThanMs: loaded.config.janitor.enabled ? loaded.config.janitor.olderThanMs : undefined,
      overrides: Object.fromEntries(
        Object.entries(loaded.config.journeys).map(([name, s]) => [name, { timeoutMs: s.timeoutMs, budgetMs: s.budgetMs, steps: s.steps }]),
      ),
      ...(input.onEvent === undefined ? {} : { onEvent: input.onEvent }),
    }),
  );
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
  if (unknown.length > 0) throw new ProberSetupError(unknown.map((n) => `${n}: no such journey (known: ${all.map((j) => j.name).join(', ')})`));
  return all.filter((j) => names.includes(j.name));
}
