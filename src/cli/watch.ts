import { spawn } from 'node:child_process';
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { loadConfig } from '../config/load-config.js';

const WATCHED = /\.(ts|mts|cts|js|mjs|cjs|json)$/;
const IGNORED = /(^|[/\\])(node_modules|artifacts|reports|dist|\.prober|\.git)([/\\]|$)/;

/** The folders to watch: the config's own, and the fixed part of each `probes` glob (before its first wildcard). */
export function watchRoots(configPath: string, probes: readonly string[]): string[] {
  const base = dirname(resolve(configPath));
  const roots = new Set([base]);
  for (const glob of probes) {
    const fixed = glob.split(/[/\\]/).filter((_, i, parts) => !parts.slice(0, i + 1).some((p) => /[*?[\]{}]/.test(p)));
    const dir = fixed.length === glob.split(/[/\\]/).length ? fixed.slice(0, -1) : fixed;
    const joined = dir.join(sep);
    roots.add(isAbsolute(glob) ? resolve(sep, joined) : resolve(base, joined));
  }
  // A folder inside another watched (recursively) folder adds nothing.
  return [...roots].filter((r) => ![...roots].some((o) => o !== r && r.startsWith(o + sep)));
}

/** `root` and its sub-folders (output and dependency folders left out), a few levels deep. */
function foldersUnder(root: string, depth = 4): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return []; // a glob's folder that does not exist yet is not watched
  }
  const subs =
    depth === 0
      ? []
      : entries.filter((e) => e.isDirectory() && !IGNORED.test(`/${e.name}/`) && !e.name.startsWith('.'));
  return [root, ...subs.flatMap((e) => foldersUnder(join(root, e.name), depth - 1))];
}

/** True for a change that should re-run: a config or journey source file, not output the run itself writes. */
export function isRelevantChange(file: string | null): boolean {
  return file !== null && WATCHED.test(file) && !IGNORED.test(file);
}

/**
 * `prober run --watch`: runs the journeys in a fresh child process (so edited journey modules are loaded anew),
 * then waits for a change to the config or a journey file and runs again, until SIGINT or SIGTERM.
 */
export async function watchRuns(
  runArgs: readonly string[],
  configPath: string,
  bin: string = process.argv[1] ?? '',
): Promise<number> {
  let stopped = false;
  let wake: (() => void) | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  const stop = () => {
    stopped = true;
    child?.kill('SIGTERM');
    wake?.();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    for (let round = 1; !stopped; round++) {
      const code = await new Promise<number | null>((done) => {
        child = spawn(process.execPath, [bin, 'run', ...runArgs], { stdio: 'inherit' });
        child.on('close', (c) => done(c));
      });
      if (stopped) break;
      const probes = await loadConfig(configPath, { skipSecrets: true }).then(
        (l) => l.config.probes,
        () => [] as string[],
      );
      const roots = watchRoots(configPath, probes);
      await new Promise<void>((resolveWait) => {
        const watchers: FSWatcher[] = [];
        wake = () => {
          for (const w of watchers) w.close();
          resolveWait();
        };
        // One non-recursive watcher per folder: Node 20's recursive mode on Linux misses changes in sub-folders.
        for (const folder of roots.flatMap((root) => foldersUnder(root))) {
          try {
            watchers.push(watch(folder, (_event, file) => isRelevantChange(file) && wake?.()));
          } catch {
            // A folder that vanished meanwhile is simply not watched.
          }
        }
        // Said only once the watchers are in place, so a change made after reading this line is never missed.
        process.stderr.write(
          `prober: run ${round} ended (exit ${code}); watching ${roots.join(', ')} for changes (Ctrl-C to stop)\n`,
        );
        if (stopped) wake(); // a signal that came while the watchers were being set up
      });
      if (!stopped) process.stderr.write('prober: change detected, running again\n');
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
