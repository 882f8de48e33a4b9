import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { importContained, loadErrorMessage } from './import-module.js';
import { problem, ProberSetupError } from './problems.js';
import { validateConfig, type LoadedConfig, type LoadOptions, type Validation } from './validate-config.js';

export type { LoadedConfig, LoadOptions, Validation };

/** The validation pass on a config file: a file that is missing or does not load is a problem like any other. */
export async function validateConfigFile(path: string, options: LoadOptions = {}): Promise<Validation> {
  const file = resolve(path);
  if (!existsSync(file)) return { problems: [problem('--config', `file not found: ${path}`)], loaded: undefined };
  let raw: unknown;
  try {
    const mod = await importContained(file, path);
    raw = mod.default ?? mod.config;
  } catch (err) {
    return { problems: [problem(path, `could not load: ${loadErrorMessage(err)}`)], loaded: undefined };
  }
  return validateConfig(raw, file, options);
}

/** Loads, validates and resolves a config and its journeys, collecting every problem before failing. */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  return loadedOrThrow(await validateConfigFile(path, options));
}

/**
 * Validates and resolves a config given as data (the programmatic `run({ config: {...} })`), with `path` the file it
 * stands for: journey globs and TLS files are relative to its folder.
 */
export async function resolveConfig(raw: unknown, file: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  return loadedOrThrow(await validateConfig(raw, file, options));
}

/** The errors, typed as found (exit 2 in the CLI); warnings travel on the loaded config. */
function loadedOrThrow(validation: Validation): LoadedConfig {
  const errors = validation.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || validation.loaded === undefined) throw new ProberSetupError(errors);
  return validation.loaded;
}
