import { setupError } from './problems.js';

const LOCATION = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Where this prober stands: `--location` beats `PROBER_LOCATION` beats the config's `location`, because one config
 * file is usually shared by every location of a fleet and each deployment says where it runs. Undefined: one
 * unnamed location (metrics label it `default`).
 */
export function resolveLocation(sources: {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  config?: string | undefined;
}): string | undefined {
  const candidates: [string, string | undefined][] = [
    ['--location', sources.flag],
    ['PROBER_LOCATION', sources.env?.PROBER_LOCATION],
    ['location', sources.config],
  ];
  for (const [source, value] of candidates) {
    if (value === undefined || value === '') continue;
    if (!LOCATION.test(value))
      throw setupError(
        source,
        `"${value}" is not a location name`,
        'use letters, digits, ".", "_" or "-" (e.g. eu-west-1)',
      );
    return value;
  }
  return undefined;
}
