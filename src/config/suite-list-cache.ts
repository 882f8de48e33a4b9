import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BeginEvent } from './suite-events.js';

/**
 * The listing of a suite (`playwright test --list`: a second Playwright process, a second load of the config and of
 * every spec) costs about as much as Playwright's own start-up, on every `prober run`. It is kept next to the
 * user's installed Playwright (`node_modules/.cache/golden-path-prober/`, as Babel and ESLint keep theirs) and
 * reused while nothing it came from changed: the Playwright version, our reporter, the `playwright test` arguments,
 * the suite's non-secret env, the Playwright config file, and every source file under the projects' test
 * directories (a spec added, removed or edited changes its fingerprint). `PROBER_SUITE_LIST_CACHE=off` turns it off.
 */
export interface CachedListing {
  begin: BeginEvent;
  broken: { file: string; message: string; location?: string }[];
}

interface Entry extends CachedListing {
  fingerprint: string;
  dirs: string[];
}

export interface ListingKey {
  cli: string;
  cliVersion: string;
  reporter: string;
  configFile: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
}

const SOURCE = /\.[cm]?[jt]sx?$/;
/**
 * The config a suite's run is given next to the user's (src/suite/header-config.ts: `.prober-<pid>-<hex>.<name>`):
 * not a source of the listing, which it would otherwise invalidate while a run is going.
 */
export const RUN_CONFIG_NAME = /^\.prober-(\d+)-[0-9a-f]{8}\./;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export function listingCacheEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.PROBER_SUITE_LIST_CACHE !== 'off';
}

/** `node_modules/.cache/golden-path-prober` of the node_modules the suite's `@playwright/test` is installed in. */
function cacheDir(cli: string): string {
  return join(dirname(cli), '..', '..', '.cache', 'golden-path-prober');
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

/** One file per config file (its prefix), so a run that finds the listing stale can forget it alone. */
function entryFile(key: ListingKey): string {
  const { cli, configFile, ...rest } = key;
  return join(
    cacheDir(cli),
    `suite-list-${hash(configFile)}-${hash(JSON.stringify({ ...rest, reporterMtime: mtimeOf(key.reporter) }))}.json`,
  );
}

function mtimeOf(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
}

/** Source files under `dirs` with their mtime and size, and the config file's: what a listing depends on. */
function fingerprintOf(configFile: string, dirs: readonly string[]): string {
  const lines = [`${configFile}\0${mtimeOf(configFile)}`];
  const walk = (dir: string) => {
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {
      lines.push(`${dir}\0missing`);
      return;
    }
    for (const d of names) {
      const path = join(dir, d.name);
      if (d.isDirectory()) {
        if (!SKIPPED_DIRS.has(d.name)) walk(path);
      } else if (SOURCE.test(d.name) && !RUN_CONFIG_NAME.test(d.name)) lines.push(`${path}\0${mtimeOf(path)}`);
    }
  };
  for (const dir of [...new Set(dirs)].sort()) walk(dir);
  return hash(lines.sort().join('\n'));
}

function dirsOf(begin: BeginEvent, configFile: string): string[] {
  const dirs = begin.projects.flatMap((p) => (p.testDir === undefined ? [] : [p.testDir]));
  return dirs.length > 0 ? dirs : [dirname(configFile)];
}

export function readCachedListing(key: ListingKey): CachedListing | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(entryFile(key), 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  if (!Array.isArray(entry.dirs) || entry.fingerprint !== fingerprintOf(key.configFile, entry.dirs)) return undefined;
  return { begin: entry.begin, broken: entry.broken };
}

/** Best effort: a cache that cannot be written (read-only node_modules) only means the next run lists again. */
export function writeCachedListing(key: ListingKey, listed: CachedListing): void {
  try {
    const dirs = dirsOf(listed.begin, key.configFile);
    const entry: Entry = { ...listed, dirs, fingerprint: fingerprintOf(key.configFile, dirs) };
    const file = entryFile(key);
    mkdirSync(dirname(file), { recursive: true });
    // Written aside and renamed: two probers listing at once never read a torn entry.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  } catch {
    // not cached
  }
}

/** Every cached listing of this Playwright config: a run found tests the listing did not (or not those it did). */
export function forgetCachedListings(cli: string, configFile: string): void {
  const prefix = `suite-list-${hash(configFile)}-`;
  try {
    for (const name of readdirSync(cacheDir(cli)))
      if (name.startsWith(prefix)) rmSync(join(cacheDir(cli), name), { force: true });
  } catch {
    // nothing cached
  }
}
