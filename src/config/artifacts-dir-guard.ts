import { readdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { problem, type Problem } from './problems.js';
import type { ProberConfig } from './schema.js';

/**
 * `browser.artifactsDir` is a folder the prober prunes and the daemon serves under `/artifacts/`. Pruning and serving
 * only touch the prober's own run folders, but a folder that also holds a project (the working directory, the config,
 * the store, `.env`) is a misconfiguration waiting to expose or lose something, so it is refused outright.
 */

/** Dotfiles that mark a folder as kept in git, not as a project: harmless, and common in an `artifacts/` folder. */
const HARMLESS_DOTFILES = new Set(['.gitignore', '.gitkeep']);

export interface ArtifactsDirFacts {
  /** The artifacts folder, absolute. */
  dir: string;
  cwd: string;
  configFile: string;
  /** The SQLite store's file, absolute; undefined for a Postgres store. */
  storePath: string | undefined;
  /** Names of the dotfiles directly inside `dir` (empty when it does not exist yet). */
  dotfiles: readonly string[];
}

/** `inner` is `outer` or lies somewhere beneath it. */
function within(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Why `dir` may not be the artifacts folder, or undefined when it may. Pure: the table test's subject. */
export function artifactsDirClash(f: ArtifactsDirFacts): string | undefined {
  if (f.dir === f.cwd) return 'is the working directory';
  if (within(f.dir, f.cwd)) return `is a parent of the working directory ${f.cwd}`;
  if (within(f.dir, f.configFile)) return `holds the config file ${f.configFile}`;
  if (f.storePath !== undefined && within(f.dir, f.storePath)) return `holds the store ${f.storePath}`;
  const dotfile = f.dotfiles.find((name) => !HARMLESS_DOTFILES.has(name));
  if (dotfile !== undefined) return `holds the dotfile ${dotfile}`;
  return undefined;
}

/** The check `prober validate`, `run` and `schedule` share: one error line naming the folder, or nothing. */
export async function artifactsDirProblems(
  config: ProberConfig,
  configFile: string,
  cwd = process.cwd(),
): Promise<Problem[]> {
  const configured = config.browser?.artifactsDir ?? 'artifacts';
  const dir = resolve(cwd, configured);
  const names = await readdir(dir).catch(() => [] as string[]);
  const clash = artifactsDirClash({
    dir,
    cwd,
    configFile: resolve(configFile),
    storePath: config.store.url === undefined ? resolve(cwd, config.store.path) : undefined,
    dotfiles: names.filter((n) => n.startsWith('.')),
  });
  if (clash === undefined) return [];
  return [
    problem(
      'browser.artifactsDir',
      `${JSON.stringify(configured)} (${dir}) ${clash}: the prober prunes and serves this folder`,
      "give it a folder of its own, e.g. 'artifacts'",
    ),
  ];
}
