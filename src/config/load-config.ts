import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { JourneyDefinition } from '../journey/define.js';
import { ProberSetupError } from '../journey/errors.js';
import { sourceNameProblems } from './check-source-names.js';
import { checkJourneys, shortSecretProblems } from './check-journeys.js';
import { discoverJourneys } from './discover-journeys.js';
import { resolveSecrets } from './env-refs.js';
import { importContained, loadErrorMessage } from './import-module.js';
import { issuesToProblems } from './problems.js';
import { ConfigSchema, type ProberConfig } from './schema.js';
import { resolveTls, type TlsSettings } from './tls-settings.js';

export interface LoadedConfig {
  path: string;
  config: ProberConfig;
  /** Resolved secret values; never printed, registered with the redactor by the caller. */
  secrets: Record<string, string>;
  journeys: JourneyDefinition[];
  tls: Omit<TlsSettings, 'problems'>;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** `--target NAME=URL` overrides, applied before validation so they are checked too. */
  targets?: Record<string, string>;
  /** `prober list` shows journeys without needing the secrets to be exported. */
  skipSecrets?: boolean;
}

/** Loads, validates and resolves a config and its journeys, collecting every problem before failing. */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const file = resolve(path);
  if (!existsSync(file)) throw new ProberSetupError([`--config: file not found: ${path}`]);
  let raw: unknown;
  try {
    const mod = await importContained(file, path);
    raw = mod.default ?? mod.config;
  } catch (err) {
    throw new ProberSetupError([`${path}: could not load: ${loadErrorMessage(err)}`]);
  }
  return resolveConfig(raw, file, options);
}

/**
 * Validates and resolves a config given as data (the programmatic `run({ config: {...} })`), with `path` the file it
 * stands for: journey globs and TLS files are relative to its folder.
 */
export async function resolveConfig(raw: unknown, file: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  if (typeof raw === 'object' && raw !== null && options.targets !== undefined) {
    const r = raw as { targets?: Record<string, unknown> };
    raw = { ...r, targets: { ...r.targets, ...options.targets } };
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ProberSetupError(issuesToProblems(parsed.error.issues));
  const config = parsed.data;
  const secrets =
    options.skipSecrets === true ? { values: {}, problems: [] } : resolveSecrets(config.secrets, options.env ?? process.env);
  const discovered = await discoverJourneys(config.probes, dirname(file));
  const tls = resolveTls(config, dirname(file));
  const problems = [
    ...secrets.problems,
    ...shortSecretProblems(secrets.values),
    ...tls.problems,
    ...discovered.problems,
    ...checkJourneys(config, discovered.journeys),
    ...sourceNameProblems(config, discovered.journeys.map((j) => j.file)),
  ];
  if (problems.length > 0) throw new ProberSetupError(problems);
  return {
    path: file,
    config,
    secrets: secrets.values,
    journeys: discovered.journeys.map((j) => j.def),
    tls: { tlsFor: tls.tlsFor, insecureTargets: tls.insecureTargets },
  };
}
