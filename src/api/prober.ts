import { join, resolve } from 'node:path';
import type { Level } from 'pino';
import { assembleProber } from '../assemble/assemble-prober.js';
import { selectFor, type RunSelection } from '../assemble/select-journeys.js';
import { loadConfig, resolveConfig } from '../config/load-config.js';
import type { ProberConfigInput } from '../config/schema.js';
import type { JourneyDefinition } from '../journey/define.js';
import type { RunResult } from '../journey/result-schema.js';
import { parseReporterSpec } from '../report/reporters.js';

export type { RunSelection } from '../assemble/select-journeys.js';

/** What `createProber()` takes: the config and what is resolved with it, once. */
export interface ProberInput {
  /** A config file (TypeScript, JavaScript or JSON), or the config itself as `defineConfig` takes it. */
  config: string | ProberConfigInput;
  /**
   * Journeys as objects (what `journey({ ... })` returns), checked and run like the ones the config's `probes`
   * globs find: a test can define its journeys where it runs them. A config object then needs no `probes`.
   * @defaultValue only the config's journeys
   */
  journeys?: readonly JourneyDefinition[];
  /** Where a config object's relative paths (`probes` globs, TLS files) start. @defaultValue process.cwd() */
  cwd?: string;
  /** Where `${env:NAME}` secrets (and `PROBER_LOCATION`) are read, once, when the prober is created. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** Target overrides, like `--target NAME=URL`. */
  targets?: Record<string, string>;
  /** Where this prober stands, like `--location` (beats PROBER_LOCATION and the config's `location`). */
  location?: string;
  /** pino level of the prober's own logs on stderr. @defaultValue 'warn' */
  logLevel?: Level | 'silent';
  /**
   * Record every run in the state store, with the config's alerts over it, as `prober run --store` does: `true` for
   * the config's `store`, or a path or postgres:// URL. A store that cannot be opened is logged and runs go on.
   * @defaultValue nothing is stored or alerted
   */
  store?: boolean | string;
  /** Reporters, written as `--reporter` takes them (`junit=out/junit.xml`, `html=report.html`, `json`). @defaultValue none */
  reporters?: readonly string[];
  /** Export each run's spans to the config's `otlp` endpoint, as the CLI does. @defaultValue false */
  otlp?: boolean;
}

/** A loaded config, ready to run its journeys as often as asked (a test suite's `beforeAll`, a long-lived service). */
export interface Prober {
  /** Every journey the config found, enabled or not. */
  readonly journeys: readonly string[];
  /**
   * Runs journeys once and returns a fresh `prober.run/v1` result. Nothing is shared between runs except the
   * config (and the store, when chosen): every run has its own run id, connections, cookies and redaction of the
   * tokens it minted.
   */
  run(selection?: RunSelection): Promise<RunResult>;
  /** Closes the store, when one was chosen (nothing to do otherwise). */
  close(): Promise<void>;
}

/**
 * Loads and checks a config once (the schema, probe discovery, secrets from `env`), for code that runs journeys
 * repeatedly: `run()` does this on every call. A bad config throws a `ProberSetupError` whose `problems` are what
 * `prober validate` would print; a failing environment is not an exception, it is `result.status === 'fail'`,
 * and a prober that cannot judge (a browser that will not launch) is `result.status === 'error'`, as from
 * `prober run`. The config's warnings are logged as `prober run` logs them.
 */
export async function createProber(input: ProberInput): Promise<Prober> {
  const options = {
    ...(input.env === undefined ? {} : { env: input.env }),
    ...(input.targets === undefined ? {} : { targets: input.targets }),
    ...(input.journeys === undefined ? {} : { journeys: input.journeys }),
  };
  const cwd = resolve(input.cwd ?? process.cwd());
  const loaded =
    typeof input.config === 'string'
      ? await loadConfig(resolve(cwd, input.config), options)
      : await resolveConfig(input.config, join(cwd, 'prober.config.ts'), options);
  const prober = await assembleProber(loaded, {
    env: input.env,
    location: input.location,
    logLevel: input.logLevel,
    otlp: input.otlp,
    ...(input.reporters === undefined ? {} : { reporters: input.reporters.map(parseReporterSpec) }),
    ...(input.store === undefined || input.store === false
      ? {}
      : {
          store: {
            flag: input.store === true ? undefined : input.store,
            onOpenFailure: 'skip',
            delivery: 'inline',
          },
        }),
  });
  const notStored = prober.notStored;
  if (notStored !== undefined) prober.log.error(`${notStored.message}; runs are not stored`);
  return {
    journeys: loaded.journeys.map((j) => j.name),
    async run(selection = {}) {
      return (await prober.run(selectFor(loaded, selection), selection)).result;
    },
    close: () => prober.close(),
  };
}
