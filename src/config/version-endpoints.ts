import type { LoadedConfig } from './load-config.js';

/** Where a service reports its version: a URL and the JSON field to read there (config `versions`). */
export interface VersionEndpoint {
  url: string;
  field: string;
}

/**
 * The version endpoints to ask: only targets listed under config `versions` (path default `/version`, field
 * `version`), plus the services `--expect-version` names. Nothing is asked by default, so a target without a
 * version endpoint never sees a 404 from every run.
 */
export function versionEndpoints(
  loaded: Pick<LoadedConfig, 'config'>,
  expected: readonly string[] = [],
): Record<string, VersionEndpoint> {
  const out: Record<string, VersionEndpoint> = {};
  const names = new Set([...Object.keys(loaded.config.versions), ...expected]);
  for (const name of names) {
    const base = loaded.config.targets[name];
    const v = loaded.config.versions[name];
    if (base === undefined || (v?.enabled === false && !expected.includes(name))) continue;
    out[name] = {
      url: `${base.replace(/\/+$/, '').replace(/^ws/, 'http')}${v?.path ?? '/version'}`,
      field: v?.field ?? 'version',
    };
  }
  return out;
}
