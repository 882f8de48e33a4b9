import { z } from 'zod';
import type { ListingKey } from './suite-list-cache.js';

/** An environment value handed to the suite's process: a literal, or a config secret, target URL or variable. */
const SuiteEnvValue = z.union([
  z.string(),
  z.object({ secret: z.string().min(1) }).strict(),
  z.object({ target: z.string().min(1) }).strict(),
  z.object({ variable: z.string().min(1) }).strict(),
]);
export type SuiteEnvValue = z.infer<typeof SuiteEnvValue>;

/**
 * A Playwright Test suite the team already has, run in place as journeys: `playwright test` from the folder of its
 * config file, with the project's own installed `@playwright/test`.
 */
export const SuiteConfigSchema = z
  .object({
    /** The Playwright config file, relative to the prober config file. */
    config: z.string().min(1),
    /** Prefix of the journey names (`<name>: <test title>`). @defaultValue the config file's folder name */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" or "-"')
      .optional(),
    /** Only these Playwright projects (their `dependencies`, e.g. a `setup` project, still run first). */
    projects: z.array(z.string().min(1)).optional(),
    /** Only tests whose title (tags included) matches, as `playwright test --grep`. */
    grep: z.string().min(1).optional(),
    grepInvert: z.string().min(1).optional(),
    /** Each test is a journey (default), or each spec file is one journey whose steps are its tests' steps. */
    mapping: z.enum(['test', 'file']).default('test'),
    /** The service of steps no annotation or target URL names. @defaultValue the target matching the project's baseURL, else the first target */
    service: z.string().min(1).optional(),
    /** Deadline of one run of the suite's process; it and its browsers are killed at it. @defaultValue 120000 */
    timeoutMs: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .default(120_000),
    /** `--workers` for the suite's process. @defaultValue the Playwright config's */
    workers: z.number().int().positive().optional(),
    /** Environment variables for the suite, e.g. `{ E2E_PASSWORD: { secret: 'password' } }`; secrets are redacted. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), SuiteEnvValue).default({}),
  })
  .strict();
export type SuiteConfig = z.output<typeof SuiteConfigSchema>;

export const SuitesConfigSchema = z.array(SuiteConfigSchema).default([]);

/** What a journey from a suite runs: the tests Playwright listed for it, by file and line. */
export interface SuiteTestRef {
  /** The journey name. */
  name: string;
  /** Index of the suite in the config's `suites`. */
  suite: number;
  suiteName: string;
  /** Absolute path of the Playwright config file. */
  configFile: string;
  /** Absolute paths of spec files that failed to load; the run leaves them out. */
  brokenFiles: readonly string[];
  /** The tests of this journey: Playwright's test ids, and `file:line` to select them on the command line. */
  tests: readonly { id: string; file: string; line: number; project: string; title: string }[];

  /**
   * Set for the one journey that stands for a whole suite not listed yet (see `wholeSuiteJourney`), with the key
   * under which the run's own listing is cached (absent when the cache is off).
   */
  whole?: { cacheKey?: ListingKey | undefined };
  /** Set when the journey stands for a spec file that does not load: it is judged `error` without running. */
  loadError?: { message: string; location?: string };
  defaultService: string;
  tags: readonly string[];
}

/** Where a suite's `env` names its values from: the config's targets and variables, and its secrets when running. */
export interface SuiteEnvSources {
  targets: Readonly<Record<string, string>>;
  variables: Readonly<Record<string, string>>;
  /** Absent when only listing the suite: a listing never needs a secret. */
  secrets?: Readonly<Record<string, string>>;
}

/** A suite's `env` resolved: literals, and targets, variables and secrets by name (a name with no value is left out). */
export function resolveSuiteEnv(s: SuiteConfig, from: SuiteEnvSources): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, v] of Object.entries(s.env)) {
    const value =
      typeof v === 'string'
        ? v
        : 'secret' in v
          ? from.secrets?.[v.secret]
          : 'target' in v
            ? from.targets[v.target]
            : from.variables[v.variable];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
