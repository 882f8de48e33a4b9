import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { setupError } from './problems.js';

/** The names `prober` looks for, in this order, in the working directory and then each parent. */
export const CONFIG_NAMES = [
  'prober.config.ts',
  'prober.config.mts',
  'prober.config.js',
  'prober.config.mjs',
  'prober.config.json',
] as const;

/**
 * The nearest config: the first name found in `cwd`, else in its parent, up to the filesystem root, as ESLint,
 * Vitest and Playwright find theirs, so `npx prober run` works from any sub-folder of a project. `exists` is a
 * parameter so the search order is tested as a table.
 */
export function findConfig(cwd: string, exists: (path: string) => boolean = existsSync): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (exists(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `--config` when given, else `$PROBER_CONFIG`, else the nearest config file; none is a one-line usage error. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (env.PROBER_CONFIG !== undefined && env.PROBER_CONFIG !== '') return env.PROBER_CONFIG;
  const found = findConfig(cwd);
  if (found !== undefined) return relative(cwd, found) || found;
  throw setupError(
    '--config',
    `no config given and no ${CONFIG_NAMES.join(', ')} in ${cwd} or its parents`,
    'pass --config FILE, set PROBER_CONFIG, or run prober init',
  );
}
