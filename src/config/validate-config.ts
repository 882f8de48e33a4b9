import { unsetRefProblems } from './check-env-refs.js';
import { dirname } from 'node:path';
import type { JourneyDefinition } from '../journey/define.js';
import { artifactsDirProblems } from './artifacts-dir-guard.js';
import { serverConfigProblems } from './server-config.js';
import { checkJourneys, shortSecretProblems } from './check-journeys.js';
import { weakSecretWarnings } from './check-secret-strength.js';
import { scheduleProblems } from './check-schedule.js';
import { sourceNameProblems } from './check-source-names.js';
import { discoverJourneys } from './discover-journeys.js';
import { discoverSuites, mergeDiscovered } from './discover-suites.js';
import { resolveSecrets } from './env-refs.js';
import { formatPath, issuesToTypedProblems, warning, type Problem } from './problems.js';
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
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) return { problems: issuesToTypedProblems(parsed.error.issues), loaded: undefined };
  const config = parsed.data;
  const secrets =
    options.skipSecrets === true
      ? { values: {}, problems: [] }
      : resolveSecrets(config.secrets, options.env ?? process.env);
  const discovered = await discoverJourneys(config.probes, dirname(file));
  // Playwright suites (issue 27): their tests are journeys too, checked with the rest.
  mergeDiscovered(discovered, await discoverSuites(config, dirname(file), options.env ?? process.env));
  const tls = resolveTls(config, dirname(file));
  const journeys = discovered.journeys.map((j) => j.def);
  const problems: Problem[] = [
    ...secrets.problems,
    ...shortSecretProblems(secrets.values),
    ...weakSecretWarnings(secrets.values),
    ...(options.everyCommand === true ? unsetRefProblems(config, options.env ?? process.env) : []),
    ...tls.problems,
    ...discovered.problems,
    ...checkJourneys(config, discovered.journeys),
    ...sourceNameProblems(
      config,
      discovered.journeys.map((j) => j.file),
    ),
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
