import { unsetRefProblems } from './check-env-refs.js';
import { dirname } from 'node:path';
import { isJourneyDefinition, type JourneyDefinition } from '../journey/define.js';
import { artifactsDirProblems } from './artifacts-dir-guard.js';
import { serverConfigProblems } from './server-config.js';
import { checkJourneys, shortSecretProblems } from './check-journeys.js';
import { weakSecretWarnings } from './check-secret-strength.js';
import { scheduleProblems } from './check-schedule.js';
import { sourceNameProblems } from './check-source-names.js';
import { discoverJourneys, type Discovered } from './discover-journeys.js';
import { discoverSuites, mergeDiscovered } from './discover-suites.js';
import { resolveSecrets } from './env-refs.js';
import { formatPath, issuesToTypedProblems, problem, warning, type Problem } from './problems.js';
import { ConfigSchema, type ProberConfig } from './schema.js';
import { resolveTls, type TlsSettings } from './tls-settings.js';

export interface LoadedConfig {
  path: string;
  config: ProberConfig;
  /** Resolved secret values; never printed, registered with the redactor by the caller. */
  secrets: Record<string, string>;
  journeys: JourneyDefinition[];
  tls: Omit<TlsSettings, 'problems'>;
  /** What the validation pass found risky but not wrong: `validate` prints these, `run` and `schedule` log them. */
  warnings: Problem[];
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** `--target NAME=URL` overrides, applied before validation so they are checked too. */
  targets?: Record<string, string>;
  /** `prober list` shows journeys without needing the secrets to be exported. */
  skipSecrets?: boolean;
  /** `prober validate`: also every `${env:}` reference another command would need (channels, store, OTLP). */
  everyCommand?: boolean;
  /** Journeys handed over as objects (`createProber({ journeys })`), checked and run with the discovered ones. */
  journeys?: readonly JourneyDefinition[];
  /** `prober run` of every journey: a suite whose listing is not cached is listed by its own run (discoverSuites). */
  wholeSuites?: boolean;
}

/** Every problem found, and the loaded config when none of them is an error. */
export interface Validation {
  problems: Problem[];
  loaded: LoadedConfig | undefined;
}

/**
 * The one validation pass behind `prober validate`, `prober run` and `prober schedule` (and the `run()` API), so
 * they cannot disagree: the schema first (its issues are all collected; the cross-checks need a parsed config),
 * then secrets, TLS files, journey discovery and definitions, names used in journey sources, schedule budgets with
 * each journey's effective timeout, and the warnings (insecure TLS, cleanup that can overlap the next tick).
 */
export async function validateConfig(raw: unknown, file: string, options: LoadOptions = {}): Promise<Validation> {
  if (typeof raw === 'object' && raw !== null && options.targets !== undefined) {
    const r = raw as { targets?: Record<string, unknown> };
    raw = { ...r, targets: { ...r.targets, ...options.targets } };
  }
  const given = givenJourneys(options.journeys ?? []);
  const parsed = ConfigSchema.safeParse(raw);
  const unnamed = noJourneyProblems(raw, (options.journeys ?? []).length);
  if (!parsed.success)
    return { problems: [...issuesToTypedProblems(parsed.error.issues), ...unnamed], loaded: undefined };
  if (unnamed.length > 0) return { problems: unnamed, loaded: undefined };
  const config = parsed.data;
  const secrets =
    options.skipSecrets === true
      ? { values: {}, problems: [] }
      : resolveSecrets(config.secrets, options.env ?? process.env);
  // Playwright suites: their tests are journeys too, checked with the rest (listed while the probes load).
  const [discovered, suites] = await Promise.all([
    discoverJourneys(config.probes, dirname(file)),
    discoverSuites(config, dirname(file), options.env ?? process.env, { wholeSuite: options.wholeSuites === true }),
  ]);
  mergeDiscovered(discovered, suites);
  const tls = resolveTls(config, dirname(file));
  const files = discovered.journeys.map((j) => j.file);
  mergeDiscovered(discovered, given);
  const journeys = discovered.journeys.map((j) => j.def);
  const problems: Problem[] = [
    ...secrets.problems,
    ...shortSecretProblems(secrets.values),
    ...weakSecretWarnings(secrets.values),
    ...(options.everyCommand === true ? unsetRefProblems(config, options.env ?? process.env) : []),
    ...tls.problems,
    ...discovered.problems,
    ...checkJourneys(config, discovered.journeys),
    ...sourceNameProblems(config, files),
    ...scheduleProblems(config, journeys),
    ...(await artifactsDirProblems(config, file)),
    ...serverConfigProblems(config.server, options.skipSecrets === true ? undefined : (options.env ?? process.env)),
    ...tls.insecureTargets.map((target) =>
      warning(
        formatPath(['tls', target, 'insecure']),
        `TLS verification is disabled for target ${target}`,
        'results cannot prove the certificate is valid',
      ),
    ),
  ];
  if (problems.some((p) => p.severity === 'error')) return { problems, loaded: undefined };
  return {
    problems,
    loaded: {
      path: file,
      config,
      secrets: secrets.values,
      journeys,
      tls: { tlsFor: tls.tlsFor, insecureTargets: tls.insecureTargets },
      warnings: problems.filter((p) => p.severity === 'warning'),
    },
  };
}

/** Journey objects from code, each under its index (`journeys[0]`) as a file's journeys are under the file. */
function givenJourneys(given: readonly unknown[]): Discovered {
  const out: Discovered = { journeys: [], problems: [] };
  for (const [i, def] of given.entries()) {
    if (isJourneyDefinition(def)) out.journeys.push({ def, file: `journeys[${i}]` });
    else out.problems.push(problem(`journeys[${i}]`, 'not a journey', 'pass what journey({ ... }) returns'));
  }
  return out;
}

/** A config must name its journeys somewhere: `probes` globs, Playwright `suites`, or journey objects from code. */
function noJourneyProblems(raw: unknown, given: number): Problem[] {
  if (given > 0 || typeof raw !== 'object' || raw === null) return [];
  const { probes, suites } = raw as { probes?: unknown; suites?: unknown };
  const named = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
  if (named(probes) || named(suites)) return [];
  return [problem('probes', 'name at least one journey file glob in probes, or a Playwright suite in suites')];
}
